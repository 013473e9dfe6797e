struct s {
	int x;
	unsigned a : 3;
	int b : 5;
	char name[8];
};
struct s v;
BEGIN
{
	v.x = 7;
	v.b = -3;
	this->p = (struct s *)alloca(sizeof (struct s));
	this->p->x = v.b;
	trace(this->p->x + offsetof(struct s, name));
}
