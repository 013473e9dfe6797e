/* Apple-era built-ins HyperTrace gives meanings to (include/dif/dif.h). */
BEGIN
{
	trace(cpucycles + cpuinstrs + vcycles + vinstrs);
	trace(machtimestamp - machctimestamp);
	trace(mtons(machtimestamp));
}
