/* curpsinfo->pr_ppid: a type_exists test per kernel, each arm's relocations guarded. */
BEGIN
{
	trace(curpsinfo->pr_ppid);
}
