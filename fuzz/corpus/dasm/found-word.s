! "uset3m"
.option "stDT_VAR(rs.w÷÷÷(rom"
.option "stDT_VAR÷	omr"
.option "stDT_^AR(rs.wordlatency.s â€m"
.option "stDT_÷÷÷svg÷s= th÷ a:1e"r 