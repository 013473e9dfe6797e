/*
 * ASSERTION: D lays out program-defined structs with bit-fields as DTrace
 * does: every member starts on a byte boundary after the previous one ends,
 * a bit-field takes the power-of-two number of bytes that holds its width
 * (aligned to it), there is no tail padding; values round-trip through
 * loads and read-modify-write stores in every position.
 */
#pragma D option quiet

struct r7 { long c : 32; long long d : 9; int e : 1; } v7;
struct r5 { int c : 12; int a : 10; int b : 3; } v5;
struct r8 { char a : 2; short b : 12; long c : 32; } v8;
struct m { int x; unsigned a : 3; int b : 5; char name[8]; } vm;
struct big { int a : 20; int b : 3; long long c : 33; char d; } vb;
union u { int a : 3; char b; } vu;

BEGIN
{
	v7.c = -5; v7.d = 255; v7.e = -1;
	v5.c = 2047; v5.a = -300; v5.b = 3;
	v8.a = 1; v8.b = -7; v8.c = 123456;
	vm.x = 7; vm.a = 6; vm.b = -3;
	vb.a = -524288; vb.b = 2; vb.c = -4294967296; vb.d = 'z';
	vu.a = -2;
	printf("r7 %d: %d %d %d\n", sizeof (v7), v7.c, v7.d, v7.e);
	printf("r5 %d: %d %d %d\n", sizeof (v5), v5.c, v5.a, v5.b);
	printf("r8 %d: %d %d %d\n", sizeof (v8), v8.a, v8.b, v8.c);
	printf("m %d: %d %d %d name@%d\n", sizeof (struct m), vm.x, vm.a, vm.b,
	    offsetof(struct m, name));
	printf("big %d: %d %d %d %c d@%d\n", sizeof (vb), vb.a, vb.b, vb.c, vb.d,
	    offsetof(struct big, d));
	printf("u %d: %d %d\n", sizeof (union u), vu.a, vu.b);
	exit(0);
}
