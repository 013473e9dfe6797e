BEGIN /* never closed
