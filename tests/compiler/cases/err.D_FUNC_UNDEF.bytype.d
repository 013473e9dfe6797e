/* The system library's per-target choice is not visible to programs. */
BEGIN { trace(__ht_by_type("struct thread", 1)); }
