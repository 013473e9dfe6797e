BEGIN
{
	a[pid, "x"] = 1;
	self->b[1] = "str";
	a[pid, "x"]++;
	trace(a[pid, "x"]);
	trace(self->b[1]);
}
