syscall::read:entry /pid == $1/ { self->t = timestamp; }
syscall::read:return /self->t/ { @[execname] = quantize(timestamp - self->t); self->t = 0; }
