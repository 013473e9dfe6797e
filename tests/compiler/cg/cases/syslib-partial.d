/* pr_wchan only FreeBSD's translator gives: the Linux arm is the fault. */
BEGIN
{
	trace(curlwpsinfo->pr_wchan);
}
