# the same neuron with tanh spelled out as the video does: (e^2n - 1) / (e^2n + 1)
x1 = 2.0
x2 = 0.0
w1 = -3.0
w2 = 1.0
b = 6.8813735870195432
x1w1 = x1*w1
x2w2 = x2*w2
x1w1x2w2 = x1w1 + x2w2
n = x1w1x2w2 + b
e = exp(2*n)
o = (e - 1) / (e + 1)
