# micrograd's README example as it is written there (its print lines left out):
# micrograd grad examples/micrograd_readme.py prints g = 24.70408163265306,
# a.grad = 138.83381924198252 and b.grad = 645.5772594752186, micrograd's numbers.
from micrograd.engine import Value

a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
g.backward()
