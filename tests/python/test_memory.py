"""Lifetimes, depth and threads: values live as long as Python references
them, a training loop runs at flat memory, backward and freeing never recurse
(a million-value chain), and Values shared between threads never crash."""
import gc
import math
import os
import random
import sys
import threading
import time
import tracemalloc

from micrograd_c import Value, draw_dot
from micrograd_c.nn import MLP


def rss_bytes():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * 4096


def test_a_million_value_chain():
    x = Value(0.5)
    y = x
    for _ in range(999_999):
        y = y.tanh()
    t = time.process_time()
    y.backward()
    seconds = time.process_time() - t
    # the same chain rule in Python floats, newest value first
    outs, v = [], 0.5
    for _ in range(999_999):
        v = math.tanh(v)
        outs.append(v)
    g = 1.0
    for out in reversed(outs):
        g = (1.0 - out * out) * g
    assert (y.data, x.grad) == (outs[-1], g)
    assert seconds < 2.0, f'backward of a million values took {seconds:.3f} s of CPU'
    del y  # freeing a million-deep chain does not recurse either
    assert sys.getrefcount(x) == 2


def test_a_deep_sum_and_its_second_backward():
    x = Value(1.0)
    y = x
    for _ in range(300_000):
        y = y + x  # x used 300,001 times
    y.backward()
    assert (y.data, x.grad) == (300_001.0, 300_001)
    y.backward()
    # each sum now holds its old grad 1 plus its parent's: 1, 2, ..., 300,000 from the top
    assert x.grad == 300_001 + sum(range(1, 300_001)) + 300_000


def training_loop(steps, probe):
    random.seed(1337)
    model = MLP(3, [4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    params = model.parameters()
    refs = [sys.getrefcount(p) for p in params]
    for k in range(steps):
        ypred = [model(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data += -0.01 * p.grad
        probe(k)
    del ypred, loss, p
    return [sys.getrefcount(p) for p in params] == refs


def test_ten_thousand_training_steps_at_flat_memory():
    gc.collect()
    marks = {}

    def probe(k):
        if k in (999, 9999):
            marks[k] = rss_bytes()

    assert training_loop(10_000, probe), 'every value of the steps was freed'
    growth = marks[9999] - marks[999]
    if not os.environ.get('MG_SANITIZED'):  # ASan holds freed memory in quarantine
        assert growth < 1 << 20, f'RSS grew {growth} bytes from step 1,000 to 10,000'


def test_values_are_freed_when_unreferenced():
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        x = Value(2.0)
        y = x
        for _ in range(100_000):
            y = (y * 1.0001).relu()
        during = tracemalloc.get_traced_memory()[0]
        del y
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert during - before > 100_000 * 3 * 64  # three values a step, each an object
    assert after - before < 4096, f'{after - before} bytes left after freeing the graph'
    assert sys.getrefcount(x) == 2


def test_values_shared_between_threads():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    shared = Value(0.5, label='shared')
    errors = []
    graphs = []

    def work(seed):
        try:
            for i in range(1000):
                y = (shared * seed + i * 1e-3).tanh() * shared
                y.backward()
                shared.data = 0.5
                if i % 250 == 0:
                    graphs.append(draw_dot(y, format='dot').source)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    try:
        threads = [threading.Thread(target=work, args=(s,)) for s in range(1, 5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors
    assert len(graphs) == 16 and all(g.startswith('digraph') for g in graphs)
    # every thread's backward added into the shared leaf: the serial sum, to rounding
    want = 0.0
    for seed in range(1, 5):
        for i in range(1000):
            t = math.tanh(0.5 * seed + i * 1e-3)
            want += t + 0.5 * (1 - t * t) * seed
    assert math.isclose(shared.grad, want, rel_tol=1e-12)
