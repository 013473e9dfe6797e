a:b:c:d:e:f { exit(0); }
