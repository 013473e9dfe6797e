int f(extern int);
BEGIN { exit(0); }
