BEGIN { @a = lquantize(1, 0, 5000000000); }
