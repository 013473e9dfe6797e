uint16_t x;
self int8_t c;
BEGIN
{
	x = 0xbeefcafe;
	self->c = 300;
	x += 70000;
	i++;
	trace(x);
	trace(i);
}
