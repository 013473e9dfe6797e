BEGIN
{
	printf("hello\n");
	printf("%d %s\n", pid, execname);
}
