.strtab "b", "a"
.option a "b"
.difo q rtype=ctf:integer:8
	.string "x"
	.strraw "y"
	00: 25000001    .word 0x23000000
.end
