! Subroutines, one printf argument each:
!   strjoin("foo", "bar"), substr("hello", 1, 3), substr("hello", -3),
!   strlen("hello"), lltostr(-123), lltostr(255, 16) (0xff), strtoll("0x1f", 16),
!   toupper("abc"), htons(0x1234), index("hello", "l"), rindex("hello", "l"),
!   basename("/a/b/c"), dirname("/a/b/c"), strchr("hello", 'l'),
!   strstr("hello", "ll"), inet_ntoa(&192.168.0.1 in scratch),
!   cleanpath("/a//b/./c/../d"), strtok("x,,y", ","), strtok(NULL, ","),
!   memstr(&"a\0b\0" in scratch, ',', 3)
! and a subroutine that needs a kernel (mutex_owned) faulting with ILLOP.
.object linked
.option quiet
.format f printf "%s %s %s %d %s %s %d %s %d %d %d %s %s %s %s %s %s %s %s %s\n"
.difo strjoin rtype=string:unknown:byref:256
	flushts
	sets "foo", %r1
	pushtr string, %r0, %r1
	sets "bar", %r1
	pushtr string, %r0, %r1
	call strjoin, %r1
	ret %r1
.end
.difo substr rtype=string:unknown:byref:256
	flushts
	sets "hello", %r1
	pushtr string, %r0, %r1
	setx 1, %r1
	pushtv ctf, %r0, %r1
	setx 3, %r1
	pushtv ctf, %r0, %r1
	call substr, %r1
	ret %r1
.end
.difo substrneg rtype=string:unknown:byref:256
	flushts
	sets "hello", %r1
	pushtr string, %r0, %r1
	setx -3, %r1
	pushtv ctf, %r0, %r1
	call substr, %r1
	ret %r1
.end
.difo strlen rtype=ctf:integer:8
	flushts
	sets "hello", %r1
	pushtr string, %r0, %r1
	call strlen, %r1
	ret %r1
.end
.difo lltostr rtype=string:unknown:byref:256
	flushts
	setx -123, %r1
	pushtv ctf, %r0, %r1
	call lltostr, %r1
	ret %r1
.end
.difo lltostr16 rtype=string:unknown:byref:256
	flushts
	setx 255, %r1
	pushtv ctf, %r0, %r1
	setx 16, %r1
	pushtv ctf, %r0, %r1
	call lltostr, %r1
	ret %r1
.end
.difo strtoll rtype=ctf:integer:8
	flushts
	sets "0x1f", %r1
	pushtr string, %r0, %r1
	setx 16, %r1
	pushtv ctf, %r0, %r1
	call strtoll, %r1
	ret %r1
.end
.difo toupper rtype=string:unknown:byref:256
	flushts
	sets "abc", %r1
	pushtr string, %r0, %r1
	call toupper, %r1
	ret %r1
.end
.difo htons rtype=ctf:integer:8
	flushts
	setx 4660, %r1
	pushtv ctf, %r0, %r1
	call htons, %r1
	ret %r1
.end
.difo index rtype=ctf:integer:8
	flushts
	sets "hello", %r1
	pushtr string, %r0, %r1
	sets "l", %r1
	pushtr string, %r0, %r1
	call index, %r1
	ret %r1
.end
.difo rindex rtype=ctf:integer:8
	flushts
	sets "hello", %r1
	pushtr string, %r0, %r1
	sets "l", %r1
	pushtr string, %r0, %r1
	call rindex, %r1
	ret %r1
.end
.difo basename rtype=string:unknown:byref:256
	flushts
	sets "/a/b/c", %r1
	pushtr string, %r0, %r1
	call basename, %r1
	ret %r1
.end
.difo dirname rtype=string:unknown:byref:256
	flushts
	sets "/a/b/c", %r1
	pushtr string, %r0, %r1
	call dirname, %r1
	ret %r1
.end
.difo strchr rtype=string:unknown:byref:256
	flushts
	sets "hello", %r1
	pushtr string, %r0, %r1
	setx 108, %r1
	pushtv ctf, %r0, %r1
	call strchr, %r1
	ret %r1
.end
.difo strstr rtype=string:unknown:byref:256
	flushts
	sets "hello", %r1
	pushtr string, %r0, %r1
	sets "ll", %r1
	pushtr string, %r0, %r1
	call strstr, %r1
	ret %r1
.end
.difo inet rtype=string:unknown:byref:256
	setx 4, %r1
	allocs %r1, %r2
	setx 0x0100a8c0, %r1
	stw %r1, [%r2]
	flushts
	pushtv ctf, %r0, %r2
	call inet_ntoa, %r1
	ret %r1
.end
.difo cleanpath rtype=string:unknown:byref:256
	flushts
	sets "/a//b/./c/../d", %r1
	pushtr string, %r0, %r1
	call cleanpath, %r1
	ret %r1
.end
.difo tok1 rtype=string:unknown:byref:256
	flushts
	sets "x,,y", %r1
	pushtr string, %r0, %r1
	sets ",", %r1
	pushtr string, %r0, %r1
	call strtok, %r1
	ret %r1
.end
.difo tok2 rtype=string:unknown:byref:256
	flushts
	pushtv ctf, %r0, %r0
	sets ",", %r1
	pushtr string, %r0, %r1
	call strtok, %r1
	ret %r1
.end
.difo memstr rtype=string:unknown:byref:256
	setx 4, %r1
	allocs %r1, %r2
	setx 0x00620061, %r1
	stw %r1, [%r2]
	flushts
	pushtv ctf, %r0, %r2
	setx 44, %r1
	pushtv ctf, %r0, %r1
	setx 3, %r1
	pushtv ctf, %r0, %r1
	call memstr, %r1
	ret %r1
.end
.difo kernel rtype=ctf:integer:8
	flushts
	setx 0, %r1
	pushtv ctf, %r0, %r1
	call mutex_owned, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
! The faulting clause comes first: after exit() no later BEGIN clause runs.
.clause
	.probe dtrace:::BEGIN
	.action difexpr difo=kernel
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=strjoin format=f
	.action printf difo=substr format=f
	.action printf difo=substrneg format=f
	.action printf difo=strlen format=f flags=1
	.action printf difo=lltostr format=f
	.action printf difo=lltostr16 format=f
	.action printf difo=strtoll format=f flags=1
	.action printf difo=toupper format=f
	.action printf difo=htons format=f flags=1
	.action printf difo=index format=f flags=1
	.action printf difo=rindex format=f flags=1
	.action printf difo=basename format=f
	.action printf difo=dirname format=f
	.action printf difo=strchr format=f
	.action printf difo=strstr format=f
	.action printf difo=inet format=f
	.action printf difo=cleanpath format=f
	.action printf difo=tok1 format=f
	.action printf difo=tok2 format=f
	.action printf difo=memstr format=f
	.action exit difo=zero
.end
