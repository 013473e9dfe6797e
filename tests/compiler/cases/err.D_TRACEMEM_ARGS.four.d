BEGIN { tracemem(arg0, 10, 1, 2); }
