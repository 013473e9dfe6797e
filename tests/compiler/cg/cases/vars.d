BEGIN
{
	x = 1;
	self->t = timestamp;
	this->l = x + 1;
	x++;
	++self->t;
	x += 5;
	trace(this->l);
	trace(args[0]);
}
