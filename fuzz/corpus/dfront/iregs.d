#pragma D option iregs=10
BEGIN { a = 1; trace(a + (a + (a + (a + (a + (a + (a + (a + 1)))))))); }
