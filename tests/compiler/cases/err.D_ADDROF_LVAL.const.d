BEGIN { p = &(1 + 2); }
