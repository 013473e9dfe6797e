#include <check.h>
#include <stdlib.h>
#include "sample.h"
START_TEST(rt)
{
	struct dobj *o = sample_full(DOBJ_RELOCATABLE), *b;
	struct dobj_err err = {0};
	void *buf; size_t len;
	ck_assert_ptr_nonnull(o);
	int rc = dobj__check(o, &err);
	ck_assert_msg(rc == 0, "%s %llu %s", err.section, (unsigned long long)err.offset, err.msg);
	ck_assert_int_eq(dobj__write_mem(o, &buf, &len), 0);
	rc = dobj__read_mem(buf, len, &b, &err);
	ck_assert_msg(rc == 0, "%s %llu %s", err.section, (unsigned long long)err.offset, err.msg);
	free(buf);
	dobj__free(o);
	dobj__free(b);
}
END_TEST
int main(void)
{
	Suite *s = suite_create("obj");
	TCase *tc = tcase_create("rt");
	tcase_add_test(tc, rt);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
