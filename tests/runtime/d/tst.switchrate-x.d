/*
 * ASSERTION: -x switchrate sets the period between buffer reads from the
 * start: with an hour, every record is read when tracing stops.
 * ARGS: -x switchrate=1hour -x aggrate=1ms
 */
#pragma D option quiet

tick-50ms
{
	i++;
	@ = count();
	printa("%@d\n", @);
}

tick-50ms
/i == 4/
{
	exit(0);
}
