/* curlwpsinfo->pr_lwpid: Linux task_struct.pid, FreeBSD thread.td_tid. */
BEGIN
{
	trace(curlwpsinfo->pr_lwpid);
}
