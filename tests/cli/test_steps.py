"""CLI tests of `micrograd steps`: captions, frame folders, the lesson page, errors."""
import os
import re

import clitest
from clitest import expect, expect_true, run, tempdir, test

L_SRC = b'a = 2.0\nb = -3.0\nc = 10\ne = a*b\nd = e + c\nf = -2.0\nL = d * f\n'
NEURON_SRC = (b'x1 = 2.0\nx2 = 0.0\nw1 = -3.0\nw2 = 1.0\nb = 6.8813735870195432\n'
              b'x1w1 = x1*w1\nx2w2 = x2*w2\nx1w1x2w2 = x1w1 + x2w2\nn = x1w1x2w2 + b\no = tanh(n)\n')

L_TEXT = (
    "step-000: forward pass: every value is computed from its operands, L = -8.0000, "
    "and every grad starts at 0\n"
    "step-001: L.grad = 1: dL/dL = 1, the root's gradient with respect to itself\n"
    "step-002: L = d * f: '*' multiplies the gradient by the other operand: "
    "d.grad += f.data × L.grad = -2.0000 × 1.0000 = -2.0000; "
    "f.grad += d.data × L.grad = 4.0000 × 1.0000 = 4.0000\n"
    "step-003: d = e + c: '+' routes the gradient unchanged: "
    "e.grad += 1 × d.grad = -2.0000; c.grad += 1 × d.grad = -2.0000\n"
    "step-004: e = a * b: '*' multiplies the gradient by the other operand: "
    "a.grad += b.data × e.grad = -3.0000 × -2.0000 = 6.0000; "
    "b.grad += a.data × e.grad = 2.0000 × -2.0000 = -4.0000\n")


def write(path, data):
    with open(path, 'wb') as f:
        f.write(data)
    return path


def read(path):
    with open(path, 'rb') as f:
        return f.read()


# ---- --text -------------------------------------------------------------------

@test
def text_video_l():
    r = run(['steps', '-', '--text'], stdin=L_SRC)
    expect(r.status, 0, 'exit')
    expect(r.text, L_TEXT)
    expect(r.err, '')


@test
def text_neuron():
    r = run(['steps', '--text', '-'], stdin=NEURON_SRC)
    expect(r.status, 0, 'exit')
    lines = r.text.splitlines()
    expect(len(lines), 7)
    expect(lines[2], "step-002: o = tanh(n): 'tanh' scales the gradient by 1 - tanh²: "
                     "n.grad += (1 - o²) × o.grad = (1 - 0.7071²) × 1.0000 = 0.5000")
    expect(lines[6], "step-006: x1w1 = x1 * w1: '*' multiplies the gradient by the other operand: "
                     "x1.grad += w1.data × x1w1.grad = -3.0000 × 0.5000 = -1.5000; "
                     "w1.grad += x1.data × x1w1.grad = 2.0000 × 0.5000 = 1.0000")


@test
def text_root_and_precision():
    r = run(['steps', '-', '--text', '--root', 'e', '--precision', '1'], stdin=L_SRC)
    expect(r.status, 0, 'exit')
    expect(r.text,
           "step-000: forward pass: every value is computed from its operands, e = -6.0, "
           "and every grad starts at 0\n"
           "step-001: e.grad = 1: de/de = 1, the root's gradient with respect to itself\n"
           "step-002: e = a * b: '*' multiplies the gradient by the other operand: "
           "a.grad += b.data × e.grad = -3.0 × 1.0 = -3.0; b.grad += a.data × e.grad = 2.0 × 1.0 = 2.0\n")


@test
def text_value_used_twice():
    r = run(['steps', '-', '--text'], stdin=b'a = 3\nb = a*a\nc = b + a\n')
    expect(r.status, 0, 'exit')
    expect(r.text.splitlines()[3],
           "step-003: b = a * a: '*' multiplies the gradient by the other operand: "
           "a.grad += a.data × b.grad = 3.0000 × 1.0000 = 3.0000 → a.grad = 1.0000 + 3.0000 = 4.0000; "
           "a.grad += a.data × b.grad = 3.0000 × 1.0000 = 3.0000 → a.grad = 4.0000 + 3.0000 = 7.0000")


@test
def help_has_examples():
    r = run(['steps', '--help'])
    expect(r.status, 0, 'exit')
    expect_true(r.text.startswith('usage: micrograd steps FILE (-o LESSON.html | -o DIR [-T svg|png] | --text)\n'), r.text)
    expect_true('examples:\n  micrograd steps examples/neuron.mg -o neuron.html\n' in r.text, r.text)
    r = run(['--help'])
    expect_true('  steps ' in r.text, 'steps listed in micrograd --help')


# ---- errors -------------------------------------------------------------------

def usage(message):
    return f"micrograd: error: steps: {message} (see 'micrograd steps --help')\n"


@test
def usage_errors():
    d = tempdir()
    src = write(os.path.join(d, 'L.mg'), L_SRC)
    cases = [
        ([src], 'say where the lesson goes: -o LESSON.html, -o DIR or --text'),
        (['-o', 'x.html'], 'missing FILE (use - for standard input)'),
        ([src, '-o', os.path.join(d, 'o.html'), '--text'], '-o and --text exclude each other'),
        ([src, '-o', os.path.join(d, 'o.html'), '-T', 'png'],
         '-T is for the frames of -o DIR (a page is always SVG)'),
        ([src, '-o', os.path.join(d, 'frames'), '-T', 'gif'], "-T must be svg or png, not 'gif'"),
        ([src, '-o', os.path.join(d, 'one.svg')],
         f"-o takes a page (.html) or a folder for the frames, not '{d}/one.svg'"),
        ([src, '--text', '--precision', '18'], "--precision wants a whole number from 0 to 17, not '18'"),
        ([src, '--text', '--rankdir', 'RL'], "--rankdir must be LR or TB, not 'RL'"),
        ([src, '--text', '--bogus'], "unknown option '--bogus'"),
        ([src, '--text', src], f"one FILE only ('{src}' is extra)"),
        ([src, '-o'], "option '-o' needs a value"),
        ([src, '-o', ''], '-o needs a file or folder name'),
    ]
    for args, message in cases:
        r = run(['steps'] + args)
        expect(r.status, 2, f'exit of {args}')
        expect(r.err, usage(message), f'stderr of {args}')
        expect(r.out, b'', f'stdout of {args}')
    expect(sorted(os.listdir(d)), ['L.mg'])


@test
def bad_input_writes_nothing():
    d = tempdir()
    bad = write(os.path.join(d, 'bad.mg'), b'a = 2\nb = a +\n')
    page = write(os.path.join(d, 'old.html'), b'old page')
    for out in (page, os.path.join(d, 'new.html'), os.path.join(d, 'frames'), None):
        args = ['steps', bad] + (['-o', out] if out else ['--text'])
        r = run(args)
        expect(r.status, 2, f'exit with {out}')
        expect(r.err, f'{bad}:2:8: error: expected an expression, found end of line\n')
        expect(r.out, b'')
    expect(sorted(os.listdir(d)), ['bad.mg', 'old.html'])
    expect(read(page), b'old page')
    r = run(['steps', '-', '--text'], stdin=b'x = (1 +\n')
    expect(r.status, 2)
    expect_true(r.err.startswith('<stdin>:1:'), r.err)


@test
def root_naming_nothing():
    r = run(['steps', '-', '--text', '--root', 'zz'], stdin=L_SRC)
    expect(r.status, 2)
    expect(r.err, "micrograd: error: --root 'zz': <stdin> defines no such name\n")


@test
def unwritable_outputs():
    d = tempdir()
    src = write(os.path.join(d, 'L.mg'), L_SRC)
    r = run(['steps', src, '-o', os.path.join(d, 'no', 'such', 'frames')])
    expect(r.status, 1)
    expect(r.err, f"micrograd: error: cannot write frames to '{d}/no/such/frames': No such file or directory\n")
    r = run(['steps', src, '-o', os.path.join(d, 'no', 'page.html')])
    expect(r.status, 1)
    expect(r.err, f"micrograd: error: cannot write '{d}/no/page.html': No such file or directory\n")
    r = run(['steps', src, '-o', src])  # a file where a folder is wanted
    expect(r.status, 1)
    expect(r.err, f"micrograd: error: cannot write frames to '{src}': Not a directory\n")
    expect(sorted(os.listdir(d)), ['L.mg'])
    expect(read(src), L_SRC)


clitest.main()
