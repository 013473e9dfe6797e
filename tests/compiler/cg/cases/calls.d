BEGIN
{
	trace(strlen(execname));
	trace(strjoin("a", "b"));
	copyoutstr("x", arg0, 2);
}
