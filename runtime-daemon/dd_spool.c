/*
 * dd_spool.c — crash-safe files: atomic publish and the append-only journal.
 *
 * Theory.  A reader of a spool folder must never see a partial file, and a
 * crash must never lose a file that was reported as stored.  So every file is
 * written under a hidden temporary name (".tmp.<pid>.<n>.<name>") in its
 * final folder, fsync'd, renamed over the final name, and the folder is
 * fsync'd so the rename itself is durable.  Scanners skip dot-files; the
 * daemon sweeps leftover temporaries at start (they are the only trace of an
 * interrupted publish and were never acknowledged to anyone).
 *
 * The journal is the durable "what has been processed" state.  Each record
 * is one line "<fnv1a-32 hex> <record>\n", appended with one write() and
 * fdatasync'd before the caller acts on it.  A crash can only tear the last
 * line; replay stops at the first line whose checksum or newline is missing
 * and truncates the file there, so a torn tail is dropped, never half-read.
 * Compaction rewrites the live records through the same atomic publish.
 *
 * Read next: dd_daemon.c, which decides what the records mean.
 */
#define _GNU_SOURCE	/* syncfs */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dd.h"

struct dd_journal {
	int	fd;
	char	*path;
	size_t	dropped;
};

struct dd_batch_item {
	char	tmp[4096];
	char	final[4096];
};

struct dd_batch {
	int			fsfd;	/* any directory on the spool's filesystem */
	struct dd_batch_item	*items;
	size_t			n, cap;
};

static unsigned long temp_counter;

int dd_spool__mkdir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (stat(path, &st) != 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void temp_path(char *out, size_t outlen, const char *dir, const char *name)
{
	snprintf(out, outlen, "%s/.tmp.%ld.%lu.%s", dir, (long)getpid(),
	    ++temp_counter, name);
}

static int put_file(const char *dir, const char *name, const void *data, size_t len,
    int durable)
{
	char tmp[4096], final[4096];
	int fd, rc;

	temp_path(tmp, sizeof(tmp), dir, name);
	snprintf(final, sizeof(final), "%s/%s", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, data, len);
	if (rc == 0 && durable && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, final) != 0)
		rc = -errno;
	if (rc != 0) {
		unlink(tmp);
		return rc;
	}
	return durable ? fsync_dir(dir) : 0;
}

int dd_spool__publish(const char *dir, const char *name, const void *data, size_t len)
{
	return put_file(dir, name, data, len, 1);
}

int dd_spool__put(const char *dir, const char *name, const void *data, size_t len)
{
	return put_file(dir, name, data, len, 0);
}

int dd_spool__link(const char *src, const char *dir, const char *name)
{
	char tmp[4096], final[4096];

	temp_path(tmp, sizeof(tmp), dir, name);
	snprintf(final, sizeof(final), "%s/%s", dir, name);
	if (link(src, tmp) != 0)
		return -errno;
	if (rename(tmp, final) != 0) {
		int rc = -errno;
		unlink(tmp);
		return rc;
	}
	return fsync_dir(dir);
}

int dd_spool__remove(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path) != 0 && errno != ENOENT)
		return -errno;
	return fsync_dir(dir);
}

int dd_spool__read(const char *path, size_t max, uint8_t **data, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		got += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = got;
	return 0;
}

int dd_spool__sweep_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int removed = 0;

	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, ".tmp.", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) == 0)
			removed++;
	}
	closedir(d);
	if (removed > 0)
		fsync_dir(dir);
	return removed;
}

static uint32_t fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

/*
 * line := hex8 ' ' record '\n'   (record: printable, no newline)
 * Returns the record length, or -1 if the line is torn or corrupt.
 */
static long check_line(const char *line, size_t avail)
{
	const char *nl = memchr(line, '\n', avail);
	char want[9];
	size_t reclen;

	if (nl == NULL || nl - line < 10 || line[8] != ' ')
		return -1;
	reclen = (size_t)(nl - line) - 9;
	snprintf(want, sizeof(want), "%08x", fnv1a(line + 9, reclen));
	if (memcmp(want, line, 8) != 0)
		return -1;
	return (long)reclen;
}

static int replay(struct dd_journal *j, const char *buf, size_t len,
    dd_journal_fn fn, void *arg, size_t *good)
{
	size_t off = 0;
	char rec[DD_TEXT_MAX + 1];

	while (off < len) {
		long reclen = check_line(buf + off, len - off);
		if (reclen < 0 || reclen > DD_TEXT_MAX)
			break;
		memcpy(rec, buf + off + 9, (size_t)reclen);
		rec[reclen] = '\0';
		if (fn != NULL) {
			int rc = fn(arg, rec);
			if (rc != 0)
				return rc;
		}
		off += (size_t)reclen + 10;
	}
	j->dropped = len - off;
	*good = off;
	return 0;
}

int dd_journal__open(const char *path, dd_journal_fn fn, void *arg,
    struct dd_journal **out)
{
	struct dd_journal *j = calloc(1, sizeof(*j));
	uint8_t *buf = NULL;
	size_t len = 0, good = 0;
	int rc;

	if (j == NULL)
		return -ENOMEM;
	j->path = strdup(path);
	j->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (j->path == NULL || j->fd < 0) {
		rc = j->path == NULL ? -ENOMEM : -errno;
		goto fail;
	}
	rc = dd_spool__read(path, 1u << 30, &buf, &len);
	if (rc == 0)
		rc = replay(j, (const char *)buf, len, fn, arg, &good);
	free(buf);
	if (rc != 0)
		goto fail;
	if (good < len && (ftruncate(j->fd, (off_t)good) != 0 || fsync(j->fd) != 0)) {
		rc = -errno;
		goto fail;
	}
	if (lseek(j->fd, 0, SEEK_END) < 0) {
		rc = -errno;
		goto fail;
	}
	*out = j;
	return 0;
fail:
	dd_journal__free(j);
	return rc;
}

static int format_line(const char *record, char *line, size_t linelen)
{
	size_t n = strlen(record);

	if (n == 0 || n > DD_TEXT_MAX || strchr(record, '\n') != NULL)
		return -EINVAL;
	return snprintf(line, linelen, "%08x %s\n", fnv1a(record, n), record);
}

int dd_journal__write(struct dd_journal *j, const char *record)
{
	char line[DD_TEXT_MAX + 16];
	int l = format_line(record, line, sizeof(line));

	return l < 0 ? l : write_all(j->fd, line, (size_t)l);
}

int dd_journal__append(struct dd_journal *j, const char *record)
{
	return dd_journal__append_many(j, &record, 1);
}

int dd_journal__append_many(struct dd_journal *j, const char *const *records, size_t n)
{
	char line[DD_TEXT_MAX + 16];
	char *buf = malloc(n * sizeof(line));
	size_t len = 0;
	int rc;

	if (buf == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int l = format_line(records[i], line, sizeof(line));
		if (l < 0) {
			free(buf);
			return l;
		}
		memcpy(buf + len, line, (size_t)l);
		len += (size_t)l;
	}
	rc = write_all(j->fd, buf, len);
	free(buf);
	if (rc != 0)
		return rc;
	return fdatasync(j->fd) == 0 ? 0 : -errno;
}

int dd_journal__rewrite(struct dd_journal *j, const char *const *records, size_t n)
{
	char *buf = NULL, *dir, *slash;
	size_t len = 0, cap = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		char line[DD_TEXT_MAX + 16];
		int l = format_line(records[i], line, sizeof(line));
		if (l < 0) {
			free(buf);
			return l;
		}
		if (len + (size_t)l > cap) {
			char *nb;
			cap = (cap + (size_t)l) * 2;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		memcpy(buf + len, line, (size_t)l);
		len += (size_t)l;
	}
	dir = strdup(j->path);
	if (dir == NULL) {
		free(buf);
		return -ENOMEM;
	}
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	rc = dd_spool__publish(slash != NULL ? dir : ".",
	    slash != NULL ? slash + 1 : j->path, buf, len);
	free(buf);
	free(dir);
	if (rc != 0)
		return rc;
	close(j->fd);
	j->fd = open(j->path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (j->fd < 0)
		return -errno;
	return 0;
}

size_t dd_journal__dropped(const struct dd_journal *j)
{
	return j->dropped;
}

void dd_journal__free(struct dd_journal *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	free(j);
}

struct dd_batch *dd_batch__new(const char *anydir)
{
	struct dd_batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->fsfd = open(anydir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->fsfd < 0) {
		free(b);
		return NULL;
	}
	return b;
}

size_t dd_batch__count(const struct dd_batch *b)
{
	return b->n;
}

int dd_batch__add(struct dd_batch *b, const char *dir, const char *name,
    const void *data, size_t len)
{
	struct dd_batch_item *it;
	int fd, rc;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct dd_batch_item *ni = realloc(b->items, cap * sizeof(*ni));
		if (ni == NULL)
			return -ENOMEM;
		b->items = ni;
		b->cap = cap;
	}
	it = &b->items[b->n];
	temp_path(it->tmp, sizeof(it->tmp), dir, name);
	snprintf(it->final, sizeof(it->final), "%s/%s", dir, name);
	fd = open(it->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, data, len);
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc != 0) {
		unlink(it->tmp);
		return rc;
	}
	b->n++;
	return 0;
}

static void batch_reset(struct dd_batch *b, int unlink_temps)
{
	for (size_t i = 0; unlink_temps && i < b->n; i++)
		unlink(b->items[i].tmp);
	b->n = 0;
}

int dd_batch__commit(struct dd_batch *b, struct dd_journal *j,
    const char *const *records, size_t n)
{
	char line[DD_TEXT_MAX + 16];
	int rc = 0;

	/* 1: file contents durable, still under temporary names */
	if (syncfs(b->fsfd) != 0) {
		rc = -errno;
		batch_reset(b, 1);
		return rc;
	}
	/* 2: publish; a crash from here on leaves complete files only */
	for (size_t i = 0; i < b->n; i++)
		if (rename(b->items[i].tmp, b->items[i].final) != 0 && rc == 0)
			rc = -errno;
	if (rc != 0) {
		batch_reset(b, 1);
		return rc;
	}
	/* 3: the records, then one sync makes renames and records durable */
	for (size_t i = 0; i < n && rc == 0; i++) {
		int l = format_line(records[i], line, sizeof(line));
		rc = l < 0 ? l : write_all(j->fd, line, (size_t)l);
	}
	if (rc == 0 && syncfs(b->fsfd) != 0)
		rc = -errno;
	batch_reset(b, 0);
	return rc;
}

void dd_batch__free(struct dd_batch *b)
{
	if (b == NULL)
		return;
	batch_reset(b, 1);
	close(b->fsfd);
	free(b->items);
	free(b);
}
