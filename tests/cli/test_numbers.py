"""Numbers in and out: every double printed by `grad` is Python's repr() of it,
shortest and laid out the same (positional for exponents -4..15). Checked on
every power of two (where the shortest text is not always the nearest one),
subnormals, integers around 2^53 and 1e16, and random bit patterns."""
import json
import math
import os
import random
import struct
import tempfile

import clitest
from clitest import expect, run, test


def doubles():
    xs = [0.0, -0.0, 0.1, 0.2, 0.30000000000000004, 1 / 3, 2 / 3, 1e-5, 1e-4, 0.001234, 1e15, 1e16,
          9999999999999998.0, 1e22, 1e23, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
          2.0 ** 53 - 1, 2.0 ** 53, 2.0 ** 53 + 2, 123456789012345678.0, 6.8813735870195432]
    xs += [math.ldexp(1.0, k) for k in range(-1074, 1024)]
    xs += [math.ldexp(1.5, k) for k in range(-1070, 1023, 7)]
    rng = random.Random(7)
    while len(xs) < 8000:
        x = struct.unpack('<d', rng.getrandbits(64).to_bytes(8, 'little'))[0]
        if math.isfinite(x):
            xs.append(x)
    xs += [-x for x in xs[:500]]
    return xs


def program(xs):
    return ''.join(f'v{i} = {x!r}\n' for i, x in enumerate(xs)).encode()


@test
def json_numbers_are_python_repr():
    xs = doubles()
    r = run(['grad', '--json', '-'], stdin=program(xs))
    expect((r.status, r.err), (0, ''))
    got = json.loads(r.out, parse_float=str, parse_int=str)['values']
    bad = [(v['data'], repr(x)) for v, x in zip(got, xs) if v['data'] != repr(x)]
    expect(bad[:5], [], f'{len(bad)} of {len(xs)} differ')
    expect(len(got), len(xs))


@test
def text_numbers_are_python_repr():
    xs = doubles()[:3000]
    r = run(['grad', '-'], stdin=program(xs))
    expect((r.status, r.err), (0, ''))
    lines = r.text.splitlines()[1:]
    bad = [(line.split()[1], repr(x)) for line, x in zip(lines, xs) if line.split()[1] != repr(x)]
    expect(bad[:5], [], f'{len(bad)} of {len(xs)} differ')
    expect(len(lines), len(xs))


@test
@clitest.drawing
def no_box_of_a_trained_network_says_minus_zero():
    """Trained on the tiny preset, many grads are a few millionths: each box
    must tell them from zero, and none may say -0.0000."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, 'net.dot')
        r = run(['train', '--draw', out])
        expect(r.status, 0, r.err)
        dot = open(out).read()
    expect(dot.count('-0.0000'), 0)
    expect('grad -3.6e-06' in dot, True)


clitest.main()
