BEGIN
{
	trace(curthread->td_proc);
	trace(((struct proc *)arg0)->p_pid);
	trace(sizeof (struct proc));
	trace(offsetof(struct proc, p_pid));
}
