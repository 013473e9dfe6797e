/*
 * Variables holding target pointers: each member through one becomes the
 * assigned value's member path extended with "->" (root and path of the
 * assignment, the variable's value as the hop).
 */
BEGIN
{
	this->p = curthread->td_proc;
	trace(this->p->p_pid);
	trace(this->p->p_ucred->cr_uid);
	self->t = curthread;
	gp = curthread->td_proc->p_pptr;
	this->q = gp;
}

BEGIN
{
	trace(self->t->td_tid);
	trace(gp->p_pid);
	trace(this->q->p_comm[1]);
	trace(sizeof (gp->p_pid));
	gp = 0;
	self->t = NULL;
}

fbt::uiomove:entry
{
	this->iov = args[3]->uio_iov;
	printf("%d %p\n", this->iov->iov_len, this->iov->iov_base);
}
