a = Value(1.0)
b = a.tnah()
