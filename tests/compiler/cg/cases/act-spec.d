BEGIN
{
	self->s = speculation();
}
BEGIN
{
	speculate(self->s);
	trace(pid);
}
END
{
	commit(self->s);
}
END
{
	discard(self->s);
}
