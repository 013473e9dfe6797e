BEGIN
{
	trace(basename((char *)rand()));
	trace((char **)arg0);
	trace((struct proc *)0);
	trace((void *)(int)arg1);
	trace((char *)curthread);
}
