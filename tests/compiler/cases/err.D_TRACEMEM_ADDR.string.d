BEGIN { tracemem("x", 10); }
