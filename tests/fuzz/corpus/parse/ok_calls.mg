x = tanh(1)
y = sigmoid(relu(tanh(exp(log(x)))))
