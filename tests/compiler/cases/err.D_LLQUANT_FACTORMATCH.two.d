BEGIN { @a = llquantize(1, 4, 0, 6, 16); @a = llquantize(2, 2, 0, 6, 16); }
