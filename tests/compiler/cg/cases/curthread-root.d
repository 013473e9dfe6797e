/* curthread roots every relocation at the built-in: dld picks its type */
BEGIN { trace(sizeof (*curthread)); curthread->td_flags = 1; }
