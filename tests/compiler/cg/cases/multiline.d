BEGIN
{
	printf("%d %d\n",
	    pid +
	    tid,
	    timestamp > 0 &&
	    execname == "x");
}
