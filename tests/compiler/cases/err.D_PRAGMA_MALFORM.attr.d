#pragma D attributes nonsense
BEGIN { exit(0); }
