.object relocatable
.strtab "late"
.strtab "dtrace"
.strtab "BEGIN"
.difo d0 rtype=ctf:integer:8
	.int 0x2a                      ! DT_INTEGER[0]
	.string ""                     ! DT_STRING[0]
	.string "x"                    ! DT_STRING[1]
	.var x id=0x500 kind=scalar scope=global flags=r type=ctf:integer:8
	.reloc 2 type_size("struct s")
	.line 0 "f.d":1:1
	00: 25000001    setx DT_INTEGER[0], %r1
	01: 29050002    ldgs DT_VAR(1280), %r2
	02: 51000003    usetx DT_RELOC[0], %r3
	03: 23000001    ret %r1
.end
.probe dtrace:::BEGIN
.action difexpr difo=d0 str="late"
.clause probes=0:1 actions=0:1
	.predicate d0
.end
.clause probes=0:1 actions=0:1
.end
