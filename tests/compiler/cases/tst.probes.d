syscall::read:entry, syscall::write:entry /pid != 0/ { self->ts = timestamp; }
syscall::read:return /self->ts/ { @lat[probefunc] = quantize(timestamp - self->ts); self->ts = 0; }
host1:fbt:vfs:vn_open:entry { trace(curthread->td_proc); }
tick-1sec { printa("%s %@d\n", @lat); exit(0); }
