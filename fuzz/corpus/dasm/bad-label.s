.difo x
	ba nowhere
	ret %r9
.end
