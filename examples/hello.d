/* hello.d — the bundled example: trace a string and exit. */
BEGIN
{
	trace("hello, world");
	exit(0);
}
