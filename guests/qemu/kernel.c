/*
 * kernel.c — the QEMU test guest: a tiny x86-64 kernel that fires
 * HyperTrace probes through the real hypercall ABI.
 *
 * What it does, in order (kmain):
 *  1. loads its own GDT and an IDT whose #UD gate is the hypercall exit
 *     path (under TCG, VMCALL raises #UD; see qg_proto.h);
 *  2. builds its own page tables the way a kernel does, from a pool of
 *     table pages in .bss, with 4 or 5 levels (whatever boot.S chose):
 *       - the kernel image at QG_KERNEL_VMA + pa with 4 KiB pages;
 *       - a direct map of all RAM at QG_DMAP with 2 MiB pages;
 *       - one 1 GiB page at QG_HMAP covering GPA 0..1 GiB;
 *       - per process a root sharing the kernel half and one user page
 *         at QG_UARG_GVA holding that process's "argument" string;
 *  3. lays out threads (in .bss: 4 KiB pages), processes (through the
 *     direct map: 2 MiB pages) and credentials (through the 1 GiB page)
 *     with layout.h, so curthread->td_ucred->cr_ruid crosses all three
 *     page sizes; one credential straddles two pages whose frames are
 *     swapped (a read must translate each page on its own);
 *  4. fires syscall entry/return probes from every thread, switching CR3
 *     between processes like a scheduler, plus firings whose td_ucred
 *     points into a hole or outside RAM and hypercalls the host must
 *     reject; before each it sends the ground truth (a 'T' record);
 *  5. sends a 'D' record, waits for the host's go byte and exits through
 *     isa-debug-exit with a code that says whether every RAX the host
 *     returned was the one the guest expected.
 *
 * Nothing here depends on the host: the same image would issue real
 * hypercalls under KVM or bhyve.  No libc; built with -ffreestanding
 * -mcmodel=kernel -mno-red-zone and no SSE.
 */
#include <stddef.h>
#include <stdint.h>

#include "dif/hypercall.h"
#include "layout.h"
#include "qg_proto.h"

#define KVMA		0xffffffff80000000ull
#define QG_DMAP		QG_DMAP_GVA		/* direct map, 2 MiB pages */
#define QG_HMAP		0xffffc00000000000ull	/* one 1 GiB page at GPA 0 */
#define RAM_SIZE	(64ull << 20)
#define KB4		0x1000ull
#define MB2		0x200000ull
#define GB1		0x40000000ull

#define PTE_P		0x1ull
#define PTE_RW		0x2ull
#define PTE_US		0x4ull
#define PTE_PS		0x80ull
#define PTE_G		0x100ull
#define PTE_XD		(1ull << 63)
#define PTE_ADDR	0x000ffffffffff000ull

#define PORT_DEBUGCON	0xe9
#define PORT_EXIT	0xf4
#define COM1		0x3f8

/* Physical placement of the objects the host follows. */
#define PA_PROCS	0x01000000ull	/* 16 MiB: processes (direct map) */
#define PA_CREDS	0x01200000ull	/* 18 MiB: credentials (1 GiB page) */
#define PA_UPAGES	0x01400000ull	/* 20 MiB: one user page per process */
#define PA_VPAGES	0x01600000ull	/* 22 MiB: two frames behind QG_VMAP */
#define QG_VMAP		0xffffffffc0000000ull	/* "vmalloc": 2 pages, frames swapped */
#define QG_XMAP		0xffffd00000000000ull	/* 1 GiB page at GPA 4 GiB (highmem) */
#define GPA_4G		0x100000000ull
#define GPA_PCI_HOLE	0xf0000000ull		/* never RAM on pc */
#define XMAP_CRED_OFF	0x123440ull		/* make's credential, with highmem */

#define NPROC		4
#define NTHREAD		7
#define NGOOD		5		/* threads 0..4 have readable creds */
#define NROUNDS		3

extern const uint64_t qg_exc_table[22];
extern uint32_t boot_mb_info;		/* boot.S: EBX at entry (a GPA) */
extern char qg_kernel_end[];

/* ---- port I/O and control registers -------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define READ_CR(n)							\
	static inline uint64_t read_cr##n(void)				\
	{								\
		uint64_t v;						\
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));	\
		return v;						\
	}
READ_CR(0)
READ_CR(2)
READ_CR(3)
READ_CR(4)

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_efer(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u));
	return ((uint64_t)hi << 32) | lo;
}

static void *memset_(void *d, int c, size_t n)
{
	volatile uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

static void copy_str(char *dst, const char *src, size_t cap)
{
	size_t i = 0;

	for (; i + 1 < cap && src[i]; i++)
		dst[i] = src[i];
	for (; i < cap; i++)
		dst[i] = 0;
}

/* ---- records to the host ------------------------------------------- */

static uint32_t rec_seq;

static void put_u8(uint8_t *r, unsigned off, uint8_t v) { r[off] = v; }

static void put_u32(uint8_t *r, unsigned off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		r[off + i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *r, unsigned off, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		r[off + i] = (uint8_t)(v >> (8 * i));
}

static void rec_begin(uint8_t *r, uint8_t type)
{
	memset_(r, 0, QG_REC_SIZE);
	put_u32(r, QG_OFF_MAGIC, QG_MAGIC);
	put_u8(r, QG_OFF_TYPE, type);
	put_u32(r, QG_OFF_SEQ, rec_seq++);
}

static void rec_send(const uint8_t *r)
{
	for (unsigned i = 0; i < QG_REC_SIZE; i++)
		outb(PORT_DEBUGCON, r[i]);
}

/* One byte from COM1, polling the line-status register (data ready). */
static uint8_t serial_getc(void)
{
	while (!(inb(COM1 + 5) & 1))
		__asm__ volatile("pause");
	return inb(COM1);
}

static __attribute__((noreturn)) void guest_exit(uint8_t code)
{
	for (;;) {
		outb(PORT_EXIT, code);
		__asm__ volatile("cli; hlt");
	}
}

/* ---- exceptions ----------------------------------------------------- */

struct qg_frame {			/* pushed by qg_ud_entry, then the CPU */
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t rip, cs, rflags, rsp, ss;
};

void ud_handler(struct qg_frame *f);
/* boot.S: run the user routine at rip with RAX/RBX/RCX in CPL 3; returns the
 * RAX the routine ends with (qg_leave_user, called from the #UD of its ud2). */
int64_t qg_enter_user(uint64_t rip, uint64_t rax, uint64_t rbx, uint64_t rcx);
__attribute__((noreturn)) void qg_leave_user(int64_t rax);

/* The user routine, one page of its own mapped U/S at QG_UCODE_GVA in every
 * process: a hypercall from CPL 3 (which the host must refuse), then ud2
 * to come back to the kernel. */
__asm__(".pushsection .user_text, \"ax\"\n"
	".balign 4096\n"
	".globl qg_user_page\n"
	"qg_user_page:\n\t"
	"vmcall\n\t"
	"ud2\n"
	".balign 4096\n"
	".popsection");
extern const uint8_t qg_user_page[];
void fatal_exception(uint32_t vector, const uint64_t *stack);
void kmain(void);

static int has_error_code(uint32_t v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

void fatal_exception(uint32_t vector, const uint64_t *stack)
{
	uint8_t r[QG_REC_SIZE];
	int ec = has_error_code(vector);

	rec_begin(r, QG_REC_FAULT);
	put_u32(r, QG_OFF_F_VECTOR, vector);
	if (stack) {
		put_u64(r, QG_OFF_F_RIP, stack[ec ? 1 : 0]);
		put_u64(r, QG_OFF_F_ERROR, ec ? stack[0] : 0);
	}
	put_u64(r, QG_OFF_F_CR2, read_cr2());
	rec_send(r);
	guest_exit(QG_EXIT_FAULT);
}

/*
 * The exit path of a VMCALL/VMMCALL.  A hypervisor would read RAX, RBX,
 * RCX from the saved registers and CR0/CR3/CR4/EFER and the CPL from the
 * VMCS; this handler sends exactly those, waits for the host's RAX and
 * resumes after the 3-byte instruction.  Any other #UD is fatal.
 */
void ud_handler(struct qg_frame *f)
{
	const uint8_t *ip = (const uint8_t *)f->rip;
	uint8_t r[QG_REC_SIZE];
	uint64_t rax = 0;

	if ((f->cs & 3) == 3 && ip[0] == 0x0f && ip[1] == 0x0b)
		qg_leave_user((int64_t)f->rax);	/* ud2: the user routine is done */
	if (ip[0] != 0x0f || ip[1] != 0x01 || (ip[2] != 0xc1 && ip[2] != 0xd9))
		fatal_exception(6, &f->rip);
	rec_begin(r, QG_REC_EXIT);
	put_u64(r, QG_OFF_X_RAX, f->rax);
	put_u64(r, QG_OFF_X_RBX, f->rbx);
	put_u64(r, QG_OFF_X_RCX, f->rcx);
	put_u64(r, QG_OFF_X_RIP, f->rip);
	put_u64(r, QG_OFF_X_CR0, read_cr0());
	put_u64(r, QG_OFF_X_CR3, read_cr3());
	put_u64(r, QG_OFF_X_CR4, read_cr4());
	put_u64(r, QG_OFF_X_EFER, read_efer());
	put_u8(r, QG_OFF_X_CPL, (uint8_t)(f->cs & 3));
	rec_send(r);
	for (unsigned i = 0; i < 8; i++)
		rax |= (uint64_t)serial_getc() << (8 * i);
	f->rax = rax;
	f->rip += 3;
}

/* ---- descriptor tables ---------------------------------------------- */

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
};

/* Selectors: 0x08 kernel code, 0x10 kernel data, 0x1b user data,
 * 0x23 user code (64-bit), 0x28 the TSS (two slots). */
static uint64_t gdt[7] = {
	0, 0x00209a0000000000ull, 0x0000920000000000ull,
	0x0000f20000000000ull, 0x0020fa0000000000ull, 0, 0,
};
static struct idt_gate idt[32];

struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];		/* rsp[0]: stack for entries from ring 3 */
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap;
};
static struct tss64 tss;
static uint8_t ring0_stack[8192] __attribute__((aligned(16)));

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;

	tss.rsp[0] = (uint64_t)(ring0_stack + sizeof(ring0_stack));
	tss.iomap = sizeof(tss);		/* no I/O bitmap: user port I/O faults */
	gdt[5] = (limit & 0xffff) | (base & 0xffffff) << 16 |
	    0x89ull << 40 |			/* present, available 64-bit TSS */
	    ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[6] = base >> 32;
}

static void load_descriptors(void)
{
	struct desc_ptr gp = { sizeof(gdt) - 1, (uint64_t)gdt };
	struct desc_ptr ip = { sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned v = 0; v < 22; v++) {
		uint64_t h = qg_exc_table[v];

		idt[v].off_lo = (uint16_t)h;
		idt[v].sel = 0x08;
		idt[v].ist = 0;
		idt[v].type = 0x8e;		/* present, DPL 0, interrupt gate */
		idt[v].off_mid = (uint16_t)(h >> 16);
		idt[v].off_hi = (uint32_t)(h >> 32);
		idt[v].zero = 0;
	}
	set_tss_descriptor();
	/* The boot GDT lives in the identity map, which is about to go. */
	__asm__ volatile(
		"lgdt %0\n\t"
		"lidt %1\n\t"
		"pushq $0x08\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\tmovw $0x10, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"movw $0x28, %%ax\n\t"
		"ltr %%ax\n\t"
		: : "m"(gp), "m"(ip) : "rax", "memory");
}

/* ---- page tables ---------------------------------------------------- */

#define POOL_PAGES	64
static uint64_t table_pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned pool_used;
static unsigned levels;			/* 4 or 5, from CR4.LA57 */

static uint64_t kva_to_pa(const void *p)
{
	return (uint64_t)p - KVMA;
}

static uint64_t *pa_to_table(uint64_t pa)
{
	return (uint64_t *)(pa + KVMA);	/* tables live in the kernel image */
}

static uint64_t new_table(void)
{
	if (pool_used == POOL_PAGES)
		fatal_exception(0xff, NULL);
	memset_(table_pool[pool_used], 0, KB4);
	return kva_to_pa(table_pool[pool_used++]);
}

static unsigned va_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 0x1ff;
}

/*
 * Map one page of `size` (4 KiB, 2 MiB or 1 GiB) at va -> pa in the tree
 * rooted at root, creating intermediate tables as a kernel does: P|RW|US
 * on non-leaf entries, the leaf decides the rights.
 */
static void map_page(uint64_t root, uint64_t va, uint64_t pa, uint64_t size,
    uint64_t flags)
{
	unsigned leaf = size == GB1 ? 3 : size == MB2 ? 2 : 1;
	uint64_t table = root;

	for (unsigned l = levels; l > leaf; l--) {
		uint64_t *e = &pa_to_table(table)[va_index(va, l)];

		if (!(*e & PTE_P))
			*e = new_table() | PTE_P | PTE_RW | PTE_US;
		table = *e & PTE_ADDR;
	}
	pa_to_table(table)[va_index(va, leaf)] =
	    pa | flags | PTE_P | (leaf > 1 ? PTE_PS : 0);
}

static uint64_t kernel_root;
static int highmem;			/* "highmem" on the command line */

/*
 * Multiboot: bit 2 of the info flags says the command line (a GPA) is
 * valid.  Read through the boot tables' kernel mapping of the low 8 MiB,
 * before our own tables replace them.
 */
static void parse_cmdline(void)
{
	const uint32_t *info = (const uint32_t *)(KVMA + *(const uint32_t *)
	    (KVMA + (uint64_t)&boot_mb_info));
	const char *cmd, *w = "highmem";

	if (!(info[0] & 4) || info[4] >= 8u << 20)
		return;
	for (cmd = (const char *)(KVMA + info[4]); *cmd; cmd++) {
		unsigned i = 0;

		while (w[i] && cmd[i] == w[i])
			i++;
		if (!w[i])
			highmem = 1;
	}
}

static void build_kernel_tables(void)
{
	uint64_t image_end = ((uint64_t)qg_kernel_end - KVMA + MB2 - 1) & ~(MB2 - 1);

	levels = (read_cr4() & 0x1000) ? 5 : 4;
	kernel_root = new_table();
	for (uint64_t pa = 0; pa < image_end; pa += KB4)
		map_page(kernel_root, KVMA + pa, pa, KB4, PTE_RW | PTE_G);
	for (uint64_t pa = 0; pa < RAM_SIZE; pa += MB2)
		map_page(kernel_root, QG_DMAP + pa, pa, MB2, PTE_RW | PTE_G | PTE_XD);
	map_page(kernel_root, QG_HMAP, 0, GB1, PTE_RW | PTE_G | PTE_XD);
	/* GPA 3..4 GiB: never RAM on QEMU's pc (the PCI hole), whatever
	 * the RAM size; the guest maps it but never touches it. */
	map_page(kernel_root, QG_HMAP + 3 * GB1, 3 * GB1, GB1,
	    PTE_RW | PTE_G | PTE_XD | 0x18 /* PCD|PWT: uncached */);
	map_page(kernel_root, QG_VMAP, PA_VPAGES + KB4, KB4, PTE_RW | PTE_G | PTE_XD);
	map_page(kernel_root, QG_VMAP + KB4, PA_VPAGES, KB4, PTE_RW | PTE_G | PTE_XD);
	if (highmem)
		map_page(kernel_root, QG_XMAP, GPA_4G, GB1, PTE_RW | PTE_G | PTE_XD);
}

/* A process root: the kernel half shared, one user page of its own. */
static uint64_t new_address_space(uint64_t upage_pa)
{
	uint64_t root = new_table();
	uint64_t *dst = pa_to_table(root);
	const uint64_t *src = pa_to_table(kernel_root);

	for (unsigned i = 256; i < 512; i++)
		dst[i] = src[i];
	map_page(root, QG_UARG_GVA, upage_pa, KB4, PTE_RW | PTE_US | PTE_XD);
	map_page(root, QG_UCODE_GVA, kva_to_pa(qg_user_page), KB4, PTE_US);
	return root;
}

/* ---- kernel objects --------------------------------------------------- */

struct proc_init {
	const char *comm;
	const char *uarg;
	int pid;
	int parent;			/* index, or -1 */
};

struct cred_init {
	uid_t uid, ruid;
	gid_t rgid;
};

struct thread_init {
	long tid;
	int proc;
	int cred;			/* index into creds, or a QG_EXPECT_* hole */
};

static const struct proc_init proc_init[NPROC] = {
	{ "init", "/sbin/init", 1, -1 },
	{ "sshd", "-D", 612, 0 },
	{ "make", "-j4", 1400, 1 },
	{ "cc1", "hello.c", 1401, 2 },
};

#define NCRED 5
static const struct cred_init cred_init[NCRED] = {
	{ 0, 0, 0 }, { 0, 0, 22 }, { 1001, 1001, 100 }, { 1001, 1001, 100 },
	{ 0, 1001, 100 },		/* a set-uid thread of cc1 */
};

#define CRED_HOLE	100		/* td_ucred into an unmapped hole */
#define CRED_NORAM	101		/* td_ucred mapped beyond RAM */

static const struct thread_init thread_init[NTHREAD] = {
	{ 100001, 0, 0 }, { 100050, 1, 1 }, { 100120, 2, 2 },
	{ 100121, 3, 3 }, { 100122, 3, 4 },
	{ 100051, 1, CRED_HOLE }, { 100052, 1, CRED_NORAM },
};

static struct thread threads[NTHREAD];	/* kernel .bss: 4 KiB pages */
static struct proc *procs[NPROC];	/* direct map: 2 MiB pages */
static struct ucred *creds[NCRED];	/* the 1 GiB page */
static struct ht_guest_ctx ctx __attribute__((aligned(64)));

static void build_objects(void)
{
	for (unsigned i = 0; i < NCRED; i++) {
		struct ucred *c = (struct ucred *)(QG_HMAP + PA_CREDS + i * 64);

		/* The set-uid thread's credential straddles two virtually
		 * adjacent pages whose frames are NOT adjacent (and in reverse
		 * order), with cr_ruid split across the boundary: a reader must
		 * translate each page on its own. */
		if (i == NCRED - 1)
			c = (struct ucred *)(QG_VMAP + KB4 - 10);
		/* With RAM past 3 GiB QEMU puts the rest at GPA 4 GiB, which
		 * the RAM file holds at offset 3 GiB: make's credential lives
		 * there, so a host reading it must model that split. */
		if (i == 2 && highmem)
			c = (struct ucred *)(QG_XMAP + XMAP_CRED_OFF);

		memset_(c, 0, sizeof(*c));
		c->cr_ref = 1;
		c->cr_uid = cred_init[i].uid;
		c->cr_ruid = cred_init[i].ruid;
		c->cr_svuid = cred_init[i].uid;
		c->cr_rgid = cred_init[i].rgid;
		c->cr_svgid = cred_init[i].rgid;
		c->cr_ngroups = 1;
		c->cr_groups[0] = cred_init[i].rgid;
		creds[i] = c;
	}
	for (unsigned i = 0; i < NPROC; i++) {
		struct proc *p = (struct proc *)(QG_DMAP + PA_PROCS + i * 128);
		uint64_t upage = PA_UPAGES + i * KB4;

		memset_(p, 0, sizeof(*p));
		p->p_pptr = proc_init[i].parent < 0 ? p : procs[proc_init[i].parent];
		p->p_ucred = creds[i];
		p->p_pid = proc_init[i].pid;
		copy_str(p->p_comm, proc_init[i].comm, sizeof(p->p_comm));
		memset_((void *)(QG_DMAP + upage), 0, KB4);
		copy_str((char *)(QG_DMAP + upage), proc_init[i].uarg, QG_UARG_LEN);
		p->p_cr3 = new_address_space(upage);
		procs[i] = p;
	}
	for (unsigned i = 0; i < NTHREAD; i++) {
		struct thread *t = &threads[i];
		int c = thread_init[i].cred;

		t->td_next = i + 1 < NTHREAD ? &threads[i + 1] : NULL;
		t->td_tid = thread_init[i].tid;
		t->td_proc = procs[thread_init[i].proc];
		if (c == CRED_HOLE)
			t->td_ucred = (struct ucred *)(QG_DMAP + GB1 + 0x40);
		else if (c == CRED_NORAM)
			t->td_ucred = (struct ucred *)(QG_HMAP + GPA_PCI_HOLE);
		else
			t->td_ucred = creds[c];
		copy_str(t->td_name, t->td_proc->p_comm, sizeof(t->td_name));
	}
}

/* ---- firing ------------------------------------------------------------ */

static uint32_t fired, bad_rax;

static int64_t vmcall(uint64_t nr, uint64_t rbx, uint64_t rcx)
{
	int64_t ret;

	__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(rbx), "c"(rcx)
	    : "memory");
	return ret;
}

static void switch_to(const struct thread *t)
{
	if (read_cr3() != t->td_proc->p_cr3)
		write_cr3(t->td_proc->p_cr3);
}

static void fill_ctx(const struct thread *t, uint32_t probe, uint64_t a0)
{
	const struct proc *p = t->td_proc;
	const struct ucred *c = p->p_ucred;	/* readable for every process */

	memset_(&ctx, 0, sizeof(ctx));
	ctx.magic = HT_GC_MAGIC;
	ctx.version = HT_GC_VERSION;
	ctx.size = HT_GC_SIZE_V1;
	ctx.probe_id = probe;
	ctx.paging = (uint8_t)levels;
	ctx.nargs = 2;
	ctx.args[0] = a0;
	ctx.args[1] = QG_UARG_GVA;
	ctx.cr3 = read_cr3() & ~0xfffull;
	ctx.curthread = (uint64_t)t;
	ctx.tid = (uint64_t)t->td_tid;
	ctx.pid = (uint32_t)p->p_pid;
	ctx.ppid = (uint32_t)p->p_pptr->p_pid;
	ctx.uid = c->cr_uid;
	ctx.gid = c->cr_rgid;
	ctx.cpu = 0;
	copy_str(ctx.execname, p->p_comm, sizeof(ctx.execname));
}

static void send_truth(const struct thread *t, uint32_t expect, int64_t rax,
    uint32_t probe)
{
	uint8_t r[QG_REC_SIZE];
	int readable = expect == QG_EXPECT_OK;

	rec_begin(r, QG_REC_TRUTH);
	put_u32(r, QG_OFF_T_EXPECT, expect);
	put_u64(r, QG_OFF_T_RAX, (uint64_t)rax);
	put_u32(r, QG_OFF_T_PROBE, probe);
	if (t) {
		put_u64(r, QG_OFF_T_CURTHREAD, (uint64_t)t);
		put_u64(r, QG_OFF_T_TID, (uint64_t)t->td_tid);
		put_u32(r, QG_OFF_T_PID, (uint32_t)t->td_proc->p_pid);
		put_u32(r, QG_OFF_T_RUID, readable ? t->td_ucred->cr_ruid : 0);
		put_u32(r, QG_OFF_T_RGID, readable ? t->td_ucred->cr_rgid : 0);
		put_u32(r, QG_OFF_T_UID, readable ? t->td_ucred->cr_uid : 0);
		for (unsigned i = 0; i < QG_COMM_LEN; i++)
			r[QG_OFF_T_COMM + i] = (uint8_t)t->td_proc->p_comm[i];
		for (unsigned i = 0; i < QG_UARG_LEN; i++)
			r[QG_OFF_T_UARG + i] = ((const uint8_t *)QG_UARG_GVA)[i];
		put_u64(r, QG_OFF_T_UCRED, (uint64_t)t->td_ucred);
	}
	rec_send(r);
}

static void call_expect(uint64_t nr, uint64_t rbx, uint64_t rcx,
    const struct thread *t, uint32_t expect, int64_t want)
{
	send_truth(t, expect, want, ctx.probe_id);
	if (vmcall(nr, rbx, rcx) != want)
		bad_rax++;
	if (nr == HT_HC_PROBE)
		fired++;
}

static void fire(const struct thread *t, uint32_t probe, uint64_t a0,
    uint32_t expect)
{
	switch_to(t);
	fill_ctx(t, probe, a0);
	call_expect(HT_HC_PROBE, kva_to_pa(&ctx), sizeof(ctx), t, expect,
	    HT_HC_R_OK);
}

static void fire_rejected(void)
{
	const struct thread *t = &threads[0];
	uint64_t gpa = kva_to_pa(&ctx);

	switch_to(t);
	fill_ctx(t, 0, 0);
	ctx.magic = 0x12345678;			/* not a context block */
	call_expect(HT_HC_PROBE, gpa, sizeof(ctx), t, QG_EXPECT_NO_EVENT,
	    HT_HC_R_EINVAL);
	fill_ctx(t, QG_NPROBES, 0);		/* probe id never registered */
	call_expect(HT_HC_PROBE, gpa, sizeof(ctx), t, QG_EXPECT_NO_EVENT,
	    HT_HC_R_ENOENT);
	fill_ctx(t, 0, 0);
	call_expect(HT_HC_PROBE, gpa, HT_GC_MAX_SIZE + 1, t, QG_EXPECT_NO_EVENT,
	    HT_HC_R_E2BIG);
	call_expect(HT_HC_PROBE, GPA_PCI_HOLE, sizeof(ctx), t, QG_EXPECT_NO_EVENT,
	    HT_HC_R_EFAULT);			/* block outside RAM */
	call_expect(HT_HC_PROBE, 0xa0000, sizeof(ctx), t, QG_EXPECT_NO_EVENT,
	    HT_HC_R_EFAULT);			/* block in the VGA hole */
	ctx.cr3 = threads[2].td_proc->p_cr3;	/* claims another address space */
	call_expect(HT_HC_PROBE, gpa, sizeof(ctx), t, QG_EXPECT_NO_EVENT,
	    HT_HC_R_EINVAL);
	call_expect(7, 0, 0, t, QG_EXPECT_NO_EVENT, HT_HC_R_ENOSYS);

	/* A valid block, but the VMCALL comes from user mode (CPL 3). */
	fill_ctx(t, 0, 0);
	send_truth(t, QG_EXPECT_NO_EVENT, HT_HC_R_EPERM, 0);
	if (qg_enter_user(QG_UCODE_GVA, HT_HC_PROBE, gpa, sizeof(ctx)) !=
	    HT_HC_R_EPERM)
		bad_rax++;
	fired++;
}

void kmain(void)
{
	uint32_t a, b, c, d;
	uint8_t r[QG_REC_SIZE];
	uint8_t go;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
	    : "a"(0x80000001u), "c"(0));
	if (!(d & (1u << 26)))			/* no 1 GiB pages */
		fatal_exception(0xfe, NULL);
	memset_(&ctx, 0, sizeof(ctx));
	parse_cmdline();
	load_descriptors();
	build_kernel_tables();
	write_cr3(kernel_root);
	build_objects();

	call_expect(HT_HC_VERSION, 0, 0, NULL, QG_EXPECT_NO_EVENT, HT_GC_VERSION);
	for (unsigned round = 0; round < NROUNDS; round++)
		for (unsigned i = 0; i < NGOOD; i++)
			for (unsigned k = 0; k <= i; k++) {
				unsigned s = (i + k) % QG_NSYSCALLS;

				fire(&threads[i], 2 * s, 3 + s, QG_EXPECT_OK);
				fire(&threads[i], 2 * s + 1, k, QG_EXPECT_OK);
			}
	fire(&threads[5], 0, 4, QG_EXPECT_NOT_PRESENT);
	fire(&threads[6], 0, 4, QG_EXPECT_NO_SLOT);
	fire_rejected();

	rec_begin(r, QG_REC_DONE);
	put_u32(r, QG_OFF_D_FIRED, fired);
	put_u32(r, QG_OFF_D_BAD_RAX, bad_rax);
	rec_send(r);
	go = serial_getc();
	if (go != QG_GO)
		guest_exit(QG_EXIT_PROTOCOL);
	guest_exit(bad_rax ? QG_EXIT_BAD_RAX : QG_EXIT_OK);
}
