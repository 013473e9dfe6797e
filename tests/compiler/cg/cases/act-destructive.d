#pragma D option destructive
BEGIN
{
	chill(100);
	raise(9);
	stop();
	breakpoint();
	panic();
}
