"""What the micrograd_c tests share: the module under test (from the build
tree: meson test sets PYTHONPATH), the CLI to compare with, the examples."""
import json
import math
import os
import subprocess

import pytest

import micrograd_c
from micrograd_c import Value

SOURCE_ROOT = os.environ.get('MG_SOURCE_ROOT') or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get('MG_CLI')
BUILD_MODULE = os.environ.get('MG_PYTHON_BUILD')


def pytest_sessionstart(session):
    # A stale installed copy must not pass for the module just built.
    if BUILD_MODULE:
        here = os.path.realpath(os.path.dirname(micrograd_c.__file__))
        want = os.path.realpath(os.path.join(BUILD_MODULE, 'micrograd_c'))
        assert here == want, f'micrograd_c comes from {here}, not from the build tree {want}'


def source(*parts):
    return os.path.join(SOURCE_ROOT, *parts)


def run_cli(*args, input=None, text=True):
    """Runs the micrograd program; the test is skipped without it (meson test
    always passes it)."""
    if not CLI:
        pytest.skip('MG_CLI is not set: run through meson test')
    # Under a sanitizer the interpreter runs with the ASan runtime preloaded;
    # the program carries its own (clang links it in): not both.
    env = {k: v for k, v in os.environ.items() if k != 'LD_PRELOAD'}
    return subprocess.run([CLI, *args], input=input, capture_output=True, text=text,
                          check=False, env=env)


def number(x):
    """A JSON number of the CLI ('nan', 'inf', '-inf' come as strings)."""
    return float(x) if isinstance(x, str) else x


def cli_grad(program):
    """`micrograd grad --json` of a program: {name: (data, grad)}."""
    r = run_cli('grad', '--json', '-', input=program)
    assert r.returncode == 0, r.stderr
    return {v['name']: (number(v['data']), number(v['grad']))
            for v in json.loads(r.stdout)['values']}


FUNCTIONS = {name: (lambda name: lambda v: getattr(v, name)())(name)
             for name in ('tanh', 'exp', 'log', 'relu', 'sigmoid')}


def python_program(program):
    """Runs an expression program (the CLI's language, whose syntax is
    Python's) with Values: `name = number` makes a leaf labelled name, `name =
    expression` labels the result. Returns {name: Value} and the last name."""
    env = dict(FUNCTIONS)
    names = {}
    last = None
    for line in program.replace(';', '\n').splitlines():
        line = line.split('#')[0].strip()
        if not line:
            continue
        name, expr = (part.strip() for part in line.split('=', 1))
        x = eval(expr, {'__builtins__': {}}, env)
        v = Value(x, label=name) if isinstance(x, (int, float)) else x
        if not isinstance(x, (int, float)):
            v.label = name
        env[name] = names[name] = v
        last = name
    return names, last


def same(a, b):
    """Equal as doubles, NaN equal to NaN."""
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a)
                      and math.isnan(b))


def build_L():
    """The first example of the video (examples/L.mg)."""
    a = Value(2.0, label='a')
    b = Value(-3.0, label='b')
    c = Value(10.0, label='c')
    e = a * b
    e.label = 'e'
    d = e + c
    d.label = 'd'
    f = Value(-2.0, label='f')
    L = d * f
    L.label = 'L'
    return dict(a=a, b=b, c=c, e=e, d=d, f=f, L=L)
