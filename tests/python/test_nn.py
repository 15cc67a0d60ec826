"""micrograd_c.nn: micrograd's networks, weights and training, replayed."""
import contextlib
import importlib.util
import io
import json
import random

import numpy as np

from conftest import run_cli, source
from micrograd_c import Value
from micrograd_c.nn import MLP, Layer, Module, Neuron


def numbers(name):
    with open(source('tests', 'data', name)) as f:
        return [float(line) for line in f if not line.startswith('#')]


def test_weights_come_from_random_in_micrograds_order():
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    params = model.parameters()
    assert len(params) == 337
    assert [p.data for p in params] == numbers('moons_init.csv')
    assert all(p._role == 'param' for p in params)
    assert repr(params[2]) == 'Value(data=0, grad=0)'  # a bias: micrograd's Value(0)


def test_structure_and_repr():
    random.seed(0)
    model = MLP(3, [4, 4, 1])
    assert repr(model) == ('MLP of [Layer of [ReLUNeuron(3), ReLUNeuron(3), ReLUNeuron(3), '
                           'ReLUNeuron(3)], Layer of [ReLUNeuron(4), ReLUNeuron(4), '
                           'ReLUNeuron(4), ReLUNeuron(4)], Layer of [LinearNeuron(4)]]')
    assert isinstance(model([1.0, 2.0, 3.0]), Value)  # one output comes back bare
    assert len(Layer(3, 2)([1.0, 2.0, 3.0])) == 2
    assert Module().parameters() == []
    n = Neuron(2, nonlin=False)
    x = [Value(1.0), Value(-2.0)]
    out = n(x)
    want = n.b.data + n.w[0].data * 1.0 + n.w[1].data * -2.0
    assert out.data == want and out._op == '+'
    out.backward()
    assert (n.w[0].grad, n.w[1].grad, n.b.grad, x[1].grad) == (1.0, -2.0, 1, n.w[1].data)
    n.zero_grad()
    assert [p.grad for p in n.parameters()] == [0, 0, 0]


def test_neuron_builds_micrograds_graph():
    # sum((wi*xi for wi, xi in zip(self.w, x)), self.b): b + w0*x0, then + w1*x1, ...
    random.seed(3)
    n = Neuron(3, nonlin=False)
    act = n([2.0, Value(3.0), np.float64(4.0)])
    chain = []
    v = act
    while v._op == '+':
        (product,) = [u for u in v._prev if u._op == '*']
        (v,) = v._prev - {product}
        chain.append(product)
    assert v is n.b and len(chain) == 3
    assert [m._op for m in chain] == ['*'] * 3
    # zip stops at the shorter side, as micrograd's does
    assert n([1.0]).data == n.b.data + n.w[0].data


def run_demo():
    """bench/python_demo.py's run of micrograd's demo.ipynb on tests/data's points:
    its printed lines, the loss of every step, the last accuracy."""
    spec = importlib.util.spec_from_file_location('python_demo',
                                                  source('bench', 'python_demo.py'))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        history, acc = bench.demo(source('tests', 'data', 'moons100.csv'))
    return out.getvalue().splitlines(), history, acc


def test_moons_replay_is_micrograds_run():
    lines, history, acc = run_demo()
    assert lines[1:3] == ['number of parameters 337', 'Value(data=0.8958441028683222, grad=0) 0.5']
    assert lines[3] == 'step 0 loss 0.8958441028683222, accuracy 50.0%'
    assert lines[-1] == 'step 99 loss 0.010978370135492717, accuracy 100.0%'
    want = numbers('moons_replay_loss.txt')
    assert history[0] == 0.8958441028683222
    assert abs(history[99] - 0.010978370135492717) <= 1e-9
    for k, (got, ref) in enumerate(zip(history, want)):
        assert abs(got - ref) <= 1e-9, f'step {k}: {got!r} vs micrograd {ref!r}'
    assert acc == 1.0
    # and the CLI's replay of the same run, bit for bit
    r = run_cli('train', '--data', 'moons', '--points', source('tests', 'data', 'moons100.csv'),
                '--init', source('tests', 'data', 'moons_init.csv'), '--json')
    assert r.returncode == 0, r.stderr
    assert history == json.loads(r.stdout)['loss_history']
