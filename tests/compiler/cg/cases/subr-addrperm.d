BEGIN
{
	a = vm_kernel_addrperm((void *)0);
	vm_kernel_addrperm(curthread);
	trace(vm_kernel_addrperm(arg0) != a);
}
