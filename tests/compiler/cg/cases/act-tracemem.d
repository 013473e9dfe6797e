BEGIN
{
	tracemem(arg0, 16);
	tracemem(arg0, 32, arg1);
}
