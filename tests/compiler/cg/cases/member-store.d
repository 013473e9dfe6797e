BEGIN
{
	this->p = (struct proc *)alloca(sizeof (struct proc));
	this->p->p_pid = 42;
	this->p->p_pid += 3;
	this->p->p_pid++;
	*(pid_t *)&this->p->p_pid = 7;
	*(struct proc **)this->p = this->p;
	this->t = (struct thread *)arg0;
	this->t->td_proc = this->p;
}
BEGIN
{
	*(segsz_t *)arg0 = 5;
	((segsz_t *)arg0)[2] = 6;
}
