"""micrograd's engine: Value, a scalar and its gradient, written in C on the
micrograd-c library (its numbers are the library's, bit for bit).

    from micrograd_c.engine import Value   # instead of micrograd.engine

As in micrograd: Value(data) makes a leaf; + - * / ** with numbers on either
side, -v, v.tanh() v.exp() v.relu() v.log() v.sigmoid() make new values;
v.backward() fills every grad; v.data, v.grad (read and write), v._prev,
v._op, repr 'Value(data=..., grad=...)'. Also v.label (the lecture's), v ** w
of two Values, and a backward that never recurses.
"""
from ._core import Value

__all__ = ['Value']
