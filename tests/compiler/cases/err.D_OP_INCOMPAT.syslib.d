/* psinfo_t is a real struct type: a whole translation is no pointer. */
inline int *bad = xlate<psinfo_t>(curproc);
