/* noerror: faults in probe context are counted, not reported. */
#pragma D option noerror
BEGIN { *(char *)NULL; }
