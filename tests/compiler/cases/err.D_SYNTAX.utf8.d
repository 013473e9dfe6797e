/* Bytes that are not UTF-8 outside strings and comments. */
BEGIN { x√( = 1; }
