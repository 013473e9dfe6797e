BEGIN
{
	@c = count();
	@s[execname] = sum(arg0);
	@a[pid, tid] = avg(arg0);
	@mi = min(arg0);
	@ma = max(arg0);
	@sd = stddev(arg0);
	@k[stack()] = count();
}
