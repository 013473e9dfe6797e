/*
 * chain_src.c -- the target of tests/linker/chain/dld_chain.sh, compiled
 * with gcc -gbtf: structs reached from curthread through pointers, with
 * offsets the script checks (padding puts each member at a known byte).
 */
struct opaque;

struct ucred {
	long		cr_pad[3];
	unsigned int	cr_ruid;	/* 24 */
	int		cr_rgid;	/* 28 */
	char		cr_name[8];	/* 32 */
	short		cr_arr[4];	/* 40 */
};

struct sub {
	int		s_x;		/* 24 in struct proc */
	struct ucred	*s_cred;	/* 32 */
};

struct proc {
	char		p_pad[16];
	struct ucred	*p_ucred;	/* 16 */
	struct sub	p_sub;		/* 24 */
	struct ucred	*p_creds[2];	/* 40 */
	int		p_pid;		/* 56 */
};

struct thread {
	char		td_pad[8];
	struct proc	*td_proc;	/* 8 */
	struct ucred	*td_ucred;	/* 16 */
	int		td_tid;		/* 24 */
	struct opaque	*td_opaque;	/* 32 */
	void		*td_any;	/* 40 */
};

struct thread chain_thread;
