BEGIN { ustack(5, 0); }
