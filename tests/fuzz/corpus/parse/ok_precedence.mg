x = 3
y = -x**2 + 2**-1**2 - x**2**0.5
z = sigmoid(y) * log(x) / exp(-x) - relu(-y)
