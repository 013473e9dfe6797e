BEGIN { a = 0x7fffffff; b = 0xffffffff; c = 4294967296; d = 'ab'; e = "tab\there\n"; f = 077; g = 10ull; trace(a + b + c + d + f + g); trace(e); }
