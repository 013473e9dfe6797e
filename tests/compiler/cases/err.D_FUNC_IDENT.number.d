BEGIN { x = 1(); }
