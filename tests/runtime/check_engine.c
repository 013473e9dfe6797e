/*
 * check_engine.c — the engine under load: faults by the million, drops
 * instead of growth, no allocation while probes fire.
 */
#include <check.h>
#include <malloc.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dasm.h"
#include "dt_impl.h"

static struct dobj *obj;
static struct dt_state st;

static void open_prog(const char *text, const char *opt, const char *val)
{
	struct dt_opts o;
	char err[256];

	obj = NULL;
	ck_assert_int_eq(dasm__assemble(text, strlen(text), "t.s", &obj, NULL), 0);
	dt_opts_default(&o);
	if (opt != NULL)
		ck_assert_int_eq(dt_opts_set(&o, opt, val, err, sizeof(err)), 0);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(dt_state_open(&st, obj, &o, err, sizeof(err)), 0);
}

static void close_prog(void)
{
	dt_state_close(&st);
	dobj__free(obj);
}

static struct dvm_probe *probe(const char *name)
{
	for (uint32_t i = 0; i < st.nprobes; i++)
		if (strcmp(st.probes[i]->name, name) == 0)
			return st.probes[i];
	ck_abort_msg("no probe %s", name);
	return NULL;
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks;
}

static size_t rss_kb(void)
{
	FILE *fp = fopen("/proc/self/statm", "r");
	unsigned long size = 0, resident = 0;

	if (fp != NULL) {
		if (fscanf(fp, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(fp);
	}
	return resident * (size_t)(sysconf(_SC_PAGESIZE) / 1024);
}

/* A clause that loads from address 0x10, and an ERROR clause that counts. */
static const char faulting[] =
	".object linked\n.agg e id=1 func=count nkeys=0\n"
	".difo bad rtype=ctf:integer:8\n	setx 0x10, %r1\n	ldx [%r1], %r1\n	ret %r1\n.end\n"
	".difo id rtype=ctf:integer:8\n	setx 1, %r1\n	ret %r1\n.end\n"
	".clause\n	.probe profile:::tick-1000\n	.action difexpr difo=bad\n.end\n"
	".clause\n	.probe dtrace:::ERROR\n	.action difexpr difo=id\n"
	"	.action count ntuple=1\n.end\n";

/* The count of the only aggregation entry. */
static int64_t first_count(void)
{
	struct dvm_aggent *a = (struct dvm_aggent *)(st.eng.aggmem + 8);

	ck_assert_uint_gt(st.eng.aggused, 8);
	return dvm_aggent__words(a)[0];
}

/* ASSERTION: a clause that faults two million times counts every fault, fires ERROR for each, and keeps heap and RSS flat. */
START_TEST(fault_storm)
{
	struct dvm_probe *p;
	size_t before, rss_before;
	const int warm = 100000, storm = 2000000;

	open_prog(faulting, NULL, NULL);
	p = probe("tick-1000");
	for (int i = 0; i < warm; i++) {	/* touch what the storm touches */
		dt_fire(&st, p, NULL);
		if ((i & 4095) == 4095)
			st.eng.pbuf.head = st.eng.pbuf.acct = 0;
	}
	before = heap_in_use();
	rss_before = rss_kb();
	for (int i = 0; i < storm; i++) {
		dt_fire(&st, p, NULL);
		if ((i & 4095) == 4095)
			st.eng.pbuf.head = st.eng.pbuf.acct = 0;	/* a consumer that discards */
	}
	ck_assert_uint_eq(st.eng.errors, (uint64_t)(warm + storm));
	ck_assert_int_eq(first_count(), warm + storm);	/* ERROR fired each time */
	ck_assert_uint_eq(heap_in_use(), before);
	ck_assert_uint_le(rss_kb(), rss_before + 256);
	close_prog();
}
END_TEST

static const char counting[] =
	".object linked\n.agg c id=1 func=count nkeys=1 keys=\"int\"\n"
	".difo id rtype=ctf:integer:8\n	setx 1, %r1\n	ret %r1\n.end\n"
	".difo key rtype=ctf:integer:8\n	ldgs arg0, %r1\n	ret %r1\n.end\n"
	".difo store rtype=ctf:unknown:0\n	.var a kind=array scope=global type=ctf:integer:8\n"
	"	flushts\n	ldgs arg0, %r1\n	pushtv ctf, %r0, %r1\n	setx 1, %r2\n"
	"	stgaa %r2, a\n	ret %r0\n.end\n"
	".clause\n	.probe profile:::tick-1000\n	.action difexpr difo=id\n"
	"	.action difexpr difo=key\n	.action count ntuple=2\n	.action difexpr difo=store\n.end\n";

/* ASSERTION: new aggregation keys and associative-array entries beyond the arenas are drops, not allocations. */
START_TEST(drops_not_growth)
{
	struct dvm_probe *p;
	size_t before;
	uint64_t args[10] = { 0 };

	open_prog(counting, "aggsize", "64k");
	p = probe("tick-1000");
	before = heap_in_use();
	for (int i = 0; i < 200000; i++) {
		args[0] = (uint64_t)i;
		dt_fire(&st, p, args);
	}
	ck_assert_uint_eq(heap_in_use(), before);
	ck_assert_uint_gt(st.eng.aggdrops, 0);
	ck_assert_uint_gt(st.eng.vs.dvs_drops, 0);
	ck_assert_uint_eq(st.eng.errors, 0);
	close_prog();
}
END_TEST

static const char chilling[] =
	".object linked\n"
	".difo ns rtype=ctf:integer:8\n	setx 1234, %r1\n	ret %r1\n.end\n"
	".clause\n	.probe profile:::tick-1000\n	.action chill difo=ns\n.end\n";

static uint16_t seen_kind;
static uint64_t seen_arg;
static int host_answer;

static int rec_action(void *hctx, uint16_t kind, uint64_t arg)
{
	(void)hctx;
	seen_kind = kind;
	seen_arg = arg;
	return host_answer;
}

/* ASSERTION: a destructive action is refused at enable without the destructive option, and with it reaches the host's dh_action with its DIFO's value; a refusal by the host is a counted fault. */
START_TEST(destructive_through_host)
{
	struct dt_opts o;
	struct dvm_host h;
	char err[256];

	ck_assert_int_eq(dasm__assemble(chilling, strlen(chilling), "t.s", &obj, NULL), 0);
	dt_opts_default(&o);
	memset(&st, 0, sizeof(st));
	ck_assert_int_ne(dt_state_open(&st, obj, &o, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "Destructive actions not allowed"));
	close_prog();	/* a failed open is closed too */
	open_prog(chilling, "destructive", NULL);
	h = *st.eng.host;
	h.dh_action = rec_action;
	st.eng.host = &h;
	host_answer = 0;
	dt_fire(&st, probe("tick-1000"), NULL);
	ck_assert_uint_eq(seen_kind, DIF_ACT_CHILL);
	ck_assert_uint_eq(seen_arg, 1234);
	ck_assert_uint_eq(st.eng.errors, 0);
	host_answer = DIF_FAULT_ILLOP;
	dt_fire(&st, probe("tick-1000"), NULL);
	ck_assert_uint_eq(st.eng.errors, 1);
	close_prog();
}
END_TEST

/*
 * The predicated clause of the order test: /LOAD <test> K/ { trace(arg1); }
 * then { g = arg2; } on the same probe.  slow: the loaded value goes
 * through an `add` of 0, which keeps the predicate in the emulator (DTrace's
 * order: room, then predicate); otherwise the engine may test it first.
 */
struct pshape {
	const char	*load;		/* "pid", "tid", "arg0", "g" */
	const char	*test;		/* the cmp or tst instruction */
	const char	*branch;	/* be, bne, bl, ... */
};

static void order_prog(char *buf, size_t n, const struct pshape *ps, uint64_t k,
    bool slow)
{
	snprintf(buf, n, ".object linked\n"
	    ".difo pred rtype=ctf:integer:4\n"
	    "	.var g scope=global type=ctf:integer:8\n"
	    "	ldgs %s, %%r1\n%s	setx %llu, %%r2\n	%s\n	%s yes\n	ret %%r0\n"
	    "yes:	setx 1, %%r1\n	ret %%r1\n.end\n"
	    ".difo a1 rtype=ctf:integer:8\n	ldgs arg1, %%r1\n	ret %%r1\n.end\n"
	    ".difo store rtype=ctf:unknown:0\n"
	    "	.var g scope=global type=ctf:integer:8\n"
	    "	ldgs arg2, %%r1\n	stgs %%r1, g\n	ret %%r0\n.end\n"
	    ".clause\n	.probe profile:::tick-1000\n	.predicate pred\n"
	    "	.action difexpr difo=a1\n.end\n"
	    ".clause\n	.probe profile:::tick-1000\n	.action difexpr difo=store\n.end\n",
	    ps->load, slow ? "	setx 0, %r3\n	add %r1, %r3, %r1\n" : "",
	    (unsigned long long)k, ps->test, ps->branch);
}

static void open_state(struct dt_state *s, struct dobj **o, const char *text,
    const char *policy)
{
	struct dt_opts opts;
	char err[256];

	*o = NULL;
	ck_assert_int_eq(dasm__assemble(text, strlen(text), "t.s", o, NULL), 0);
	dt_opts_default(&opts);
	ck_assert_int_eq(dt_opts_set(&opts, "bufsize", "256", err, sizeof(err)), 0);
	ck_assert_int_eq(dt_opts_set(&opts, "bufpolicy", policy, err, sizeof(err)), 0);
	memset(s, 0, sizeof(*s));
	ck_assert_msg(dt_state_open(s, *o, &opts, err, sizeof(err)) == 0, "%s", err);
}

static struct dvm_probe *probe_of(struct dt_state *s, const char *name)
{
	for (uint32_t i = 0; i < s->nprobes; i++)
		if (strcmp(s->probes[i]->name, name) == 0)
			return s->probes[i];
	ck_abort_msg("no probe %s", name);
	return NULL;
}

/* The two principal buffers hold the same records (timestamps aside). */
static void same_buffers(const struct dvm_buf *a, const struct dvm_buf *b,
    bool ring)
{
	ck_assert_uint_eq(a->head, b->head);
	ck_assert_uint_eq(a->acct, b->acct);
	ck_assert_uint_eq(a->drops, b->drops);
	ck_assert_int_eq(a->full, b->full);
	ck_assert_int_eq(a->wrapped, b->wrapped);
	ck_assert_uint_eq(a->tail, b->tail);
	ck_assert_uint_eq(a->end, b->end);
	if (ring)
		return;
	for (uint64_t off = 0; off < a->head;) {
		struct dvm_rechdr x, y;

		memcpy(&x, a->mem + off, sizeof(x));
		memcpy(&y, b->mem + off, sizeof(y));
		ck_assert_uint_eq(x.epid, y.epid);
		ck_assert_uint_eq(x.size, y.size);
		ck_assert_int_eq(memcmp(a->mem + off + sizeof(x),
		    b->mem + off + sizeof(y), x.size), 0);
		off += sizeof(x) + x.size;
	}
}

/* ASSERTION: a predicate the engine tests before taking the record's room (quiet guard or fast form) leaves records, drops, full and ring state exactly as the emulator in DTrace's order does, under switch, fill and ring, with the buffer full or not. */
START_TEST(predicate_first_same_as_dtrace_order)
{
#define CMP	"cmp %r1, %r2"
#define CMPSW	"cmp %r2, %r1"
	static const struct pshape shapes[] = {
		{ "pid", CMP, "be" }, { "pid", CMP, "bne" },
		{ "tid", CMP, "be" }, { "arg0", CMP, "be" },
		{ "arg0", CMP, "bne" }, { "g", CMP, "be" },
		{ "g", CMP, "bne" }, { "arg0", "tst %r1", "be" },
		{ "arg0", "tst %r1", "bne" }, { "arg0", CMP, "bl" },
		{ "pid", CMP, "bgeu" }, { "arg0", CMPSW, "bg" },
		{ "g", CMP, "ble" }, { "arg0", CMPSW, "bleu" },
		{ "tid", CMP, "bgu" }, { "arg0", CMP, "bge" },
		{ "g", CMPSW, "blu" }, { "pid", CMPSW, "bne" },
	};
	static const char *const policies[] = { "switch", "fill", "ring" };
	const uint64_t k = 7, vals[] = { 7, 0, 1, 8, (uint64_t)-7, 1ULL << 63 };
	char text[2][2048];
	unsigned seed = 12345;
	uint64_t drops = 0;

	for (size_t si = 0; si < sizeof(shapes) / sizeof(shapes[0]); si++) {
		for (int pi = 0; pi < 3; pi++) {
			struct dt_state s[2];
			struct dobj *o[2];
			struct dvm_probe *p[2];
			bool ring = pi == 2, fill = pi == 1;

			for (int v = 0; v < 2; v++) {
				order_prog(text[v], sizeof(text[v]), &shapes[si], k, v == 1);
				open_state(&s[v], &o[v], text[v], policies[pi]);
				p[v] = probe_of(&s[v], "tick-1000");
				s[v].eng.activity = DVM_ACTIVITY_ACTIVE;
			}
			for (int i = 0; i < 3000; i++) {
				uint64_t args[10] = { 0 };
				int pid = (int)vals[rand_r(&seed) % 3];

				args[0] = vals[rand_r(&seed) % 6];
				args[1] = (uint64_t)i;
				args[2] = vals[rand_r(&seed) % 6];
				for (int v = 0; v < 2; v++) {
					s[v].pid = s[v].tid = pid;
					dt_fire(&s[v], p[v], args);
					/* a consumer that sometimes keeps up */
					if (!fill && !ring && i % 50 == 49)
						s[v].eng.pbuf.head = s[v].eng.pbuf.acct = 0;
				}
				same_buffers(&s[0].eng.pbuf, &s[1].eng.pbuf, ring);
				ck_assert_uint_eq(s[0].eng.errors, s[1].eng.errors);
			}
			drops += s[0].eng.pbuf.drops;
			/* the paths under test are the ones taken */
			ck_assert_uint_ne(s[0].ecbs[0].guard.src, DVM_GUARD_NONE);
			ck_assert_uint_eq(s[1].ecbs[0].fastpred.state, DVM_FASTPRED_OFF);
			for (int v = 0; v < 2; v++) {
				dt_state_close(&s[v]);
				dobj__free(o[v]);
			}
		}
	}
	ck_assert_uint_gt(drops, 0);	/* full buffers were met */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("fault_storm");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, fault_storm);
	suite_add_tcase(s, tc);
	tc = tcase_create("drops_not_growth");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, drops_not_growth);
	suite_add_tcase(s, tc);
	tc = tcase_create("destructive_through_host");
	tcase_add_test(tc, destructive_through_host);
	suite_add_tcase(s, tc);
	tc = tcase_create("predicate_first_same_as_dtrace_order");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, predicate_first_same_as_dtrace_order);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
