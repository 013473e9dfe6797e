! every-opcode.s — the round-trip test input: every DIF opcode, every
! table, every relocation kind, every action-kind class, aggregations with
! keys, formats, options, symbols, meta, source idents and positions.
!
! It is not a sensible D program: some DIFOs break validator rules on
! purpose (xlate/xlarg run only at user level, hypercall only in a guest),
! so assemble it with --allow-invalid:
!   dasm --allow-invalid -o every-opcode.o examples/every-opcode.s

.object relocatable
.srcident 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
.option quiet
.option bufsize "4m"
.option "strsize" 512
.meta "resolver" "btf"
.meta reference_typefile "freebsd-14.typ"

.symbol total kind=global varkind=scalar id=0x500 ctype="uint64_t" type=ctf:integer:8
.symbol names kind=global varkind=array id=0x501 ctype="string" keys="int" type=string:unknown:byref:256
.symbol ts kind=thread varkind=scalar id=0x500 ctype="uint64_t" type=ctf:integer:8
.symbol seen kind=thread varkind=array id=0x501 ctype="int" keys="uint64_t" type=ctf:integer:4
.symbol lat kind=agg varkind=scalar id=1 ctype="int64_t"

.agg lat id=1 func=quantize nkeys=1 keys="string" value="int64_t"
.agg @lin id=2 func=lquantize nkeys=2 arg=lquantize(0, 100, 10) keys="string,int" value="int"
.agg loglin id=3 func=llquantize arg=llquantize(10, 0, 6, 20) value="int"
.agg calls id=4 func=count nkeys=1 keys="string"

.format hello printf "%s: %d\n"
.format agg printa "%-20s %@d\n"
.format cmd system "echo %d"
.format out freopen "/tmp/out.%d"

! Arithmetic, logic, compare and every branch.
.difo arith rtype=ctf:integer:8
	.line "every.d":10:5
	setx 0x7fffffffffffffff, %r1
	setx -1, %r2
	or %r1, %r2, %r3
	xor %r1, %r2, %r3
	and %r1, %r2, %r3
	sll %r1, %r2, %r3
	srl %r1, %r2, %r3
	sra %r1, %r2, %r3
	sub %r1, %r2, %r3
	add %r1, %r2, %r3
	mul %r1, %r2, %r3
	sdiv %r1, %r2, %r3
	udiv %r1, %r2, %r3
	srem %r1, %r2, %r3
	urem %r1, %r2, %r3
	not %r1, %r4
	mov %r4, %r5
	.line "every.d":11:5
	cmp %r1, %r2
	be l1
	bne l1
l1:	bg l2
	bgu l2
l2:	bge l3
	bgeu l3
l3:	bl l4
	blu l4
l4:	ble l5
	bleu l5
l5:	tst %r3
	ba done
	nop
done:	ret %r3
.end

! Memory: kernel, user and checked loads; stores; scratch.
.difo memory rtype=ctf:integer:8
	setx 64, %r1
	allocs %r1, %r2
	copys %r2, %r1, %r2
	ldsb [%r2], %r3
	ldsh [%r2], %r3
	ldsw [%r2], %r3
	ldub [%r2], %r3
	lduh [%r2], %r3
	lduw [%r2], %r3
	ldx [%r2], %r3
	uldsb [%r2], %r3
	uldsh [%r2], %r3
	uldsw [%r2], %r3
	uldub [%r2], %r3
	ulduh [%r2], %r3
	ulduw [%r2], %r3
	uldx [%r2], %r3
	rldsb [%r2], %r3
	rldsh [%r2], %r3
	rldsw [%r2], %r3
	rldub [%r2], %r3
	rlduh [%r2], %r3
	rlduw [%r2], %r3
	rldx [%r2], %r3
	stb %r3, [%r2]
	sth %r3, [%r2]
	stw %r3, [%r2]
	stx %r3, [%r2]
	ret %r3
.end

! Variables of every scope, built-ins, the tuple stack and subroutines.
.difo vars rtype=string:unknown:byref:256
	.var total id=0x500 scope=global type=ctf:integer:8
	.var names id=0x501 kind=array scope=global type=string:unknown:byref:256
	.var ts id=0x500 scope=thread type=ctf:integer:8
	.var seen id=0x501 kind=array scope=thread type=ctf:integer:4
	.var tmp id=0x500 scope=local type=ctf:integer:8
	ldgs timestamp, %r1
	stgs %r1, total
	ldgs total, %r2
	stts %r1, ts
	ldts ts, %r2
	stls %r2, tmp
	ldls tmp, %r3
	ldga args, %r3, %r4
	ldta DT_VAR(0), %r3, %r4
	setx 7, %r5
	pushtv ctf, %r0, %r5
	ldgaa names, %r6
	stgaa %r6, names
	ldtaa seen, %r6
	sttaa %r6, seen
	popts
	flushts
	sets "hello", %r1
	sets "world", %r2
	scmp %r1, %r2
	pushtr string, %r0, %r1
	pushtr DT_TYPE(1), %r0, %r2
	call strjoin, %r3
	flushts
	pushtr string, %r0, %r3
	call DIF_SUBR(12), %r4
	ret %r3
.end

! HyperTrace's pseudo-instructions, one relocation each; and the
! user-level-only and guest-only opcodes (the validator rejects those).
.difo pseudo rtype=ctf:integer:8 destructive
	ldgs curthread, %r1
	usetx member_offset("struct thread", "td_proc"), %r2
	add %r1, %r2, %r1
	uload [%r1], %r1, load("struct thread", "td_proc")
	usetx member_offset("struct proc", "p_flag", bitfield), %r2
	usetx member_size("struct proc", "p_comm"), %r3
	usetx type_size("struct proc"), %r4
	uuload [%r1], %r5, uload("struct user_args", "argc")
	typecast cast("int8_t"), %r5
	ustore %r5, [%r1], store("struct proc", "p_pid")
	xlate DT_XLREF[0], %r6
	xlarg DT_XLREF[1], %r6
	hypercall
	ret %r5
.end

.difo pred rtype=ctf:integer:4
	ldts ts, %r1
	tst %r1
	be zero
	setx 1, %r1
zero:	ret %r1
	.var ts scope=thread
.end

.difo one rtype=ctf:integer:4
	setx 1, %r1
	ret %r1
.end

.difo key rtype=string:unknown:byref:256
	ldgs execname, %r1
	ret %r1
.end

.difo aggid rtype=ctf:integer:8
	setx 1, %r1
	ret %r1
.end

.difo void rtype=ctf:unknown:0
	ret %r0
.end

.clause @"every.d":9:1
	.probe syscall::read:entry @"every.d":9:1
	.probe fbt:kernel:vm_fault*:return
	.probe vm0:dtrace:::BEGIN
	.action difexpr difo=arith @"every.d":10:2
	.action printf difo=key format=hello
	.action printf difo=one format=hello
	.action tracemem_dynsize difo=one
	.action tracemem difo=memory
	.action printm difo=memory
	.action libact difo=one arg=setopt str="int"
	.action ustack difo=void arg=ustack(20, 512)
	.action jstack difo=void arg=ustack(50, 512)
	.action usym difo=one
	.action umod difo=one
	.action uaddr difo=one
	.action stack difo=void arg=20
	.action sym difo=one
	.action mod difo=one
	.action system difo=one format=cmd
	.action freopen difo=key format=out
.end

.clause @"every.d":20:1
	.probe proc:::exec-success
	.predicate pred
	.action difexpr difo=aggid
	.action difexpr difo=key
	.action quantize difo=vars ntuple=2
	.action difexpr difo=aggid
	.action difexpr difo=key
	.action difexpr difo=one
	.action lquantize difo=one ntuple=3 arg=lquantize(0, 100, 10)
	.action difexpr difo=aggid
	.action llquantize difo=one ntuple=1 arg=llquantize(10, 0, 6, 20)
	.action difexpr difo=aggid
	.action difexpr difo=key
	.action count ntuple=2
	.action difexpr difo=aggid
	.action min difo=one ntuple=1
	.action difexpr difo=aggid
	.action max difo=one ntuple=1
	.action difexpr difo=aggid
	.action avg difo=one ntuple=1
	.action difexpr difo=aggid
	.action sum difo=one ntuple=1
	.action difexpr difo=aggid
	.action stddev difo=one ntuple=1
	.action printa difo=aggid format=agg
.end

.clause
	.probe profile:::tick-1s
	.action speculate difo=one
	.action commit difo=one
	.action discard difo=one
	.action stop
	.action raise difo=one
	.action breakpoint
	.action panic
	.action chill difo=one
	.action exit difo=pseudo
	.action none
.end
