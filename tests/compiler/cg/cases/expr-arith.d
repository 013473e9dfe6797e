int g;
uint64_t u;
BEGIN
{
	g = 7;
	u = 9;
	trace(g + 2 * 3 - 1);
	trace(g / 2 + g % 3);
	trace(u / 2 + u % 3);
	trace((g << 2) >> 1);
	trace((u << 2) >> 1);
	trace(-g + ~g);
	trace(g & 3 | 4 ^ 1);
}
