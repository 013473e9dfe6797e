.difo d
	.strraw ""
	ret %r1
.end
