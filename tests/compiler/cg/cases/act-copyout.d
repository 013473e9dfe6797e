#pragma D option destructive
syscall::write:entry
{
	copyout(curthread, arg1, 4);
	copyoutstr("hi", arg1, 3);
}
