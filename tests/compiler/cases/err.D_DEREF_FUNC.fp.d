int (*fp)(int);
BEGIN { x = *fp; }
