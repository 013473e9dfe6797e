#pragma D option destructive
BEGIN
{
	system("echo %d", pid);
	freopen("/tmp/out.%d", pid);
	freopen("");
	ftruncate();
}
