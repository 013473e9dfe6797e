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
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
