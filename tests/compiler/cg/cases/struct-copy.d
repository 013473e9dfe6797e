BEGIN
{
	this->t = *curthread;
	trace(this->t.td_tid);
	trace(*args[1]);
}
