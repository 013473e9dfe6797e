BEGIN { speculate(1); @a = sum(1); }
