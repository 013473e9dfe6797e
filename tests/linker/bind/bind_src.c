/*
 * bind_src.c — compiled with `gcc -gbtf -c` into the typefile of the
 * binding tests (dld_bind.sh): functions give fbt argument types, global
 * variables give kernel symbols their types.
 */
struct file { long f_pos; int f_flags; struct file *f_next; };
struct inode { unsigned long i_ino; };
typedef struct inode inode_t;
struct sock { int sk_state; };

int real_ncpus;
struct file kfile;
struct file *fptr;
const struct file *cfptr;

long vfs_read(struct file *f, char *buf, long n) { return f->f_pos + (long)buf[0] + n; }
long vfs_write(struct file *f, const char *buf, long n) { return f->f_flags + buf[0] + n; }
struct file *fget(const inode_t *ip, int fd) { return (struct file *)(ip->i_ino + (unsigned long)fd); }
int sock_close(struct sock *s, int how) { return s->sk_state + how; }
long plain(long a) { return a; }
