struct a { struct b inner; };
struct b { int x; };
BEGIN { exit(0); }
