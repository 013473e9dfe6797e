BEGIN { nosuchfunction(1); }
