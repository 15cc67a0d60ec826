x = -1
y = log(x) + x/0 * x + exp(1000) * x
