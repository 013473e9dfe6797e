/* layout.d — compiled once without any target types; dld resolves offsetof
 * and sizeof against each guest's typefile (scripts/quickstart.sh). */
BEGIN
{
	printf("struct thread: td_proc at %d, td_ucred at %d\n",
	    offsetof(struct thread, td_proc), offsetof(struct thread, td_ucred));
	printf("struct proc: %d bytes, p_pid at %d\n", sizeof (struct proc),
	    offsetof(struct proc, p_pid));
	exit(0);
}
