# The lecture's neuron as the lecture writes it, tanh spelled out with exp.
# Valid Python with micrograd's Value too; '# mg: param' marks the weights and
# the bias as parameters (drawn bold, as draw --mlp draws them).
# micrograd draw examples/neuron_lecture.py --as-micrograd draws micrograd's own
# graph (a - b as a + (b * -1), a / b as a * b**-1): o = 0.7071067811865477.
from micrograd.engine import Value

# inputs x1,x2
x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
# weights w1,w2
w1 = Value(-3.0, label='w1')  # mg: param
w2 = Value(1.0, label='w2')  # mg: param
# bias of the neuron
b = Value(6.8813735870195432, label='b')  # mg: param
# x1*w1 + x2*w2 + b
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
# ----
e = (2*n).exp()
o = (e - 1) / (e + 1)
# ----
o.label = 'o'
o.backward()
draw_dot(o)
