/* mtons takes one argument. */
BEGIN { trace(mtons(1, 2)); }
