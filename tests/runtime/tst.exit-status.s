! BEGIN { exit(3); }  END { printf("end\n"); }   -> exit status 3
! STATUS: 3
.object linked
.option quiet
.format f printf "end\n"
.difo three rtype=ctf:integer:4
	setx 3, %r1
	ret %r1
.end
.difo none
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action exit difo=three
.end
.clause
	.probe dtrace:::END
	.action printf difo=none format=f
.end
