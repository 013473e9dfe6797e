BEGIN
{
	trace((char)arg0);
	trace((uint8_t)arg0);
	trace((int64_t)(int)arg0);
	trace((uint32_t)(short)arg0);
	trace(stringof(arg0));
}
