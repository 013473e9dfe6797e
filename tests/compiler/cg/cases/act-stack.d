BEGIN
{
	stack();
	stack(5);
	ustack();
	ustack(10, 100);
	jstack();
}
