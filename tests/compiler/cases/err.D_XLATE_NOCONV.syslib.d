/* No translator of the system library gives lwpsinfo_t's pr_cpu. */
BEGIN { trace(curlwpsinfo->pr_cpu); }
