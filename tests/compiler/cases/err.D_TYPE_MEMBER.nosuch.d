struct s { int a; } v;
BEGIN { x = v.b; }
