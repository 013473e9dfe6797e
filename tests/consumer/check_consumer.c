/*
 * check_consumer.c — unit tests of libdcons (filled below).
 */
#include "helpers.h"

Suite *consumer_unit_suite(void)
{
	return suite_create("consumer-unit");
}
