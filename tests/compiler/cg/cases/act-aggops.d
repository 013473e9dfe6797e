BEGIN
{
	@a[pid] = sum(1);
	clear(@a);
	trunc(@a);
	trunc(@a, 5);
	normalize(@a, 10);
	denormalize(@a);
}
