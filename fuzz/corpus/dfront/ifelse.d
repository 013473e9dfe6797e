tick-1s { if (i > 3) { exit(0); } else { i++; } }
BEGIN { i = 0; }
