a = 2x
