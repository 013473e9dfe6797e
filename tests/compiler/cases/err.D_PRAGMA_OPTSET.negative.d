/* A negative size is refused when compiled, as DTrace does. */
#pragma D option bufsize=-72
BEGIN { }
