a = foo(1)
