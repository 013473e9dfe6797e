BEGIN { timestamp(); }
