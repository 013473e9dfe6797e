enum e { A = 4294967296 };
BEGIN { exit(0); }
