/*
 * ASSERTION: printf's %s takes a char array (a by-reference record, not a
 * string) and prints its bytes up to the first NUL, bounded by the array's
 * size, with width and flags; trace() of a char array prints the string.
 */
#pragma D option quiet

struct s { char c[16]; };
struct t { int a; char name[4]; long b; } g;
this struct s x;

BEGIN
{
	this->x.c[0] = 'h';
	this->x.c[1] = 'i';
	printf("[%s]\n", this->x.c);
	printf("[%6s][%-6s][%.1s]\n", this->x.c, this->x.c, this->x.c);
	g.a = 1;
	g.name[0] = 'a'; g.name[1] = 'b'; g.name[2] = 'c'; g.name[3] = 'd';
	g.b = 2;
	printf("[%s] %d %d\n", g.name, g.a, g.b);
	this->p = (struct s *)alloca(sizeof (struct s));
	this->p->c[0] = 'o';
	this->p->c[1] = 'k';
	this->p->c[2] = '\0';
	this->p->c[3] = 'x';
	printf("[%s]\n", this->p->c);
	trace(this->x.c);
	printf("\n");
	exit(0);
}
