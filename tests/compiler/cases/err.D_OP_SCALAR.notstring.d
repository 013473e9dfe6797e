BEGIN { x = !"a"; }
