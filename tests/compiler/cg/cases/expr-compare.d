BEGIN
{
	trace(pid < 10);
	trace(timestamp >= 10);
	trace(execname == "dtrace");
	trace(!pid);
}
