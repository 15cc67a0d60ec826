"""micrograd_c.engine.Value: every op's value and grad against hand-derived
numbers, micrograd's own tests, its types and repr, numpy scalars, errors."""
import math
import pickle

import numpy as np
import pytest

from conftest import build_L
from micrograd_c import Value
from micrograd_c.engine import Value as EngineValue


def grads(root, *leaves):
    root.backward()
    return [leaf.grad for leaf in leaves]


# ---- every op, by hand ----------------------------------------------------------

def test_add_mul_pow():
    a, b = Value(2.0), Value(-3.0)
    c = a + b
    assert c.data == -1.0 and grads(c, a, b) == [1, 1]
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    assert c.data == -6.0 and grads(c, a, b) == [-3.0, 2.0]
    a = Value(3.0)
    c = a ** 2
    assert c.data == 9.0 and grads(c, a) == [6.0]
    a = Value(4.0)
    c = a ** 0.5
    assert c.data == 2.0 and grads(c, a) == [0.25]
    a = Value(2.0)
    c = a ** -1
    assert c.data == 0.5 and grads(c, a) == [-0.25]


def test_unary_functions():
    cases = [  # (op, x, value, d value / d x)
        ('exp', 1.0, math.e, math.e),
        ('log', 2.0, math.log(2.0), 0.5),
        ('tanh', 0.5, math.tanh(0.5), 1 - math.tanh(0.5) ** 2),
        ('relu', 3.0, 3.0, 1),
        ('relu', -2.0, 0, 0),
        ('sigmoid', 0.0, 0.5, 0.25),
    ]
    for op, x, value, derivative in cases:
        a = Value(x)
        out = getattr(a, op)()
        out.backward()
        assert (out.data, a.grad) == (value, derivative), (op, x)
        assert out._op == {'relu': 'ReLU'}.get(op, op)


def test_negation_subtraction_division_as_micrograd_builds_them():
    a, b = Value(5.0), Value(2.0)
    n = -a          # a * -1
    assert (n.data, n._op) == (-5.0, '*')
    assert sorted(v.data for v in n._prev) == [-1, 5.0]
    s = a - b       # a + (b * -1)
    assert (s.data, s._op, grads(s, a, b)) == (3.0, '+', [1, -1.0])
    a, b = Value(5.0), Value(2.0)
    q = a / b       # a * b**-1
    assert (q.data, q._op, grads(q, a, b)) == (2.5, '*', [0.5, -1.25])
    assert any(v._op == '**-1' for v in q._prev)


def test_numbers_on_either_side():
    a = Value(3.0)
    for expr, value, grad in [
        (lambda: a + 2, 5.0, 1), (lambda: 2 + a, 5.0, 1),
        (lambda: a * 2, 6.0, 2), (lambda: 2 * a, 6.0, 2),
        (lambda: a - 2, 1.0, 1), (lambda: 2 - a, -1.0, -1),
        (lambda: a / 2, 1.5, 0.5), (lambda: 6 / a, 2.0, -6 / 9),
        (lambda: 2 ** a, 8.0, 8 * math.log(2)),
    ]:
        a.grad = 0
        out = expr()
        out.backward()
        assert (out.data, a.grad) == (value, grad)


def test_value_to_a_value_power():
    a, b = Value(2.0), Value(3.0)
    c = a ** b
    c.backward()
    assert (c.data, a.grad, b.grad) == (8.0, 12.0, 8.0 * math.log(2.0))
    assert c._op == '**' and c._prev == {a, b}


def test_a_value_used_twice():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2 and repr(a) == 'Value(data=3.0, grad=2)'
    a = Value(3.0)
    b = a * a
    b.backward()
    assert a.grad == 6.0
    assert b._prev == {a}


# ---- micrograd's own tests (their numbers, from PyTorch) --------------------------

def test_sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == -20.0
    assert x.grad == 46.0


def test_more_ops():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    # micrograd's numbers, to the last bit: the same graph, the same order
    assert g.data == 24.70408163265306
    assert a.grad == 138.83381924198252
    assert b.grad == 645.5772594752186


# ---- the lecture ------------------------------------------------------------------

def test_lecture_L():
    v = build_L()
    v['L'].backward()
    got = {name: (x.data, x.grad) for name, x in v.items()}
    assert got == {'a': (2.0, 6.0), 'b': (-3.0, -4.0), 'c': (10.0, -2.0), 'e': (-6.0, -2.0),
                   'd': (4.0, -2.0), 'f': (-2.0, 4.0), 'L': (-8.0, 1)}


def neuron(with_exp):
    x1, x2 = Value(2.0, label='x1'), Value(0.0, label='x2')
    w1, w2 = Value(-3.0, label='w1'), Value(1.0, label='w2')
    b = Value(6.8813735870195432, label='b')
    n = x1 * w1 + x2 * w2 + b
    if with_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.backward()
    return o, (x1, x2, w1, w2, b)


@pytest.mark.parametrize('with_exp', [False, True])
def test_lecture_neuron(with_exp):
    o, (x1, x2, w1, w2, b) = neuron(with_exp)
    assert o.data == pytest.approx(math.sqrt(0.5), abs=1e-15)
    want = {x1: -1.5, x2: 0.5, w1: 1.0, w2: 0.0, b: 0.5}
    for leaf, grad in want.items():
        assert leaf.grad == pytest.approx(grad, abs=1e-12), leaf.label
    if not with_exp:  # tanh through libm, as examples/neuron.mg gives it
        assert (o.data, x1.grad, w1.grad) == (0.7071067811865477, -1.4999999999999993,
                                              0.9999999999999996)


def test_manual_backward_as_in_the_lecture():
    v = build_L()
    v['L'].grad = 1.0
    for name in ('L', 'd', 'e'):
        v[name]._backward()
    assert (v['a'].grad, v['b'].grad, v['c'].grad, v['f'].grad) == (6.0, -4.0, -2.0, 4.0)
    v['a']._backward()  # a leaf: nothing
    assert v['a'].grad == 6.0


# ---- micrograd's types, repr and attributes --------------------------------------------

def test_repr_and_python_number_types():
    assert repr(Value(2.0)) == 'Value(data=2.0, grad=0)'
    assert repr(Value(2)) == 'Value(data=2, grad=0)'
    assert type(Value(2).data) is int and type(Value(2.0).data) is float
    assert type((Value(2) * 3).data) is int and type((Value(2) * 3.0).data) is float
    assert type((Value(2) ** 2).data) is int and type((Value(2) ** -1).data) is float
    assert repr(Value(-2.5).relu()) == 'Value(data=0, grad=0)'
    y = Value(3.0) * 2
    y.backward()
    assert repr(y) == 'Value(data=6.0, grad=1)' and type(y.grad) is int
    x = Value(float('nan'))
    assert repr(x) == 'Value(data=nan, grad=0)' and math.isnan(x.relu().data)
    assert repr(Value(1e300) * 1e300) == 'Value(data=inf, grad=0)'


def test_op_strings_prev_and_label():
    a = Value(2.0)
    assert a._op == '' and a._prev == set() and a.label == ''
    assert (a + 1)._op == '+' and (a * 1)._op == '*'
    assert (a ** 2)._op == '**2' and (a ** 2.0)._op == '**2.0' and (a ** -1)._op == '**-1'
    assert (a ** np.float64(0.5))._op == '**0.5'
    assert a.relu()._op == 'ReLU' and a.tanh()._op == 'tanh' and a.exp()._op == 'exp'
    b = Value(3.0, label='b')
    c = a * b
    assert c._prev == {a, b} and b.label == 'b'
    c.label = 'c'
    assert c.label == 'c'
    assert EngineValue is Value and Value.__module__ == 'micrograd_c.engine'


def test_data_and_grad_are_writable():
    p = Value(1.0)
    p.grad = 0.5
    p.data -= 0.1 * p.grad
    assert (p.data, p.grad) == (0.95, 0.5)
    p.data = 3
    assert repr(p) == 'Value(data=3, grad=0.5)'


def test_numpy_scalars_as_micrograd_demo_uses_them():
    v = Value(np.float64(0.25))
    assert v.data == 0.25
    assert (np.int64(-1) * v).data == -0.25 and (-np.int64(1) * v).data == -0.25
    assert (v * np.int64(2)).data == 0.5 and (np.float64(2.0) + v).data == 2.25
    assert (v / np.float32(0.5)).data == 0.5
    assert (1 + -np.int64(1) * v).relu().data == 0.75
    assert isinstance(np.int64(3) * v, Value)


def test_copies_and_pickles():
    import copy
    random_w = Value(0.25, label='w')
    random_w._role = 'param'
    y = random_w * 3 + random_w ** 2
    y.backward()
    shallow = copy.copy(y)
    assert repr(shallow) == repr(y) and shallow._prev == y._prev and shallow is not y
    deep = copy.deepcopy(y)
    assert repr(deep) == repr(y) and not (deep._prev & y._prev)
    (w2,) = [v for v in copy.deepcopy([random_w])]
    assert (w2.data, w2.grad, w2.label, w2._role) == (0.25, 3.5, 'w', 'param')
    again = pickle.loads(pickle.dumps(y))
    assert repr(again) == repr(y) and sorted(v._op for v in again._prev) == ['*', '**2']
    assert repr(pickle.loads(pickle.dumps(Value(2) ** 3))) == 'Value(data=8, grad=0)'
    again.backward()  # a restored graph works as the original: grads accumulate
    assert [v.grad for v in again._prev] == [2, 2]


def test_a_subclass_works_like_the_value():
    class Named(Value):
        def __init__(self, data, name):
            super().__init__(data, label=name)
            self.extra = name

    n = Named(2.0, 'n')
    y = n * n + 1
    y.backward()
    assert (y.data, n.grad, n.label, n.extra) == (5.0, 4.0, 'n', 'n')
    del n, y


# ---- errors ------------------------------------------------------------------------------

def test_wrong_types_raise_type_error():
    a = Value(2.0)
    for bad in ('x', None, [1.0], {}, 1j):
        with pytest.raises(TypeError):
            Value(bad)
        for op in (lambda: a + bad, lambda: bad + a, lambda: a * bad, lambda: bad * a,
                   lambda: a - bad, lambda: bad - a, lambda: a / bad, lambda: bad / a,
                   lambda: a ** bad):
            with pytest.raises(TypeError):
                op()
    with pytest.raises(TypeError):
        pow(a, 2, 3)
    with pytest.raises(TypeError, match="a Value's data must be a real number, not 'str'"):
        a.data = 'x'
    with pytest.raises(TypeError):
        del a.grad
    with pytest.raises(TypeError, match="label must be a str"):
        a.label = 3
    with pytest.raises(AttributeError):
        a.foo = 1
    with pytest.raises(TypeError, match='makes a leaf'):
        Value(1.0, (a,), '+')
    with pytest.raises(TypeError):
        a < 1  # micrograd defines no comparison either
    with pytest.raises(TypeError):
        +a
    with pytest.raises(ValueError, match='not the state of a Value'):
        Value._restore(Value, 1.0, 0.0, 0, None, 3, 0, None, None, 0.0)  # a leaf 'result'
    with pytest.raises(ValueError, match='not the state of a Value'):
        Value._restore(Value, 1.0, 0.0, 0, None, 3, 1, a, None, 0.0)  # '+' of one operand
    assert (a.data, a.grad) == (2.0, 0)


def test_values_reused_after_a_failure():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    with pytest.raises(TypeError):
        c + 'x'
    with pytest.raises(ZeroDivisionError):
        c / 0  # micrograd computes 0**-1 in Python, which raises
    with pytest.raises(OverflowError):
        c + 10**400
    d = c + a
    d.backward()
    assert (d.data, a.grad, b.grad) == (8.0, 4.0, 2.0)
    d.backward()  # every grad accumulates again, c's too, as in micrograd
    assert (a.grad, b.grad) == (11.0, 6.0)


def test_huge_and_non_finite_numbers():
    big = Value(1e308)
    y = big * 10
    y.backward()
    assert (y.data, big.grad) == (math.inf, 10)
    e = Value(1000.0).exp()
    assert e.data == math.inf
    z = Value(0.0)
    r = z ** -1  # the library's IEEE arithmetic: inf, not an exception
    r.backward()
    assert r.data == math.inf and z.grad == -math.inf
    n = Value(math.nan)
    m = n * 2 + 1
    m.backward()
    assert math.isnan(m.data) and n.grad == 2
    inf = Value(math.inf)
    s = inf - inf
    assert math.isnan(s.data)
    t = Value(-1e6).tanh()
    t.backward()
    assert t.data == -1.0
    assert Value(2**60).data == 2**60
    with pytest.raises(OverflowError):
        Value(10**400)
    assert repr(Value(2) ** 2000) == 'Value(data=inf, grad=0)'
