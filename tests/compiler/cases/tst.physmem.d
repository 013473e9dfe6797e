#pragma D option destructive
/* kernel VA to physical, physical memory reads and writes */
BEGIN
{
	pa = kvtophys(`kernel_base);
	v = physmem_read(pa, 8);
	physmem_write(pa, v, 8);
}
