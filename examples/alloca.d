/* alloca.d — stores through target-typed pointers, compiled once without
 * any target types: dld sizes each store (ustore) by the guest's layout. */
BEGIN
{
	this->p = (struct proc *)alloca(sizeof(struct proc));
	this->p->p_pid = 42;
	printf("%d\n", this->p->p_pid);
	this->t = (struct thread *)alloca(sizeof(struct thread));
	this->t->td_proc = this->p;
	this->q = (struct proc *)this->t->td_proc;
	this->q->p_pid += 100;
	this->q->p_pid++;
	printf("%d %d\n", this->p->p_pid, this->q == this->p);
	exit(0);
}
