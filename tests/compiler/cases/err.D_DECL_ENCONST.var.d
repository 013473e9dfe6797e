enum e { A = timestamp };
BEGIN { exit(0); }
