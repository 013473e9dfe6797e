BEGIN { a = 1; trace(a + (a + (a + (a + (a + (a + (a + (a + 1)))))))); }
