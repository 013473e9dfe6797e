/*
 * main.c — runner of the consumer Check suites (unit and corpus goldens).
 */
#include <stdlib.h>

#include "helpers.h"

int main(void)
{
	SRunner *sr = srunner_create(consumer_unit_suite());
	int failed;

	srunner_add_suite(sr, consumer_golden_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
