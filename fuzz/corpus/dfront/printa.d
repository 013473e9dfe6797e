BEGIN { @a[1, "x"] = lquantize(1, 0, 100, 10); printa("%d %s %@d\n", @a); }
