struct s { int a : 3; } v;
BEGIN { p = &v.a; }
