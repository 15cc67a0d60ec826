a = 2
b = 2 ** a
c = a ** b
