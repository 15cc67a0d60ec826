exp = 1
