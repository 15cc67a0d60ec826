"""CLI tests of the lecture's other lessons: `steps --forward`, `--nudge STEP`,
`--path NAME`, `--bug assign` (and `grad --bug assign`), and
`train --no-zero-grad`, with the lecture's numbers recomputed here in Python."""
import json
import math
import os
import re

import clitest
from clitest import expect, expect_true, run, source, tempdir, test

L_MG = source('examples', 'L.mg')
NEURON_EXP = source('examples', 'neuron_exp.mg')
TWICE = b'a = 3.0\nb = a + a\n'
BUG = 'BUG, grads assigned (=) instead of accumulated (+=): '


def steps_text(*args, stdin=b''):
    r = run(['steps', '--text'] + list(args), stdin=stdin)
    expect(r.status, 0, f'exit of {args} ({r.err})')
    expect(r.err, '')
    return r.text.splitlines()


def usage(command, message):
    return f"micrograd: error: {command}: {message} (see 'micrograd {command} --help')\n"


# ---- --forward ----------------------------------------------------------------

@test
def forward_builds_l_value_by_value():
    lines = steps_text(L_MG, '--forward')
    expect(len(lines), 4 + 5)
    expect(lines[:5], [
        'step-001: forward pass, value by value: first the leaves, a = 2.0000, b = -3.0000, '
        'c = 10.0000, f = -2.0000; no other value is computed yet (?)',
        'step-002: e = a * b = 2.0000 * (-3.0000) = -6.0000',
        'step-003: d = e + c = (-6.0000) + 10.0000 = 4.0000',
        'step-004: L = d * f = 4.0000 * (-2.0000) = -8.0000',
        'step-005: forward pass: every value is computed from its operands, L = -8.0000, '
        'and every grad starts at 0'])
    # the backward frames that follow are the plain lesson's, unchanged
    expect(lines[5:], [re.sub(r'^step-\d+', lambda m: 'step-%03d' % (int(m[0][5:]) + 4), line)
                       for line in steps_text(L_MG)[1:]])


@test
def forward_of_a_function_and_rounding():
    lines = steps_text(source('examples', 'neuron.mg'), '--forward')
    expect(lines[5], 'step-006: o = tanh(n) = tanh(0.8814) = 0.7071')
    # 0.88 + 0.10 printed, but the sum is 0.9814: "≈" where rounding intervenes
    lines = steps_text('-', '--forward', '--precision', '1', stdin=b'a = 0.26\nb = 0.26\nc = a + b\n')
    expect(lines[1], 'step-002: c = a + b = 0.3 + 0.3 ≈ 0.5')


# ---- --nudge ------------------------------------------------------------------

def lecture_nudge(step):
    """The lecture's cell, in Python floats: a.data += step * a.grad, ..."""
    a, b, c, f = 2.0, -3.0, 10.0, -2.0
    grads = {'a': -3.0 * -2.0, 'b': 2.0 * -2.0, 'c': -2.0, 'f': 4.0}
    a += step * grads['a']
    b += step * grads['b']
    c += step * grads['c']
    f += step * grads['f']
    return (a * b + c) * f


@test
def nudge_moves_every_leaf_and_recomputes():
    expect(lecture_nudge(0.01), -7.286496)
    lines = steps_text(L_MG, '--nudge', '0.01')
    expect(len(lines), 6)
    expect(lines[5], 'step-006: nudge: every leaf moves by 0.01 × its grad: a 2.0000 → 2.0600, '
                     'b -3.0000 → -3.0400, c 10.0000 → 9.9800, f -2.0000 → -1.9600; forward '
                     'again: L goes from -8.0000 to -7.2865; predicted change (first order, the '
                     'sum of grad × move) 0.7200, actual change 0.7135')
    # to the last bit: 17 digits are the double's own
    lines = steps_text(L_MG, '--nudge', '0.01', '--precision', '17')
    got = re.search(r'L goes from (\S+) to (\S+);', lines[5])
    expect(got.group(1), '%.17f' % -8.0)
    expect(got.group(2), '%.17f' % lecture_nudge(0.01))
    actual = re.search(r'actual change (\S+)$', lines[5]).group(1)
    expect(actual, '%.17f' % (lecture_nudge(0.01) - -8.0))
    predicted = re.search(r'move\) (\S+),', lines[5]).group(1)
    moves = [(2.0 + 0.01 * 6.0) - 2.0, (-3.0 + 0.01 * -4.0) - -3.0, (10.0 + 0.01 * -2.0) - 10.0,
             (-2.0 + 0.01 * 4.0) - -2.0]
    expect(predicted, '%.17f' % (6.0 * moves[0] + -4.0 * moves[1] + -2.0 * moves[2] + 4.0 * moves[3]))


@test
def nudge_against_the_grad_and_constants_stay():
    # a negative step descends; the unnamed constant 2 of 2*x is not a leaf to move
    lines = steps_text('-', '--nudge', '-0.1', stdin=b'x = 3.0\ny = 2*x\nz = y*y\n')
    expect(lines[-1], 'step-005: nudge: every leaf moves by -0.1 × its grad: x 3.0000 → 0.6000; '
                      'forward again: z goes from 36.0000 to 1.4400; predicted change (first '
                      'order, the sum of grad × move) -57.6000, actual change -34.5600')


@test
def nudge_frame_is_drawn_with_its_data_and_boxes_fit():
    d = tempdir()
    out = os.path.join(d, 'frames')
    r = run(['steps', L_MG, '-o', out, '--forward', '--nudge', '0.01'])
    expect(r.status, 0, f'exit ({r.err})')
    names = sorted(os.listdir(out))
    expect(names, ['captions.txt'] + ['step-%03d.svg' % i for i in range(1, 11)])
    svgs = [open(os.path.join(out, n), 'rb').read() for n in names[1:]]
    expect_true(b'data ?' in svgs[0] and b'grad ?' in svgs[0], 'the leaves frame shows ? boxes')
    expect(len(re.findall(rb'class="node value result[a-z ]* unknown"', svgs[0])), 3)  # e, d, L
    expect_true(b'data &#45;7.2865' in svgs[9], 'the nudge frame shows the new L')
    expect_true(b'data 2.0600' in svgs[9], 'and the moved leaves')
    expect_true(b'data &#45;8.0000' in svgs[8], 'the frame before shows the old L')
    # every frame keeps every box where it is, with the same size (the field
    # separators inside a record, two-point lines, may shift as its texts change)
    shape = re.compile(rb'(?<=\s)(?:points|d|cx|cy|rx|ry|viewBox)="[^"]*"')
    separator = re.compile(rb'points="[^ "]+ [^ "]+ "')
    boxes = [[x for x in shape.findall(svg) if not separator.fullmatch(x)] for svg in svgs]
    expect_true(len(boxes[0]) >= 7 + 3 * 4, 'the boxes are found')
    for i, b in enumerate(boxes):
        expect(b, boxes[0], f'frame {i + 1} boxes')


# ---- --path -------------------------------------------------------------------

@test
def path_of_the_lecture():
    lines = steps_text(L_MG, '--path', 'a')
    expect(lines[5:], [
        'step-006: path 1 of 1 from L to a: L → d → e → a: dL/dd · dd/de · de/da = '
        '(-2.0000)·(1.0000)·(-3.0000) = 6.0000',
        'step-007: dL/da is the product along its one path: 6.0000, what backward accumulated '
        'in a.grad = 6.0000'])


@test
def path_of_a_value_used_twice():
    lines = steps_text('-', '--path', 'a', stdin=TWICE)
    expect(lines[3:], [
        'step-004: path 1 of 2 from b to a: b → a (the first operand of b): db/da = (1.0000) = 1.0000',
        'step-005: path 2 of 2 from b to a: b → a (the second operand of b): db/da = (1.0000) = 1.0000',
        'step-006: db/da is the sum over the paths of their products: 1.0000 + 1.0000 = 2.0000, '
        'what backward accumulated in a.grad = 2.0000'])


@test
def path_sums_equal_the_engines_grads():
    """Every named value of the neuron written with exp: the products the
    captions print multiply out (to 17 digits), and their sum is grad's."""
    r = run(['grad', '--json', NEURON_EXP])
    grads = {v['name']: v['grad'] for v in json.loads(r.text)['values']}
    for name, grad in grads.items():
        lines = steps_text(NEURON_EXP, '--path', name, '--precision', '17')
        last = lines[-1]
        got = float(re.search(r'in \S+\.grad = (\S+)$', last).group(1))
        expect(got, grad, f'{name}: the grad the sum frame shows')
        paths = [line for line in lines if ': path ' in line]
        products = []
        for line in paths:
            factors = re.search(r'= ((?:\([^)]*\)·?)+) [=≈] (\S+)$', line)
            if factors is None:  # the root itself
                products.append(1.0)
                continue
            products.append(float(factors.group(2)))
        expect_true(math.isclose(sum(products), grad, rel_tol=1e-12, abs_tol=1e-15),
                    f'{name}: {products} sum to {grad}')
    expect(len([l for l in steps_text(NEURON_EXP, '--path', 'n') if ': path ' in l]), 2)


@test
def path_errors():
    cases = [
        (['--path', 'aa'], 2, "micrograd: error: --path 'aa': <stdin> defines no such name: "
                              "did you mean 'a'?\n"),
        (['--path', 'zz'], 2, "micrograd: error: --path 'zz': <stdin> defines no such name\n"),
    ]
    for args, status, err in cases:
        r = run(['steps', '-', '--text'] + args, stdin=TWICE)
        expect((r.status, r.err, r.out), (status, err, b''), f'{args}')
    r = run(['steps', L_MG, '--text', '--root', 'd', '--path', 'f'])
    expect((r.status, r.out), (2, b''))
    expect(r.err, "micrograd: error: --path 'f': d does not depend on f: no path leads to it\n")
    # --root gives the same suggestion
    r = run(['steps', L_MG, '--text', '--root', 'LL'])
    expect((r.status, r.out), (2, b''))
    expect(r.err, f"micrograd: error: --root 'LL': {L_MG} defines no such name: did you mean 'L'?\n")


# ---- --bug assign ---------------------------------------------------------------

@test
def bug_assign_in_steps_is_labelled_wrong():
    lines = steps_text('-', '--bug', 'assign', stdin=TWICE)
    expect(lines, [
        'step-001: ' + BUG + 'forward pass: every value is computed from its operands, '
        'b = 6.0000, and every grad starts at 0',
        'step-002: ' + BUG + "b.grad = 1: db/db = 1, the root's gradient with respect to itself",
        'step-003: ' + BUG + "b = a + a: '+' routes the gradient unchanged: a.grad = 1 × b.grad "
        '= 1.0000; a.grad = 1 × b.grad = 1.0000 (WRONG: the 1.0000 already in a.grad is lost; '
        '+= would give 2.0000)'])
    # the default is the engine's: +=
    expect_true('+=' in steps_text('-', stdin=TWICE)[2] and 'BUG' not in ''.join(steps_text('-', stdin=TWICE)), 'default')


@test
def bug_assign_pictures_say_so():
    d = tempdir()
    out = os.path.join(d, 'frames')
    r = run(['steps', '-', '-o', out, '--bug', 'assign'], stdin=TWICE)
    expect(r.status, 0, f'exit ({r.err})')
    last = open(os.path.join(out, 'step-003.svg'), 'rb').read()
    expect_true(b'BUG on purpose: grads assigned (=), not accumulated (+=); dashed red grads are WRONG'
                in last, 'the title')
    expect(last.count(b' wrong"'), 1)  # a, its grad wrong
    expect_true(b'stroke-dasharray' in last, 'dashed: told apart in grey too')
    first = open(os.path.join(out, 'step-001.svg'), 'rb').read()
    expect(first.count(b' wrong"'), 0)
    page = os.path.join(d, 'twice.html')
    r = run(['steps', '-', '-o', page, '--bug', 'assign'], stdin=TWICE)
    expect(r.status, 0)
    expect_true(b'<title>BUG (grads assigned): stdin' in open(page, 'rb').read(), 'page title')


@test
def grad_bug_assign():
    r = run(['grad', '-', '--bug', 'assign'], stdin=TWICE)
    expect((r.status, r.err), (0, ''))
    expect(r.text, 'BUG on purpose: grads assigned (=) instead of accumulated (+=); the grads\n'
                   'marked WRONG are not d b / d name (backward\'s are in parentheses)\n'
                   'name  data                      grad\n'
                   'a     3.0                       1.0  WRONG (2.0)\n'
                   'b     6.0                       1.0\n')
    r = run(['grad', '-', '--bug', 'assign', '--json'], stdin=TWICE)
    expect(json.loads(r.text), {'root': 'b', 'bug': 'assign', 'values': [
        {'name': 'a', 'data': 3.0, 'grad': 1.0, 'wrong': True, 'correct': 2.0},
        {'name': 'b', 'data': 6.0, 'grad': 1.0, 'wrong': False, 'correct': 1.0}]})
    # the lecture's own case: e feeds both e - 1 and e + 1
    r = run(['grad', NEURON_EXP, '--bug', 'assign', '--json'])
    values = {v['name']: v for v in json.loads(r.text)['values']}
    expect(values['e']['correct'], 0.04289321881345247)
    expect(values['w2']['wrong'], False)
    expect(values['w1']['wrong'], True)
    # without --bug, grad is unchanged
    r = run(['grad', '-'], stdin=TWICE)
    expect(r.text, 'name  data                      grad\na     3.0                       2.0\n'
                   'b     6.0                       1.0\n')


@test
def combinations_that_make_no_sense():
    cases = [
        ('steps', ['--bug', 'assign', '--nudge', '0.01'],
         '--bug shows the backward pass only: it excludes --nudge'),
        ('steps', ['--bug', 'assign', '--path', 'a'],
         '--bug shows the backward pass only: it excludes --path'),
        ('steps', ['--bug', 'add'],
         "--bug must be 'assign' (grads assigned instead of accumulated), not 'add'"),
        ('grad', ['--bug', 'add'],
         "--bug must be 'assign' (grads assigned instead of accumulated), not 'add'"),
        ('steps', ['--nudge', '0'], '--nudge needs a step that is not 0'),
        ('steps', ['--nudge', 'x'], "--nudge wants a finite number, not 'x'"),
        ('steps', ['--nudge', 'inf'], "--nudge wants a finite number, not 'inf'"),
        ('check', ['--bug', 'assign'], "unknown option '--bug'"),
    ]
    for command, args, message in cases:
        extra = ['--text'] if command == 'steps' else []
        r = run([command, L_MG] + extra + args)
        expect((r.status, r.err, r.out), (2, usage(command, message), b''), f'{command} {args}')


# ---- train --no-zero-grad -----------------------------------------------------

def tiny_losses(params, steps, lr, zero_grad):
    """The video's four examples on one tanh neuron, as micrograd runs them:
    act = sum(w*x, b).tanh(), loss = sum((out - y)**2), backward in reverse
    creation order, p.data += -lr * p.grad; with or without zero_grad."""
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    p = list(params)
    grad = [0.0] * 4
    losses = []
    for _ in range(steps):
        outs = []
        for x in xs:
            s = p[3]
            for i in range(3):
                s = s + p[i] * x[i]
            outs.append(math.tanh(s))
        errs = [(o - y) ** 2.0 for o, y in zip(outs, ys)]
        loss = errs[0]
        for e in errs[1:]:
            loss = loss + e
        losses.append(loss)
        if zero_grad:
            grad = [0.0] * 4
        for k in reversed(range(4)):  # the last example's values were made last
            g_out = (2.0 * (outs[k] - ys[k]) ** 1.0) * 1.0
            g_s = (1.0 - outs[k] * outs[k]) * g_out
            for i in reversed(range(3)):
                grad[i] = grad[i] + xs[k][i] * g_s
            grad[3] = grad[3] + g_s
        p = [pi - lr * gi for pi, gi in zip(p, grad)]
    return losses


@test
def no_zero_grad_losses_are_the_bugs():
    d = tempdir()
    init = os.path.join(d, 'init.txt')
    params = [0.1, -0.2, 0.3, 0.05]
    with open(init, 'w') as f:
        f.write(''.join('%r\n' % x for x in params))
    args = ['train', '--sizes', '3,1', '--init', init, '--lr', '0.05', '--steps', '6', '--json']
    r = run(args + ['--no-zero-grad'])
    expect((r.status, r.err.count('BUG')), (0, 0), r.err)
    j = json.loads(r.text)
    expect(j['bug'], 'no_zero_grad')
    want = tiny_losses(params, 6, 0.05, zero_grad=False)
    expect(j['loss_history'], want)
    right = json.loads(run(args).text)
    expect('bug' in right, False)
    expect(right['loss_history'], tiny_losses(params, 6, 0.05, zero_grad=True))
    expect_true(right['loss_history'][2:] != want[2:], 'the bug changes the run')
    r = run(['train', '--steps', '3', '--no-zero-grad'])
    expect(r.status, 0)
    expect_true(r.text.startswith('BUG on purpose (grads never zeroed): tiny: MLP(3, [4, 4, 1])'),
                r.text)

# ---- --format md|tex ----------------------------------------------------------

@test
def captions_as_latex_and_markdown():
    r = run(['steps', L_MG, '--text', '--format', 'tex', '--path', 'a'])
    expect((r.status, r.err), (0, ''))
    lines = r.text.splitlines()
    expect(lines[0], '\\begin{enumerate}')
    expect(lines[-1], '\\end{enumerate}')
    expect(lines[2], '  \\item $L.\\mathrm{grad} = 1$: $\\frac{\\partial L}{\\partial L} = 1$, '
                     "the root's gradient with respect to itself")
    expect(lines[4], "  \\item $d = e + c$: '+' routes the gradient unchanged: "
                     '$e.\\mathrm{grad} \\mathrel{+}= 1 \\times d.\\mathrm{grad} = -2.0000$; '
                     '$c.\\mathrm{grad} \\mathrel{+}= 1 \\times d.\\mathrm{grad} = -2.0000$')
    expect(lines[6], '  \\item path 1 of 1 from $L$ to $a$: $L \\to d \\to e \\to a$: '
                     '$\\frac{\\partial L}{\\partial d} \\cdot \\frac{\\partial d}{\\partial e} \\cdot '
                     '\\frac{\\partial e}{\\partial a} = (-2.0000)\\cdot (1.0000)\\cdot (-3.0000) = 6.0000$')
    expect(len(lines), 2 + 7)
    r = run(['steps', '-', '--text', '--format', 'md'], stdin=b'x_1 = 2.0\ny = x_1 * x_1\n')
    expect(r.text.splitlines()[2],
           "- **step 3:** $y = x\\_1 \\cdot x\\_1$: '\\*' multiplies the gradient by the other "
           'operand: $x\\_1.\\mathrm{grad} \\mathrel{+}= x\\_1.\\mathrm{data} \\times y.\\mathrm{grad} '
           '= 2.0000 \\times 1.0000 = 2.0000$; $x\\_1.\\mathrm{grad} \\mathrel{+}= x\\_1.\\mathrm{data} '
           '\\times y.\\mathrm{grad} = 2.0000 \\times 1.0000 = 2.0000$ $\\to  x\\_1.\\mathrm{grad} = '
           '2.0000 + 2.0000 = 4.0000$')
    # in LaTeX's prose, its specials are escaped; every $ opens and closes
    r = run(['steps', '-', '--text', '--format', 'tex', '--forward', '--nudge', '0.1'],
            stdin=b"p = Value(2.0, label='p_%#')\nq = tanh(p)**2\n")
    expect(r.status, 0, r.err)
    for line in r.text.splitlines():
        expect(line.replace('\\$', '').count('$') % 2, 0, line)
    expect_true('$p\\_\\%\\#$ $2.0000 \\to ' in r.text, r.text)
    expect_true("'tanh' scales the gradient by 1 - tanh$^2$" in r.text, r.text)
    # the default is the plain text, unchanged
    expect(run(['steps', L_MG, '--text', '--format', 'text']).text, run(['steps', L_MG, '--text']).text)


@test
def format_errors():
    for args, message in [
            (['--text', '--format', 'html'], "--format must be text, md or tex, not 'html'"),
            (['-o', 'x.html', '--format', 'md'],
             '--format is for the captions of --text (a page and captions.txt are plain text)')]:
        d = tempdir()
        r = run(['steps', L_MG] + args, cwd=d)
        expect((r.status, r.err, r.out), (2, usage('steps', message), b''), f'{args}')
        expect(os.listdir(d), [])


clitest.main()
