a = 2.0
b = -3.0
c = 10
e = a*b
d = e + c
f = -2.0
L = d * f
