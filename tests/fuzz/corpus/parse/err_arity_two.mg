a = tanh(1, 2)
