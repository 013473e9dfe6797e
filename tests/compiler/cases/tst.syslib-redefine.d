/* A program may define its own translator to the library's output type. */
translator lwpsinfo_t < int i > { pr_flag = i; };
BEGIN { trace(xlate<lwpsinfo_t *>(7)->pr_flag); }
