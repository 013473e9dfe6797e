! #pragma D option quiet
! BEGIN { printf("%d %s %x|%5d|%-4s|\n", -42, "abc", 255, 255, "abc"); exit(0); }
.object linked
.option quiet
.format f1 printf "%d %s %x|%5d|%-4s|\n"
.difo neg rtype=ctf:integer:8
	setx -42, %r1
	ret %r1
.end
.difo str rtype=string:unknown:byref:256
	sets "abc", %r1
	ret %r1
.end
.difo ff rtype=ctf:integer:4
	setx 255, %r1
	ret %r1
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=neg format=f1 flags=1
	.action printf difo=str format=f1
	.action printf difo=ff format=f1 flags=1
	.action printf difo=ff format=f1 flags=1
	.action printf difo=str format=f1
	.action exit difo=zero
.end
