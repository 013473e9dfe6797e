BEGIN
{
	trace(pid && tid);
	trace(pid || tid);
	trace(pid ^^ tid);
	trace(pid ? 1 : 2);
}
