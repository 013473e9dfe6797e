/* A program for D 1.0 may use names that later became built-ins. */
#pragma D option version=1.0
int strstr;
int freopen;
BEGIN { strstr = 1; trace(strstr); }
