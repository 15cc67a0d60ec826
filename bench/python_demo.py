#!/usr/bin/env python3
"""The Python module's speed on micrograd's demo.ipynb: its code, with its
numpy inputs and labels as the notebook makes them (sklearn's make_moons
replaced by the same 100 points from bench/data), Python's garbage collector
on as in a notebook, and this module's Value and MLP. Also the backward pass
of a 1,000,000-value chain.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_demo.py [--json] [--runs N]

Prints seconds (wall clock, and CPU time of the process, which a busy shared
machine does not inflate). Exits 1 if the demo's losses are not micrograd's
(step 0: 0.8958441028683222, step 99: 0.010978370135492717, to 1e-9).
"""
import argparse
import contextlib
import csv
import gc
import io
import json
import os
import random
import statistics
import sys
import time

import numpy as np

from micrograd_c.engine import Value
from micrograd_c.nn import MLP

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'moons100.csv')


def make_moons_from_file(points=DATA):
    """make_moons(n_samples=100, noise=0.1) as the notebook's seed made it:
    X float64 (100, 2), y int64 in {-1, 1} (after the notebook's y*2 - 1)."""
    with open(points) as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r['x0']), float(r['x1'])] for r in rows])
    y = np.array([int(r['y']) for r in rows])
    return X, y


def demo(points=DATA):
    """demo.ipynb's cells, in order, unchanged but for the import and the data.
    Returns the loss of every step and the last accuracy."""
    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons_from_file(points)

    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    print(model)
    print("number of parameters", len(model.parameters()))

    def loss(batch_size=None):
        # inline DataLoader :)
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = np.random.permutation(X.shape[0])[:batch_size]
            Xb, yb = X[ri], y[ri]
        inputs = [list(map(Value, xrow)) for xrow in Xb]

        # forward the model to get scores
        scores = list(map(model, inputs))

        # svm "max-margin" loss
        losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum((p*p for p in model.parameters()))
        total_loss = data_loss + reg_loss

        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    total_loss, acc = loss()
    print(total_loss, acc)

    history = []
    for k in range(100):

        # forward
        total_loss, acc = loss()

        # backward
        model.zero_grad()
        total_loss.backward()

        # update (sgd)
        learning_rate = 1.0 - 0.9*k/100
        for p in model.parameters():
            p.data -= learning_rate * p.grad

        if k % 1 == 0:
            print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")
        history.append(total_loss.data)

    # visualize decision boundary (the scores of the mesh; no plot here)
    h = 0.25
    x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
    y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, h),
                         np.arange(y_min, y_max, h))
    Xmesh = np.c_[xx.ravel(), yy.ravel()]
    inputs = [list(map(Value, xrow)) for xrow in Xmesh]
    scores = list(map(model, inputs))
    Z = np.array([s.data > 0 for s in scores])
    Z = Z.reshape(xx.shape)
    return history, acc


def timed(f):
    wall, cpu = time.perf_counter(), time.process_time()
    result = f()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def chain_backward():
    """A chain of 1,000,000 values (x, then 999,999 tanh), and its backward."""
    x = Value(0.5)
    y = x
    for _ in range(999_999):
        y = y.tanh()
    wall, cpu, _ = timed(y.backward)
    return wall, cpu, x.grad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--json', action='store_true', help='one JSON object')
    ap.add_argument('--runs', type=int, default=3, help='demo runs, median reported (3)')
    args = ap.parse_args()
    assert gc.isenabled()
    demo_runs = []
    for _ in range(args.runs):
        with contextlib.redirect_stdout(io.StringIO()):
            demo_runs.append(timed(demo))
    history, acc = demo_runs[0][2]
    chain_runs = [chain_backward() for _ in range(args.runs)]
    ok = bool(history[0] == 0.8958441028683222
              and abs(history[99] - 0.010978370135492717) <= 1e-9 and acc == 1.0)
    figures = {
        'demo_wall_s': statistics.median(r[0] for r in demo_runs),
        'demo_cpu_s': statistics.median(r[1] for r in demo_runs),
        'demo_final_loss': history[99],
        'demo_agrees_with_micrograd': ok,
        'chain1m_backward_wall_ms': statistics.median(r[0] for r in chain_runs) * 1000,
        'chain1m_backward_cpu_ms': statistics.median(r[1] for r in chain_runs) * 1000,
        'python': sys.version.split()[0],
        'runs': args.runs,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"micrograd's demo.ipynb (100 steps + the decision-boundary mesh), "
              f"median of {args.runs}:")
        print(f"  {figures['demo_wall_s']:.2f} s wall, {figures['demo_cpu_s']:.2f} s CPU; "
              f"final loss {history[99]!r} ({'micrograd' if ok else 'NOT micrograd'}'s)")
        print(f"backward of a 1,000,000-value chain: {figures['chain1m_backward_wall_ms']:.1f} "
              f"ms wall, {figures['chain1m_backward_cpu_ms']:.1f} ms CPU")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
