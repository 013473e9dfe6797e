#pragma D option version=1.0
int strstr;
BEGIN { strstr = 2; trace(strstr); }
#pragma D option version=1.x
