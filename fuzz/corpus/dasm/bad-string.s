.difo x
	sets "unterminated, %r1
