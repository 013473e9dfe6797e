! hello.s â€”
.difo greng rtype=string:unknown:byref:128
	sets "hello, world", %r1	!probes=strén8
	sets "heìlo, world", %r1	! aetthtus	!exyt(0)
.end
