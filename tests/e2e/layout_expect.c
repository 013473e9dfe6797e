/*
 * layout_expect.c — what examples/layout.d must print for one guest,
 * computed by the C compiler from the same declarations the guest's
 * typefile was made from (compiled with -include examples/guest-X.c).
 */
#include <stddef.h>
#include <stdio.h>

int main(void)
{
	printf("struct thread: td_proc at %zu, td_ucred at %zu\n",
	    offsetof(struct thread, td_proc), offsetof(struct thread, td_ucred));
	printf("struct proc: %zu bytes, p_pid at %zu\n", sizeof(struct proc),
	    offsetof(struct proc, p_pid));
	printf("\n");	/* dtrace ends its output with a blank line */
	return 0;
}
