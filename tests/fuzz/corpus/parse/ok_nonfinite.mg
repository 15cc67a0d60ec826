x = -1
y = log(x) + 0/0 * x + exp(1000) * x
