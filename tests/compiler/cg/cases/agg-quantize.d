BEGIN
{
	@q = quantize(arg0);
	@qi = quantize(arg0, 3);
	@l = lquantize(arg0, 0, 100, 10);
	@ll = llquantize(arg0, 10, 0, 6, 20);
}
