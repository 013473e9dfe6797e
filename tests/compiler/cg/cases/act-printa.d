BEGIN
{
	@c[pid] = count();
	printa(@c);
	printa("%d %@d\n", @c);
}
