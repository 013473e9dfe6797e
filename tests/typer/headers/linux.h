/* Linux-style kernel structures (x86-64 sizes), a small task_struct. */
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned long long u64;
typedef unsigned long long uint64_t;
typedef long long int64_t;
typedef unsigned int uint32_t;
typedef unsigned long uintptr_t;
typedef struct { int counter; } atomic_t;
typedef struct { uid_t val; } kuid_t;
typedef struct { gid_t val; } kgid_t;

struct list_head {
	struct list_head *next, *prev;
};

struct cred {
	atomic_t usage;
	kuid_t uid;
	kgid_t gid;
	kuid_t suid;
	kgid_t sgid;
	kuid_t euid;
	kgid_t egid;
	unsigned int securebits;
	u64 cap_effective;
};

struct mm_struct {
	unsigned long mmap_base;
	unsigned long task_size;
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	atomic_t mm_users;
};

struct task_struct {
	unsigned int __state;
	void *stack;
	atomic_t usage;
	unsigned int flags;
	int on_cpu;
	int prio, static_prio, normal_prio;
	struct list_head tasks;
	struct mm_struct *mm;
	int exit_code;
	unsigned int jobctl;
	pid_t pid;
	pid_t tgid;
	struct task_struct *real_parent;
	struct task_struct *parent;
	struct list_head children;
	struct task_struct *group_leader;
	u64 utime, stime;
	const struct cred *real_cred;
	const struct cred *cred;
	char comm[16];
	int pdeath_signal;
};
