struct s { int a; } v;
BEGIN /v/ { exit(0); }
