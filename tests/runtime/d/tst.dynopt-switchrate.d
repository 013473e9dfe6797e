/*
 * ASSERTION: switchrate is dynamic: once a setopt() in the trace sets it to
 * an hour, records wait in the buffer until tracing stops, and the printa()s
 * among them show the aggregation snapshotted then.
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
	setopt("switchrate", "1hour");
}

tick-50ms
/i == 5/
{
	exit(0);
}
