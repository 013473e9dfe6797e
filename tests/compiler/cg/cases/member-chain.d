/* Member chains through target pointers whose pointee dtc cannot name. */
BEGIN
{
	trace(curthread->td_ucred->cr_ruid);
	trace(curthread->td_proc->p_pptr->p_pid);
	trace(curthread->td_proc->p_sigacts.ps_flag);
	trace((*curthread->td_proc).p_pid);
	trace(curthread->td_proc->p_comm[tid]);
	trace(curthread->td_proc->p_threads[1]->td_tid);
	trace(stringof(curthread->td_proc->p_comm));
	trace(&curthread->td_proc->p_pid);
	trace(curthread->td_proc != NULL);
	trace(sizeof (curthread->td_ucred->cr_ruid));
}

fbt::vn_open:entry
{
	trace(args[0]->ni_cnd.cn_cred->cr_uid);
	trace(`rootvnode->v_mount->mnt_flag);
	trace(`thread0.td_proc->p_pid);
	curthread->td_proc->p_flag = 1;
}
