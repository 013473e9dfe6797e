BEGIN { x = 1 + 2 * 3 << 1 & 7 | 8 ^ 2; y = x > 3 ? x : -x; z = !y || x && y ^^ 1; trace(z); }
