#!/usr/bin/python3
"""micrograd's moons demo as PyTorch tensors, beside `micrograd bench`'s figure.

The same network (MLP(2,[16,16,1]), ReLU hidden layers, linear output), the
same 100 points and initial parameters (bench/data), the same loss (SVM max
margin plus 1e-4 L2) and schedule (100 steps of SGD at 1.0 - 0.9*k/100), in
float64 on one thread, batched over the 100 points as a PyTorch user would
write it. Times are CPU time of the measuring thread, medians of the runs
after one warm-up run, as `micrograd bench` measures its own figure; then
`micrograd bench --json` runs and the ratio of the two is printed.

usage: torch_moons.py [--micrograd PROGRAM] [--runs N] [--json]

Exits 0 with a message if PyTorch is not installed (Debian: python3-torch).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 100
SIZES = [2, 16, 16, 1]


def read_points(path):
    with open(path) as f:
        lines = f.read().splitlines()
    if lines[0] != 'x0,x1,y':
        raise SystemExit(f'{path}: expected the header x0,x1,y')
    rows = [[float(x) for x in line.split(',')] for line in lines[1:] if line]
    return [r[:2] for r in rows], [r[2] for r in rows]


def read_init(path):
    with open(path) as f:
        return [float(line) for line in f.read().splitlines()
                if line and not line.startswith('#')]


def layers_from(torch, init):
    """micrograd's parameters() order: layer by layer, neuron by neuron, the
    weights then the bias; as (W, b) tensors, W one row per neuron."""
    layers, at = [], 0
    for nin, nout in zip(SIZES, SIZES[1:]):
        rows = [init[at + j * (nin + 1): at + (j + 1) * (nin + 1)] for j in range(nout)]
        at += nout * (nin + 1)
        w = torch.tensor([r[:nin] for r in rows], dtype=torch.float64, requires_grad=True)
        b = torch.tensor([r[nin] for r in rows], dtype=torch.float64, requires_grad=True)
        layers.append((w, b))
    if at != len(init):
        raise SystemExit(f'moons_init.csv: {len(init)} parameters, the network has {at}')
    return layers


def train(torch, x, y, init):
    """One run of the demo; returns (CPU seconds, final loss, accuracy)."""
    layers = layers_from(torch, init)
    params = [p for wb in layers for p in wb]
    t0 = time.thread_time()
    for k in range(STEPS):
        h = x
        for i, (w, b) in enumerate(layers):
            h = h @ w.t() + b
            if i < len(layers) - 1:
                h = torch.relu(h)
        scores = h.squeeze(1)
        data_loss = torch.relu(1 + -y * scores).sum() * (1.0 / len(y))
        reg_loss = 1e-4 * sum((p * p).sum() for p in params)
        loss = data_loss + reg_loss
        for p in params:
            p.grad = None
        loss.backward()
        lr = 1.0 - 0.9 * k / 100
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
    seconds = time.thread_time() - t0
    accuracy = ((y > 0) == (scores > 0)).double().mean().item()
    return seconds, loss.item(), accuracy


def micrograd_figures(program):
    env = dict(os.environ, MICROGRAD_DOT='')
    out = subprocess.run([program, 'bench', '--json'], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--micrograd', default=os.path.join(HERE, '..', 'build', 'tools', 'micrograd'),
                    help='the micrograd program (default: build/tools/micrograd)')
    ap.add_argument('--runs', type=int, default=7, help='timed runs (default 7)')
    ap.add_argument('--json', action='store_true', help='one JSON object')
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        print('torch_moons: PyTorch is not installed (Debian: apt-get install python3-torch); '
              'skipped')
        return 0
    torch.set_num_threads(1)
    xs, ys = read_points(os.path.join(HERE, 'data', 'moons100.csv'))
    init = read_init(os.path.join(HERE, 'data', 'moons_init.csv'))
    x = torch.tensor(xs, dtype=torch.float64)
    y = torch.tensor(ys, dtype=torch.float64)
    train(torch, x, y, init)  # warm-up
    times = []
    for _ in range(args.runs):
        seconds, loss, accuracy = train(torch, x, y, init)
        times.append(seconds * 1e3)
    torch_ms = statistics.median(times)
    figures = micrograd_figures(args.micrograd)
    ours_ms, ours_loss = figures['moons_train_ms'], figures['moons_final_loss']
    result = {
        'torch_version': torch.__version__,
        'torch_train_ms': torch_ms,
        'torch_final_loss': loss,
        'torch_accuracy': accuracy,
        'micrograd_train_ms': ours_ms,
        'micrograd_final_loss': ours_loss,
        'ratio': ours_ms / torch_ms,
        'yardstick_ratios': {k: figures[k] for k in ('chain_ratio', 'sum_ratio', 'moons_ratio')},
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f'PyTorch {torch.__version__}, 100 moons steps: {torch_ms:.1f} ms '
              f'(final loss {loss!r}, accuracy {accuracy:.0%})')
        print(f'micrograd bench moons_train_ms: {ours_ms:.1f} ms (final loss {ours_loss!r})')
        print(f'micrograd / PyTorch: {ours_ms / torch_ms:.2f}')
        print('engine / yardstick: ' + ', '.join(
            f'{k[:-6]} {v:.2f}' for k, v in result['yardstick_ratios'].items()))
    return 0


if __name__ == '__main__':
    sys.exit(main())
