struct s { int a : 3; } v;
BEGIN { x = sizeof (v.a); }
