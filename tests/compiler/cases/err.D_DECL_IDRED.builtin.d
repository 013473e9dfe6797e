/* Without a version pragma, strstr is the built-in subroutine. */
int strstr;
