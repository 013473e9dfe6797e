#pragma D option quiet
BEGIN
{
	setopt("aggsortkey");
	setopt("bufsize", "4m");
}
