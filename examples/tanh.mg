# the squashing function of the lecture's neuron, plotted over -5..5:
#   plt.plot(np.arange(-5, 5, 0.2), np.tanh(np.arange(-5, 5, 0.2)))
x = 0.0
y = tanh(x)
