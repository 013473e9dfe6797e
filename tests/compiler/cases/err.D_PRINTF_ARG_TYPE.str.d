BEGIN { printf("%s\n", 12); }
