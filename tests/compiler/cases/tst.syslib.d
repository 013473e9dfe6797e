/* The system library's names and the members one kernel family gives. */
BEGIN
/curpsinfo->pr_dmodel == PR_MODEL_LP64/
{
	printf("%d %d %s\n", curpsinfo->pr_pid, curpsinfo->pr_ppid, curpsinfo->pr_fname);
	trace(curlwpsinfo->pr_wchan);
	trace(curpsinfo->pr_envp);
	trace(uregs[R_SP] + uregs[R_EAX]);
	trace(xlate<psinfo_t>(curproc).pr_uid);
	print(*curlwpsinfo);
	trace(sizeof (psinfo_t));
}
