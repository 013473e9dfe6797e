struct s { int a : 3; char b[4]; };
struct s v;
typedef unsigned long long u64;
inline int ten = 10;
BEGIN { v.a = 1; x = (u64)v.a + ten; trace(x); }
