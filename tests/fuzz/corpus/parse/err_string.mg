x = Value(2.0, label="unclosed)
