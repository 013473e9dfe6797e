/*
 * Pointers to kernel symbols: sizeof (`sym), a variable or associative
 * array only ever assigned &`sym (moved with ++, -=, cleared with 0) is
 * dereferenced and stepped by the symbol's type.
 */
BEGIN
{
	trace(sizeof (`real_ncpus));
	p = &`real_ncpus;
	p++;
	p -= 1;
	trace(*p);
	a["x"] = &`real_ncpus;
	trace(*a["x"]);
}

END
{
	p = 0;
}
