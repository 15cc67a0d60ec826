"""micrograd-c for Python: micrograd's Value and neural-network library in C
on the micrograd-c library, with pictures and step-by-step lessons shown inline
in Jupyter. A notebook written for micrograd changes one import line:

    from micrograd_c.engine import Value        # was: from micrograd.engine import Value
    from micrograd_c.nn import Neuron, Layer, MLP

    a = Value(2.0, label='a'); b = Value(-3.0, label='b')
    L = a * b; L.label = 'L'
    L.backward()
    draw_dot(L)          # the picture, inline
    lesson(L)            # backpropagation step by step, inline
    check(L)             # the grads against finite differences
"""
from .display import Drawing, GradCheck, Lesson, ValueCheck, check, draw_dot, lesson
from .engine import Value
from .nn import MLP, Layer, Module, Neuron

__all__ = ['Value', 'Module', 'Neuron', 'Layer', 'MLP', 'draw_dot', 'lesson', 'check',
           'Drawing', 'Lesson', 'GradCheck', 'ValueCheck']
