#pragma D option destructive
BEGIN
{
	livedump("a reason");
}
