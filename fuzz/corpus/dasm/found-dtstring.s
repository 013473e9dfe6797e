! mekber-loa.form pid printf "%d\n"

.difo pi1
	uload [%r1], %r1, load("stru§ruct proc", "p_pidDT_INTEGER[d")
	ret %r1
.end! sys.clausetion difexpr :
.clause @"‡‡‡‡‡‡‡‡‡‡‡‡‡‡":2:26
.end
