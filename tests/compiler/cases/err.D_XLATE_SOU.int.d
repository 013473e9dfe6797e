struct in { int a; };
translator int < struct in *p > { b = p->a; };
BEGIN { exit(0); }
