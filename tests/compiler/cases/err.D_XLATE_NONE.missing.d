struct in { int a; };
struct out { int b; };
struct in *ip;
BEGIN { x = xlate<struct out>(ip); }
