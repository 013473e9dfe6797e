/*
 * ASSERTION: -x noerror on the command line silences fault reports too.
 * ARGS: -x noerror
 */
#pragma D option quiet

BEGIN
{
	trace(*(int *)8);
}

BEGIN
{
	printf("done\n");
	exit(0);
}
