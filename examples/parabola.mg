# the lecture's opening: a function of one variable, and its derivative
#   def f(x):
#       return 3*x**2 - 4*x + 5
# f(3.0) is 20.0; nudging x by h = 0.001 gives (f(x + h) - f(x))/h = 14.003,
# close to the slope 14 that backward computes.
x = 3.0
y = 3*x**2 - 4*x + 5
