/* String literals are bytes: any encoding passes. */
BEGIN { trace("cafÃ© ÿş"); }
/* comments too: ÿ */
