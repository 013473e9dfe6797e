/*
 * fixture.c — compiled with -include <header> -DFIX_<layout>: fills one
 * instance of the header's structures and lists member paths with the value
 * C reads there.  A path "a>struct T>b" follows the pointer member a to a T, then b.
 */



#include "fixture.h"

#define ROW(T, P, V) f.rows[f.n].type = T, f.rows[f.n].path = P, \
	f.rows[f.n].value = (unsigned long long)(long long)(V), f.n++

#if defined(FIX_FREEBSD)
static struct proc p;
static struct thread t;
static struct fixture f;

const struct fixture *FIX_FN(void)
{
	f.n = 0;
	p.p_pid = 4242;
	p.p_flag = -7;
	p.p_numthreads = 3;
	t.td_proc = &p;
	t.td_errno = -3;
	t.td_pri_class = 200;
	t.td_tid = 100123;
	t.td_runtime = 0x123456789abcdefull;
	t.td_sigstk.ss_flags = -1;
	t.td_sigstk.ss_size = 8192;
	f.root = &t;
	ROW("struct thread", "td_errno", t.td_errno);
	ROW("struct thread", "td_pri_class", t.td_pri_class);
	ROW("struct thread", "td_tid", t.td_tid);
	ROW("struct thread", "td_runtime", t.td_runtime);
	ROW("struct thread", "td_sigstk.ss_flags", t.td_sigstk.ss_flags);
	ROW("struct thread", "td_sigstk.ss_size", t.td_sigstk.ss_size);
	ROW("struct thread", "td_proc>struct proc>p_pid", t.td_proc->p_pid);
	ROW("struct thread", "td_proc>struct proc>p_flag", t.td_proc->p_flag);
	ROW("struct thread", "td_proc>struct proc>p_numthreads", t.td_proc->p_numthreads);
	ROW("struct thread", "td_name", (unsigned long)t.td_name);
	ROW("struct thread", "td_sigstk", (unsigned long)&t.td_sigstk);
	return &f;
}
#elif defined(FIX_LINUX)
static struct cred c;
static struct task_struct t;
static struct fixture f;

const struct fixture *FIX_FN(void)
{
	f.n = 0;
	c.uid.val = 1000;
	c.euid.val = 0;
	c.cap_effective = 0x1ffffffffffull;
	t.pid = 77;
	t.tgid = 70;
	t.cred = &c;
	t.flags = 0x80000000u;
	f.root = &t;
	ROW("struct task_struct", "pid", t.pid);
	ROW("struct task_struct", "tgid", t.tgid);
	ROW("struct task_struct", "flags", t.flags);
	ROW("struct task_struct", "cred>struct cred>uid.val", t.cred->uid.val);
	ROW("struct task_struct", "cred>struct cred>cap_effective", t.cred->cap_effective);
	ROW("struct task_struct", "comm", (unsigned long)t.comm);
	return &f;
}
#elif defined(FIX_FEATURES)
static struct feat_bits b;
static struct fixture f;

const struct fixture *FIX_FN(void)
{
	f.n = 0;
	b.tag = 0xa5;
	b.low = 5;
	b.mid = 300;
	b.neg = -9;
	b.wide = 0xab12345678ull;
	b.flag = 1;
	b.color = FEAT_BLUE;
	b.after = -2;
	f.root = &b;
	ROW("struct feat_bits", "tag", b.tag);
	ROW("struct feat_bits", "low", b.low);
	ROW("struct feat_bits", "mid", b.mid);
	ROW("struct feat_bits", "neg", b.neg);
	ROW("struct feat_bits", "wide", b.wide);
	ROW("struct feat_bits", "flag", b.flag);
	ROW("struct feat_bits", "color", b.color);
	ROW("struct feat_bits", "after", b.after);
	return &f;
}
#endif
