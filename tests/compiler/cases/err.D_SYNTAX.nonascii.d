/* Non-ASCII characters outside strings and comments. */
BEGIN { café = 1; }
