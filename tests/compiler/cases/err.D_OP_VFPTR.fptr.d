int (*fp)(int);
BEGIN { x = fp + 1; }
