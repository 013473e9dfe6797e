BEGIN { nosuch += 1; }
