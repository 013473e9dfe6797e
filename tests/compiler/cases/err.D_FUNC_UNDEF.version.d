/* strstr appeared in D 1.1: a 1.0 program cannot call it. */
#pragma D option version=1.0
BEGIN { trace(strstr("a", "b")); }
