/* A ustack helper clause: its value annotates a user frame. */
dtrace:helper:ustack:
{
	"@frame annotation"
}
