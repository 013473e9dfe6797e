/*
 * fixture.h — memory images of the test headers' structures, built by the
 * C compiler (fixture.c is compiled once per header), so linked DIF can be
 * run in the emulator over real layouts and compared with what C reads.
 */
#ifndef TESTS_LINKER_FIXTURE_H
#define TESTS_LINKER_FIXTURE_H


#define FIX_MAX 16

struct fixture {
	const void	*root;		/* the structure the relocations start from */
	int		n;
	struct {
		const char *type;	/* "struct thread" */
		const char *path;	/* loaded from root; "m>struct T>m2" follows pointer m */
		unsigned long long value;		/* what C reads there, as a 64-bit register */
	} rows[FIX_MAX];
};

const struct fixture *fix_freebsd_a(void);
const struct fixture *fix_freebsd_b(void);
const struct fixture *fix_linux(void);
const struct fixture *fix_features(void);
#endif
