.clause probes=3:4
.end
.action quantize arg=lquantize(5, 1, 0)
.probe a:b
