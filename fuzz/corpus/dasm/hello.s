! hello.s — the smallest complete program:
!
!   BEGIN { trace("hello, world"); exit(0); }
!
! Assemble, then look at it three ways:
!   dasm -o hello.o examples/hello.s
!   dasm -d hello.o        (assembly again: re-assembles to the same bytes)
!   dasm -S hello.o        (dtrace -S style listing)

.difo greeting rtype=string:unknown:byref:256
	sets "hello, world", %r1	! the string is added to the DIFO string table
	ret %r1
.end

.difo status rtype=ctf:integer:4
	setx 0, %r1			! ... and 0 to the integer table
	ret %r1
.end

.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=greeting	! trace(): record the string
	.action exit difo=status	! exit(0)
.end
