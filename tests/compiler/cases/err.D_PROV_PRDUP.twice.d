provider p { probe a(int); probe a(int); };
BEGIN { exit(0); }
