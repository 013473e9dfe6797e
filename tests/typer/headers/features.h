/*
 * Type-model features the typer must read right: bit-fields, anonymous
 * members, typedef chains, enums (32- and 64-bit, signed), arrays,
 * forward declarations, qualifiers, function pointers, floats.
 */
typedef unsigned int feat_u32;
typedef feat_u32 feat_level1;
typedef const feat_level1 feat_level2;
typedef feat_level2 feat_chain;		/* typedef -> typedef -> const -> typedef -> int */

enum feat_color { FEAT_RED, FEAT_GREEN = 5, FEAT_BLUE = 70000 };
enum feat_neg { FEAT_MINUS = -3, FEAT_ZERO = 0 };
enum feat_wide { FEAT_SMALL = 1, FEAT_HUGE = 0x1234567890ULL };

struct feat_opaque;			/* declared, never defined */
union feat_undef;

struct feat_bits {
	unsigned char tag;
	unsigned int low : 3;
	unsigned int mid : 9;
	int neg : 5;
	unsigned long long wide : 40;
	_Bool flag : 1;
	enum feat_color color : 17;
	short after;
};

struct feat_anon {
	int first;
	union {
		long as_long;
		struct {
			short lo_half;
			short hi_half;
		};
	};
	struct {
		char inner_c;
		double inner_d;
	};
	int last;
};

struct feat_arrays {
	int grid[3][5];
	char name[7];
	struct feat_anon items[2];
	struct feat_opaque *opaque;
	union feat_undef *undef;
	int tail[];
};

struct feat_misc {
	feat_chain chained;
	const volatile int cv;
	char *const const_ptr;
	const char *ptr_to_const;
	int (*callback)(int, const char *, ...);
	void (*table[4])(void);
	float f;
	double d;
	long double ld;
	_Bool b;
	char c;
	signed char sc;
	unsigned char uc;
	short s;
	unsigned short us;
	long l;
	unsigned long ul;
	long long ll;
	unsigned long long ull;
	enum feat_color color;
	enum feat_neg neg;
	enum feat_wide wide;
	struct feat_misc *self;
};

union feat_union {
	int i;
	char bytes[12];
	struct feat_bits bits;
};

struct __attribute__((packed)) feat_packed {
	char c;
	int i;
	long long ll;
};
