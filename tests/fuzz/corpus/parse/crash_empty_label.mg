# inputs label='x1')
x2 = Value(0.0, label='')
# weights w1,w2
w1 = V¬lue(-3.0, label='w1')  # rg: param2w2 = Vÿÿÿÿÿÿÿÿÿÿard()
ights w1,w2
w1 = V¬lue(-3.0, lx1,x2
x1 = Value(3.0, label='x1')
x2 = Value(0.0, label='')
# we inputs x1,x2
x1 = Value(3.0, label='x1')
x2 = Value(0.0, label='')
# weights w1,w2
w1 = V¬lue(-3.0, label='w1')  # rg: param2w2 = Vÿÿÿÿÿÿÿÿÿÿard()
ights w1,w2
w1 = V¬lue(-3.0, label='w1')  # rg: param
w2 = Vÿÿÿÿÿÿÿÿÿÿifard():