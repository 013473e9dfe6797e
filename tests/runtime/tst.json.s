! json(): members, array elements, nested values, escapes, absent keys.
!   this->j = "{\"a\": {\"b\": [1, \"two\", {\"c\": true}]}, \"s\": \"x\\\"y\"}";
!   BEGIN { printf("%s|%s|%s|%s\n", json(j, "a.b[1]"), json(j, "a.b[2].c"),
!           json(j, "a.b"), json(j, "s")); }
!   BEGIN / json(j, "a.nope") == NULL && json(j, "a.b[7]") == NULL / { printf("absent\n"); exit(0); }
.object linked
.option quiet
.format f printf "%s|%s|%s|%s\n"
.format g printf "absent\n"
.difo b1 rtype=string:unknown:byref:256
	flushts
	sets "{\"a\": {\"b\": [1, \"two\", {\"c\": true}]}, \"s\": \"x\\\"y\"}", %r1
	pushtr string, %r0, %r1
	sets "a.b[1]", %r1
	pushtr string, %r0, %r1
	call json, %r1
	ret %r1
.end
.difo c rtype=string:unknown:byref:256
	flushts
	sets "{\"a\": {\"b\": [1, \"two\", {\"c\": true}]}, \"s\": \"x\\\"y\"}", %r1
	pushtr string, %r0, %r1
	sets "a.b[2].c", %r1
	pushtr string, %r0, %r1
	call json, %r1
	ret %r1
.end
.difo b rtype=string:unknown:byref:256
	flushts
	sets "{\"a\": {\"b\": [1, \"two\", {\"c\": true}]}, \"s\": \"x\\\"y\"}", %r1
	pushtr string, %r0, %r1
	sets "a.b", %r1
	pushtr string, %r0, %r1
	call json, %r1
	ret %r1
.end
.difo str rtype=string:unknown:byref:256
	flushts
	sets "{\"a\": {\"b\": [1, \"two\", {\"c\": true}]}, \"s\": \"x\\\"y\"}", %r1
	pushtr string, %r0, %r1
	sets "s", %r1
	pushtr string, %r0, %r1
	call json, %r1
	ret %r1
.end
.difo nope rtype=string:unknown:byref:256
	flushts
	sets "{\"a\": {\"b\": [1, \"two\", {\"c\": true}]}, \"s\": \"x\\\"y\"}", %r1
	pushtr string, %r0, %r1
	sets "a.nope", %r1
	pushtr string, %r0, %r1
	call json, %r1
	ret %r1
.end
.difo b7 rtype=string:unknown:byref:256
	flushts
	sets "{\"a\": {\"b\": [1, \"two\", {\"c\": true}]}, \"s\": \"x\\\"y\"}", %r1
	pushtr string, %r0, %r1
	sets "a.b[7]", %r1
	pushtr string, %r0, %r1
	call json, %r1
	ret %r1
.end
.difo absent rtype=ctf:integer:4
	flushts
	sets "{\"a\": {\"b\": [1, \"two\", {\"c\": true}]}, \"s\": \"x\\\"y\"}", %r1
	pushtr string, %r0, %r1
	sets "a.nope", %r1
	pushtr string, %r0, %r1
	call json, %r2
	flushts
	sets "{\"a\": {\"b\": [1, \"two\", {\"c\": true}]}, \"s\": \"x\\\"y\"}", %r1
	pushtr string, %r0, %r1
	sets "a.b[7]", %r1
	pushtr string, %r0, %r1
	call json, %r3
	or %r2, %r3, %r2
	tst %r2
	be yes
	ret %r0
yes:	setx 1, %r1
	ret %r1
.end
.difo none rtype=ctf:unknown:0
	ret %r0
.end
.difo zero rtype=ctf:integer:4
	ret %r0
.end
.clause
	.probe dtrace:::BEGIN
	.action printf difo=b1 format=f
	.action printf difo=c format=f
	.action printf difo=b format=f
	.action printf difo=str format=f
.end
.clause
	.probe dtrace:::BEGIN
	.predicate absent
	.action printf difo=none format=g
	.action exit difo=zero
.end
