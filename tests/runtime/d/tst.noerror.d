/*
 * ASSERTION: under the noerror option dtrace(1) reports no fault on
 * stderr (its own ERROR enabling is left out), while the fault still ends
 * its clause and the program's own ERROR clause still fires.
 */
#pragma D option quiet
#pragma D option noerror

BEGIN
{
	*(char *)NULL;
	printf("not reached\n");
}

ERROR
{
	printf("ERROR: epid %d action %d fault %d addr %d\n", arg1, arg2, arg4, arg5);
}

BEGIN
{
	printf("BEGIN fired\n");
	exit(0);
}
