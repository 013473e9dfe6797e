/* An inline standing for a translated pointer: p->m and *p are the translation's. */
struct in { int i; };
struct out { int o; short s; };
translator struct out < struct in *p > { o = p->i * 2; s = p->i; };
inline struct out *myx = xlate<struct out *>((struct in *)alloca(sizeof (struct in)));
BEGIN
{
	trace(myx->o);
	trace(myx->s);
	print(*myx);
}
