BEGIN { commit(1); trace(2); }
