a = tanh()
