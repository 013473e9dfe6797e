void *p;
BEGIN { x = *p; }
