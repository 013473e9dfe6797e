BEGIN
{
	@c[pid] = count();
	@s[pid] = sum(1);
	printa(@c, @s);
	printa(@c);
	printa(@s);
	printa("%d %@d %@d\n", @c, @s);
}
