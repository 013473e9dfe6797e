extern typedef int x;
BEGIN { exit(0); }
