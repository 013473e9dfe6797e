! bufpolicy=fill: fill stops at the first record that does not fit: two of
! five 24-byte records fit in 64 bytes, the rest are drops and tracing stops.
!   BEGIN { printf("%d\n", 1); } ... BEGIN { printf("%d\n", 5); }
! ARGS: -x bufsize=64 -x bufpolicy=fill
.object linked
.option quiet
.format f printf "%d\n"
.difo v1 rtype=ctf:integer:8
	setx 1, %r1
	ret %r1
.end
.difo v2 rtype=ctf:integer:8
	setx 2, %r1
	ret %r1
.end
.difo v3 rtype=ctf:integer:8
	setx 3, %r1
	ret %r1
.end
.difo v4 rtype=ctf:integer:8
	setx 4, %r1
	ret %r1
.end
.difo v5 rtype=ctf:integer:8
	setx 5, %r1
	ret %r1
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=v1 format=f flags=1
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=v2 format=f flags=1
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=v3 format=f flags=1
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=v4 format=f flags=1
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=v5 format=f flags=1
.end
