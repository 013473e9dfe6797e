struct in { int i; char c; };
struct out { int myi; char myc; };
translator struct out < struct in *p > { myi = p->i + 1; myc = p->c; };
BEGIN
{
	this->p = (struct in *)alloca(sizeof (struct in));
	this->p->i = 41;
	trace(xlate<struct out *>(this->p)->myi);
	trace(xlate<struct out>(this->p).myc);
}
