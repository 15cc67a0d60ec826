a = tanh
