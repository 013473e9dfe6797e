/* p->q[i].m: the member's path in element 0 plus i elements of q. */
BEGIN
{
	trace(curthread->td_proc->p_fd->fd_files->fdt_ofiles[tid].fde_file);
	trace(curthread->td_proc->p_fd->fd_files->fdt_ofiles[2].fde_file->f_offset);
	this->t = curthread->td_proc->p_fd->fd_files;
	trace(this->t->fdt_ofiles[1].fde_flags);
	curthread->td_proc->p_fd->fd_files->fdt_ofiles[0].fde_flags = 1;
}
