x = Value(1.0, label='')
y = x * 2
