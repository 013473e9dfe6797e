struct foo { int a : 3; char b[8]; struct foo *next; };
typedef struct foo foo_t;
enum colour { RED, GREEN = 5, BLUE };
self int depth;
int arr[int, string];
inline int ten = 10;
struct foo f;
BEGIN { f.a = 1; arr[1, "x"] = ten; x = BLUE; trace(sizeof (foo_t)); }
END { exit(0); }
