BEGIN
/pid > 0/
{
	x = 1;
	if (x == 1) {
		trace("one");
	} else {
		trace("other");
	}
	trace(x);
}
