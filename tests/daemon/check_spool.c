/*
 * check_spool.c — crash-safe files (runtime-daemon/dd_spool.c): atomic
 * publish, temp sweeping, and the checksummed journal's torn-tail handling.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd.h"

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_spool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

struct seen {
	char	recs[16][64];
	int	n;
};

static int collect(void *arg, const char *rec)
{
	struct seen *s = arg;

	if (s->n < 16)
		snprintf(s->recs[s->n++], 64, "%s", rec);
	return 0;
}

/* ASSERTION: publish leaves exactly the final file with the data, no temporaries. */
START_TEST(test_publish)
{
	char path[300];
	uint8_t *data;
	size_t len;

	ck_assert_int_eq(dd_spool__publish(dir, "a.o", "hello", 5), 0);
	snprintf(path, sizeof(path), "%s/a.o", dir);
	ck_assert_int_eq(dd_spool__read(path, 100, &data, &len), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_int_eq(memcmp(data, "hello", 5), 0);
	free(data);
	ck_assert_int_eq(dd_spool__sweep_temps(dir), 0);
	ck_assert_int_eq(dd_spool__read(path, 4, &data, &len), -EFBIG);
}
END_TEST

/* ASSERTION: leftover temporaries of an interrupted publish are swept, final files kept. */
START_TEST(test_sweep)
{
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/.tmp.1.1.x.o", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(dd_spool__publish(dir, "y.o", "1", 1), 0);
	ck_assert_int_eq(dd_spool__sweep_temps(dir), 1);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/y.o", dir);
	ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

/* ASSERTION: journal records survive reopening in order. */
START_TEST(test_journal_replay)
{
	char path[300];
	struct dd_journal *j;
	struct seen s = { .n = 0 };
	const char *two[] = { "S ab vm1", "S ab vm2" };

	snprintf(path, sizeof(path), "%s/journal", dir);
	ck_assert_int_eq(dd_journal__open(path, NULL, NULL, &j), 0);
	ck_assert_int_eq(dd_journal__append(j, "I ab"), 0);
	ck_assert_int_eq(dd_journal__append_many(j, two, 2), 0);
	ck_assert_int_eq(dd_journal__append(j, "bad\nrecord"), -EINVAL);
	dd_journal__free(j);
	ck_assert_int_eq(dd_journal__open(path, collect, &s, &j), 0);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.recs[0], "I ab");
	ck_assert_str_eq(s.recs[2], "S ab vm2");
	ck_assert_uint_eq(dd_journal__dropped(j), 0);
	dd_journal__free(j);
}
END_TEST

/* ASSERTION: a torn last line is dropped and truncated; appends continue after it. */
START_TEST(test_journal_torn)
{
	char path[300];
	struct dd_journal *j;
	struct seen s = { .n = 0 };
	FILE *f;

	snprintf(path, sizeof(path), "%s/journal", dir);
	ck_assert_int_eq(dd_journal__open(path, NULL, NULL, &j), 0);
	ck_assert_int_eq(dd_journal__append(j, "A one"), 0);
	dd_journal__free(j);
	f = fopen(path, "a");
	fputs("1234abcd A tw", f);	/* torn: no newline, wrong sum */
	fclose(f);
	ck_assert_int_eq(dd_journal__open(path, collect, &s, &j), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(dd_journal__dropped(j), 13);
	ck_assert_int_eq(dd_journal__append(j, "A three"), 0);
	dd_journal__free(j);
	s.n = 0;
	ck_assert_int_eq(dd_journal__open(path, collect, &s, &j), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.recs[1], "A three");
	dd_journal__free(j);
}
END_TEST

/* ASSERTION: a corrupted middle record ends the replay there (nothing after it is trusted). */
START_TEST(test_journal_corrupt)
{
	char path[300];
	struct dd_journal *j;
	struct seen s = { .n = 0 };
	int fd;

	snprintf(path, sizeof(path), "%s/journal", dir);
	ck_assert_int_eq(dd_journal__open(path, NULL, NULL, &j), 0);
	ck_assert_int_eq(dd_journal__append(j, "A one"), 0);
	ck_assert_int_eq(dd_journal__append(j, "A two"), 0);
	ck_assert_int_eq(dd_journal__append(j, "A three"), 0);
	dd_journal__free(j);
	fd = open(path, O_WRONLY);
	ck_assert_int_eq(pwrite(fd, "X", 1, 15 + 9), 1);	/* inside "A two" */
	close(fd);
	ck_assert_int_eq(dd_journal__open(path, collect, &s, &j), 0);
	ck_assert_int_eq(s.n, 1);
	dd_journal__free(j);
}
END_TEST

/* ASSERTION: rewrite replaces the journal atomically with exactly the given records. */
START_TEST(test_journal_rewrite)
{
	char path[300];
	struct dd_journal *j;
	struct seen s = { .n = 0 };
	const char *live[] = { "S cd vm1" };

	snprintf(path, sizeof(path), "%s/journal", dir);
	ck_assert_int_eq(dd_journal__open(path, NULL, NULL, &j), 0);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(dd_journal__append(j, "G old"), 0);
	ck_assert_int_eq(dd_journal__rewrite(j, live, 1), 0);
	ck_assert_int_eq(dd_journal__append(j, "R cd vm1 0"), 0);
	dd_journal__free(j);
	ck_assert_int_eq(dd_journal__open(path, collect, &s, &j), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.recs[0], "S cd vm1");
	ck_assert_str_eq(s.recs[1], "R cd vm1 0");
	dd_journal__free(j);
}
END_TEST

/* ASSERTION: config files are parsed line by line and a bad line names its number. */
START_TEST(test_config)
{
	static struct dd_config cfg;
	char path[300], why[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/dtraced.conf", dir);
	f = fopen(path, "w");
	fputs("# comment\nmode overlord\npeer vm1 tcp:127.0.0.1:7001\n"
	    "peer vm2   unix:/tmp/x.sock  # two\ngc 60\n", f);
	fclose(f);
	dd_config__init(&cfg);
	ck_assert_int_eq(dd_config__load(&cfg, path, why, sizeof(why)), 0);
	ck_assert_uint_eq(cfg.npeers, 2);
	ck_assert_str_eq(cfg.peers[1].addr, "unix:/tmp/x.sock");
	ck_assert_int_eq(cfg.gc_age, 60);
	f = fopen(path, "w");
	fputs("mode overlord\npeer vm1 ftp:nowhere\n", f);
	fclose(f);
	dd_config__init(&cfg);
	ck_assert_int_eq(dd_config__load(&cfg, path, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, ":2: "));
}
END_TEST

/* ASSERTION: a group commit publishes every file and appends every record together. */
START_TEST(test_batch_commit)
{
	char path[300];
	struct dd_journal *j;
	struct dd_batch *b;
	struct seen s = { .n = 0 };
	const char *recs[] = { "R aa vm1 0", "R bb vm2 1" };
	uint8_t *data;
	size_t len;

	snprintf(path, sizeof(path), "%s/journal", dir);
	ck_assert_int_eq(dd_journal__open(path, NULL, NULL, &j), 0);
	b = dd_batch__new(dir);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(dd_batch__add(b, dir, "aa.o", "one", 3), 0);
	ck_assert_int_eq(dd_batch__add(b, dir, "bb.err", "two!", 4), 0);
	ck_assert_uint_eq(dd_batch__count(b), 2);
	/* before the commit only temporaries exist */
	snprintf(path, sizeof(path), "%s/aa.o", dir);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(dd_batch__commit(b, j, recs, 2), 0);
	ck_assert_uint_eq(dd_batch__count(b), 0);
	ck_assert_int_eq(dd_spool__read(path, 100, &data, &len), 0);
	ck_assert_uint_eq(len, 3);
	free(data);
	ck_assert_int_eq(dd_spool__sweep_temps(dir), 0);
	dd_batch__free(b);
	dd_journal__free(j);
	snprintf(path, sizeof(path), "%s/journal", dir);
	ck_assert_int_eq(dd_journal__open(path, collect, &s, &j), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.recs[1], "R bb vm2 1");
	dd_journal__free(j);
}
END_TEST

/* ASSERTION: a batch freed without a commit leaves no file behind (nothing half-published). */
START_TEST(test_batch_abandon)
{
	struct dd_batch *b = dd_batch__new(dir);

	ck_assert_int_eq(dd_batch__add(b, dir, "cc.o", "x", 1), 0);
	dd_batch__free(b);
	ck_assert_int_eq(dd_spool__sweep_temps(dir), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("spool");
	struct { const char *name; const TTest *fn; } cases[] = {
		{ "publish", test_publish }, { "sweep", test_sweep },
		{ "journal_replay", test_journal_replay }, { "journal_torn", test_journal_torn },
		{ "journal_corrupt", test_journal_corrupt },
		{ "journal_rewrite", test_journal_rewrite }, { "config", test_config },
		{ "batch_commit", test_batch_commit }, { "batch_abandon", test_batch_abandon },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TCase *tc = tcase_create(cases[i].name);
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, cases[i].fn);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
