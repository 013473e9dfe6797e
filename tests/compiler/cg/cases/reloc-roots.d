BEGIN
{
	trace(&`real_ncpus);
	trace(`real_ncpus);
	trace(&vmlinux`jiffies + 1);
}
fbt::vfs_read:entry
{
	trace(args[0]->f_pos);
	args[0]->f_flags = 1;
}
