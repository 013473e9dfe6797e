/*
 * ASSERTION: aggrate is dynamic: once a setopt() in the trace sets it to an
 * hour, printa() keeps showing the aggregation as of the last snapshot.
 */
#pragma D option quiet
#pragma D option switchrate=1ms
#pragma D option aggrate=1ms

tick-50ms
{
	i++;
	@ = count();
	printa("%@d\n", @);
}

tick-50ms
/i == 2/
{
	setopt("aggrate", "1hour");
}

tick-50ms
/i == 5/
{
	exit(0);
}
