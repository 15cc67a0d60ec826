"""The lecture's language through the CLI: micrograd's README example and the
lecture's straight-line snippets as they are written, every value compared
with micrograd's own (measured with micrograd's engine.py); grads the file
makes itself; rebinding in the picture; parameters; Unicode labels in the SVG;
the line and caret under errors; warnings and --strict; --as-micrograd; did
you mean for commands and options."""
import json
import os
import re

import clitest
from clitest import expect, expect_true, run, source, test, tempdir


def values(args, src):
    """{name: (data, grad)} from `grad --json`, the printed text of each number."""
    r = run(['grad', '--json', *args, '-'], stdin=src)
    expect((r.status, r.err), (0, ''), f'{src[:60]!r}')
    got = json.loads(r.out, parse_float=str, parse_int=str)
    names = [v['name'] for v in got['values']]
    expect(len(names), len(set(names)), 'each name once')
    return {v['name']: (v['data'], v['grad']) for v in got['values']}


def write(name, data):
    path = os.path.join(tempdir(), name)
    with open(path, 'wb') as f:
        f.write(data)
    return path


README = open(source('examples', 'micrograd_readme.py'), 'rb').read()


@test
def micrograd_readme_example_verbatim():
    # micrograd prints g.data 24.7041, a.grad 138.8338, b.grad 645.5773; to the last digit:
    for args in ([], ['--as-micrograd']):
        v = values(args, README)
        expect(v['g'], ('24.70408163265306', '1.0'))
        expect(v['a'], ('-4.0', '138.83381924198252'))
        expect(v['b'], ('2.0', '645.5772594752186'))
        expect(list(v), ['a', 'b', 'c', 'd', 'e', 'f', 'g'])
        expect(v['c'], ('-1.0', '-6.941690962099126'))
        expect(v['d'], ('6.0', '6.941690962099126'))
        expect(v['f'], ('49.0', '0.4958350687213661'))


# The lecture's cells with Value, as written (print lines left out); the
# numbers are micrograd's, from its engine.py.
LECTURE_L = b'''a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a*b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
L
'''

LECTURE_MANUAL = LECTURE_L + b'''L.grad = 1.0
f.grad = 4.0
d.grad = -2
c.grad = -2.0
e.grad = -2.0
a.grad = -2.0 * -3.0
b.grad = -2.0 * 2.0
'''

LECTURE_NEURON = b'''# inputs x1,x2
x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
# weights w1,w2
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
# bias of the neuron
b = Value(6.8813735870195432, label='b')
# x1*w1 + x2*w2 + b
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
'''


@test
def lecture_video_example_and_its_manual_grads():
    v = values([], LECTURE_L + b'L.backward()\n')
    expect(v, {'a': ('2.0', '6.0'), 'b': ('-3.0', '-4.0'), 'c': ('10.0', '-2.0'),
               'e': ('-6.0', '-2.0'), 'd': ('4.0', '-2.0'), 'f': ('-2.0', '4.0'),
               'L': ('-8.0', '1.0')})
    # grads set by hand, no backward(): exactly those grads
    v = values([], LECTURE_MANUAL)
    expect(v['a'], ('2.0', '6.0'))
    expect(v['d'], ('4.0', '-2.0'))
    # the lecture's nudge along the grad, then the forward pass again
    v = values([], LECTURE_MANUAL + b'a.data += 0.01 * a.grad\nb.data += 0.01 * b.grad\n'
               b'c.data += 0.01 * c.grad\nf.data += 0.01 * f.grad\n'
               b'e = a * b\nd = e + c\nL = d * f\n')
    expect(v['L'][0], '-7.286496')
    expect(v['a'], ('2.06', '6.0'))


@test
def lecture_neuron_with_tanh_and_with_exp():
    tanh = LECTURE_NEURON + b"o = n.tanh(); o.label = 'o'\no.backward()\n"
    v = values([], tanh)
    expect(v['o'], ('0.7071067811865476', '1.0'))
    expect(v['n'], ('0.8813735870195432', '0.4999999999999999'))
    expect(v['x1'], ('2.0', '-1.4999999999999996'))
    expect(v['w1'], ('-3.0', '0.9999999999999998'))
    # by hand, as the lecture does first: o._backward() one node at a time
    v = values([], LECTURE_NEURON + b"o = n.tanh(); o.label = 'o'\no.grad = 1.0\no._backward()\n"
               b"n._backward()\nb._backward()\nx1w1x2w2._backward()\nx2w2._backward()\n"
               b"x1w1._backward()\n")
    expect(v['x1'], ('2.0', '-1.4999999999999996'))
    expect(v['w2'], ('1.0', '0.0'))
    expp = LECTURE_NEURON + b"# ----\ne = (2*n).exp()\no = (e - 1) / (e + 1)\n# ----\n" \
        b"o.label = 'o'\no.backward()\ndraw_dot(o)\n"
    v = values(['--as-micrograd'], expp)
    expect(v['o'], ('0.7071067811865477', '1.0'))
    expect(v['e'], ('5.828427124746192', '0.04289321881345247'))
    expect(v['x1'], ('2.0', '-1.5'))
    expect(v['w1'], ('-3.0', '1.0'))
    expect(v['x2'], ('0.0', '0.5'))
    expect(v['n'], ('0.8813735870195432', '0.5'))
    expect(values([], expp)['o'], ('0.7071067811865476', '1.0'))


@test
def lecture_small_cells():
    # a value used twice: both contributions
    v = values([], b"a = Value(3.0, label='a')\nb = a + a   ; b.label = 'b'\nb.backward()\n")
    expect(v['a'], ('3.0', '2.0'))
    v = values([], b"a = Value(-2.0, label='a')\nb = Value(3.0, label='b')\nd = a * b    ; d.label = 'd'\n"
               b"e = a + b    ; e.label = 'e'\nf = d * e    ; f.label = 'f'\n\nf.backward()\n\ndraw_dot(f)\n")
    expect(v['a'], ('-2.0', '-3.0'))
    expect(v['b'], ('3.0', '-8.0'))
    # bare expressions, as a notebook shows them
    v = values([], b'a = Value(2.0)\nb = Value(4.0)\na / b\na - b\na * 2\n2 * a\na + 1\na.exp()\n')
    expect(list(v), ['a', 'b'])


@test
def the_file_picks_the_root():
    v = values([], b'a = 3\nb = a * a\nc = b + 1\nb.backward()\n')
    expect(v['a'], ('3.0', '6.0'))
    expect(v['c'], ('10.0', '0.0'))
    r = run(['grad', '--json', '-'], stdin=b'a = 3\nb = a * a\nc = b + 1\ndraw_dot(b)\n')
    expect(json.loads(r.out)['root'], 'b')
    expect(json.loads(r.out)['values'][0], {'name': 'a', 'data': 3.0, 'grad': 6.0})


@test
def draw_shows_grads_the_file_set_and_every_rebound_value():
    r = run(['draw', '-T', 'dot', '-'], stdin=LECTURE_MANUAL)
    expect(r.status, 0)
    labels = re.findall(rb'label="\{ ([^|]*) \| data ([^ ]*) \| grad ([^ ]*) \}"', r.out)
    expect(labels, [(b'a', b'2.0000', b'6.0000'), (b'b', b'-3.0000', b'-4.0000'),
                    (b'c', b'10.0000', b'-2.0000'), (b'e', b'-6.0000', b'-2.0000'),
                    (b'd', b'4.0000', b'-2.0000'), (b'f', b'-2.0000', b'4.0000'),
                    (b'L', b'-8.0000', b'1.0000')])
    # rebinding: every value drawn, the name on its latest one only
    r = run(['draw', '-T', 'dot', '-'], stdin=b'x = 2\nx = x * 3\nx += 1\n')
    expect(re.findall(rb'label="\{ ([^"]*) \}"', r.out),
           [b'data 2.0000 | grad 3.0000', b'data 3.0000 | grad 2.0000',
            b'data 6.0000 | grad 1.0000', b'data 1.0000 | grad 1.0000',
            b'x | data 7.0000 | grad 1.0000'])


@test
def parameters_marked_in_the_file_draw_as_parameters():
    r = run(['draw', '-T', 'dot', source('examples', 'neuron_lecture.py')])
    expect(r.status, 0)
    classes = re.findall(rb'\tv\d+\t\[class="value ([a-z]+)"', r.out)
    expect(classes[:5], [b'input', b'input', b'param', b'param', b'param'])
    expect(r.out.count(b'class="value param"'), 3)


@test
def unicode_labels_keep_their_spaces_in_the_svg():
    src = "θ = Value(2.0, label='θ')\nx = Value(3.0)\nŷ = θ * x; ŷ.label = 'ŷ = θ·x'\n" \
          "w = Value(1.0, label='w₁ 中文 neuron cell body')\nz = ŷ + w\n"
    r = run(['draw', '-T', 'svg', '-'], stdin=src.encode())
    expect(r.status, 0)
    texts = re.findall(r'<text [^>]*>([^<]*)</text>', r.out.decode())
    for want in ('ŷ = θ·x', 'θ', 'x', 'w₁ 中文 neuron cell body', 'z'):
        expect_true(want in texts, f'{want!r} in {texts!r}')
    r = run(['draw', '-T', 'dot', '-'], stdin=src.encode())
    expect_true('label="{ŷ = θ·x | data 6.0000' in r.out.decode(), 'DOT label')


@test
def errors_show_the_line_and_a_caret():
    def err(src, args=()):
        r = run(['grad', *args, '-'], stdin=src.encode())
        expect((r.status, r.out), (2, b''), src)
        return r.err
    expect(err('a = 1\nb = a ^ 2\n'),
           "<stdin>:2:7: error: '^' is not a power in Python (it is bitwise xor): write x ** 2\n"
           "    b = a ^ 2\n"
           "          ^\n")
    # the caret counts characters, so it sits under the word after UTF-8 text, and keeps tabs
    # (columns count bytes)
    expect(err('θ = 1\n\tŷ = θ + zz\n'),
           "<stdin>:2:12: error: 'zz' is not defined\n"
           "    \tŷ = θ + zz\n"
           "    \t        ^\n")
    expect(err('res = 1\ny = rse * 2\n'),
           "<stdin>:2:5: error: 'rse' is not defined: did you mean 'res'?\n"
           "    y = rse * 2\n"
           "        ^\n")
    expect(err('import numpy as np\n'),
           "<stdin>:1:1: error: 'import numpy': this language has no modules (micrograd's own "
           "imports are taken, and ignored)\n"
           "    import numpy as np\n"
           "    ^\n")
    expect(err('a = 1\nprint(a.data)\n'),
           "<stdin>:2:1: error: print(...) is not needed: 'micrograd grad FILE' prints every value\n"
           "    print(a.data)\n"
           "    ^\n")
    expect(err('for p in n.parameters():\n  p.data += -0.01 * p.grad\n'),
           "<stdin>:1:1: error: 'for' (a loop) is not part of this language: 'micrograd train' "
           "runs a training loop\n"
           "    for p in n.parameters():\n"
           "    ^\n")
    expect(err('x = 1/0\n'),
           "<stdin>:1:6: error: division by zero (Python raises ZeroDivisionError)\n"
           "    x = 1/0\n"
           "         ^\n")
    expect(err('a = 2; b = a ** a\n', ['--as-micrograd']),
           "<stdin>:1:14: error: micrograd's '**' takes a Value and a number exponent (int or float)\n"
           "    a = 2; b = a ** a\n"
           "                 ^\n")


@test
def non_finite_values_warn_and_strict_refuses():
    src = b'x = Value(-1.0)\ny = x.log()\nz = y * 2\n'
    warning = "<stdin>:2:1: warning: 'y' is nan\n    y = x.log()\n    ^\n"
    r = run(['grad', '-'], stdin=src)
    expect((r.status, r.err), (0, warning))
    d = tempdir()
    out = os.path.join(d, 'out.svg')
    r = run(['draw', '--strict', '-', '-o', out], stdin=src)
    expect((r.status, r.err), (2, warning.replace('warning', 'error')))
    expect(os.path.exists(out), False, 'no output file')
    r = run(['steps', '--strict', '--text', '-'], stdin=src)
    expect((r.status, r.out), (2, b''))
    r = run(['draw', '-T', 'dot', '-'], stdin=src)
    expect((r.status, r.err), (0, warning))


@test
def did_you_mean_for_commands_and_options():
    r = run(['drwa'])
    expect((r.status, r.err),
           (2, "micrograd: error: unknown command 'drwa': did you mean 'draw'? (see 'micrograd --help')\n"))
    r = run(['grad', '--jsn', '-'], stdin=b'a = 1\n')
    expect((r.status, r.err), (2, "micrograd: error: grad: unknown option '--jsn': did you mean "
                                  "'--json'? (see 'micrograd grad --help')\n"))
    r = run(['draw', '--as-micrgrad', '-'], stdin=b'a = 1\n')
    expect((r.status, r.err), (2, "micrograd: error: draw: unknown option '--as-micrgrad': did you "
                                  "mean '--as-micrograd'? (see 'micrograd draw --help')\n"))
    r = run(['steps', '--txt', '-'], stdin=b'a = 1\n')
    expect(r.err, "micrograd: error: steps: unknown option '--txt': did you mean '--text'? "
                  "(see 'micrograd steps --help')\n")
    r = run(['train', '--stesp=3'])
    expect(r.err, "micrograd: error: train: unknown option '--stesp=3': did you mean '--steps'? "
                  "(see 'micrograd train --help')\n")
    r = run(['grad', '--xyzzy', '-'], stdin=b'a = 1\n')
    expect(r.err, "micrograd: error: grad: unknown option '--xyzzy' (see 'micrograd grad --help')\n")


@test
def as_micrograd_draws_micrograds_graph():
    expp = LECTURE_NEURON + b"e = (2*n).exp()\no = (e - 1) / (e + 1)\no.label = 'o'\no.backward()\n"
    ours = run(['draw', '-T', 'dot', '-'], stdin=expp).out
    theirs = run(['draw', '-T', 'dot', '--as-micrograd', '-'], stdin=expp).out
    ops = lambda dot: re.findall(rb'_op\t\[[^]]*label="?([^",]*)"?,', dot)
    expect(sorted(set(ops(ours))), [b'*', b'+', b'-', b'/', b'exp'])
    expect(sorted(set(ops(theirs))), [b'*', b'**-1', b'+', b'exp'])
    expect_true(b'data 0.7071 | grad 1.0000' in theirs, 'o')


clitest.main()
