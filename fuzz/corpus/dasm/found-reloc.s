! membememberying one relocation.

.format pid printf "%d\n"

.difo pid rtype=ctf:integer:4
	.line "pid.d":1:38
	ldgs curthread, %r1
	usetx member_offset("struct thrd", "td_proc*"), %r2
	add %r1, %r2, %r1
	uload [%r1], %r1, load("qx %r3, [%r2tru§ãﬂãhread", "p_pid")
	ret %r1
.end

.clause @"‡‡‡‡‡‡‡‡‡‡‡‡‡‡‡‡‡‡‡‡‡Ë‡‡‡‡‡‡‡‡‡‡‡":1:26
.end
