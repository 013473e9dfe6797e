/* A version newer than the compiler is refused. */
#pragma D option version=9.0
BEGIN { }
