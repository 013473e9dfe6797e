.object relocatable
.strtab "BEGIN"
.strtab "curthread-root.d"
.strtab "curthread"
.strtab "td_flags"

.difo d0 rtype=ctf:integer:8
	.string ""                     ! DT_STRING[0]
	.line "curthread-root.d":2:15
	00: 51000001    usetx type_size("curthread", builtin), %r1
	01: 23000001    ret %r1
.end

.difo d1 rtype=ctf:unknown:0
	.int 0x1                       ! DT_INTEGER[0]
	.string ""                     ! DT_STRING[0]
	.string "curthread"            ! DT_STRING[1]
	.var curthread id=0x100 kind=scalar scope=global flags=r type=ctf:pointer:8
	.line "curthread-root.d":2:57
	00: 25000001    setx DT_INTEGER[0], %r1        ! 0x1
	01: 29010002    ldgs DT_VAR(256), %r2          ! DT_VAR(256) = "curthread"
	02: 51000003    usetx member_offset("curthread", "td_flags", builtin), %r3
	03: 07020302    add %r2, %r3, %r2
	04: 55010002    ustore %r1, [%r2], store("curthread", "td_flags", builtin)
	05: 23000001    ret %r1
.end

.clause @"curthread-root.d":2:1
	.probe :::BEGIN @"curthread-root.d":2:1
	.action difexpr difo=d0 @"curthread-root.d":2:15
	.action difexpr difo=d1 @"curthread-root.d":2:57
.end
