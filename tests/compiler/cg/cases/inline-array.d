inline int sum2[int x, int y] = x + y;
inline short low[int v] = v;
BEGIN
{
	trace(sum2[10, pid]);
	trace(low[70000]);
}
