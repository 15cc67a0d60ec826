a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a*b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
L.grad = 1.0
f.grad = 4.0; d.grad = -2.0
c.grad = -2.0; e.grad = -2.0
a.grad = -2.0 * -3.0; b.grad = -2.0 * 2.0
a.data += 0.01 * a.grad
draw_dot(L)
