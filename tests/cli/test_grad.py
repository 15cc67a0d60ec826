"""CLI tests of `micrograd grad` and `micrograd check`: output, JSON, exit codes."""
import json

import clitest
from clitest import expect, expect_true, run, test

L_SRC = b'a = 2.0\nb = -3.0\nc = 10\ne = a*b\nd = e + c\nf = -2.0\nL = d * f\n'
NEURON_SRC = (b'x1 = 2.0\nx2 = 0.0\nw1 = -3.0\nw2 = 1.0\nb = 6.8813735870195432\n'
              b'x1w1 = x1*w1\nx2w2 = x2*w2\nx1w1x2w2 = x1w1 + x2w2\nn = x1w1x2w2 + b\no = tanh(n)\n')


@test
def grad_json_video_example():
    r = run(['grad', '--json', '-'], stdin=L_SRC)
    expect(r.status, 0, 'exit')
    expect(r.out, b'{"root": "L", "values": [{"name": "a", "data": 2.0, "grad": 6.0}, '
           b'{"name": "b", "data": -3.0, "grad": -4.0}, {"name": "c", "data": 10.0, "grad": -2.0}, '
           b'{"name": "e", "data": -6.0, "grad": -2.0}, {"name": "d", "data": 4.0, "grad": -2.0}, '
           b'{"name": "f", "data": -2.0, "grad": 4.0}, {"name": "L", "data": -8.0, "grad": 1.0}]}\n')
    expect(r.err, '')


@test
def grad_json_neuron_reads_back_exactly():
    r = run(['grad', '-', '--json'], stdin=NEURON_SRC)
    expect(r.status, 0, 'exit')
    doc = json.loads(r.out)
    got = {v['name']: (v['data'], v['grad']) for v in doc['values']}
    expect(doc['root'], 'o')
    expect([v['name'] for v in doc['values']],
           ['x1', 'x2', 'w1', 'w2', 'b', 'x1w1', 'x2w2', 'x1w1x2w2', 'n', 'o'])
    expect_true(abs(got['o'][0] - 0.7071067811865476) < 1e-15, got['o'])
    expect_true(abs(got['x1'][1] + 1.5) < 1e-14, got['x1'])
    expect_true(abs(got['w1'][1] - 1.0) < 1e-14, got['w1'])
    expect(got['w2'][1], 0.0)


@test
def grad_text_table():
    r = run(['grad', '-'], stdin=b'a = 2; b = a**2 / 8\n')
    expect(r.status, 0, 'exit')
    expect(r.text, 'name  data                      grad\n'
                   'a     2.0                       0.5\n'
                   'b     0.5                       1.0\n')


@test
def grad_root_option():
    r = run(['grad', '--json', '--root', 'e', '-'], stdin=L_SRC)
    expect(r.status, 0)
    doc = json.loads(r.out)
    expect(doc['root'], 'e')
    grads = {v['name']: v['grad'] for v in doc['values']}
    expect(grads, {'a': -3.0, 'b': 2.0, 'c': 0.0, 'e': 1.0, 'd': 0.0, 'f': 0.0, 'L': 0.0})


@test
def grad_root_naming_nothing():
    r = run(['grad', '--root', 'zz', '-'], stdin=L_SRC)
    expect(r.status, 2)
    expect(r.err, "micrograd: error: --root 'zz': <stdin> defines no such name\n")
    expect(r.out, b'')


@test
def non_finite_values_in_json():
    r = run(['grad', '--json', '-'], stdin=b'z = 0\nm = -1\nq = z / z\nl = log(m)\nbig = exp(1000 + z)\nninf = -big\n')
    expect(r.status, 0)
    expect(r.out, b'{"root": "ninf", "values": [{"name": "z", "data": 0.0, "grad": "-inf"}, '
                  b'{"name": "m", "data": -1.0, "grad": 0.0}, {"name": "q", "data": "nan", "grad": 0.0}, '
                  b'{"name": "l", "data": "nan", "grad": 0.0}, {"name": "big", "data": "inf", "grad": -1.0}, '
                  b'{"name": "ninf", "data": "-inf", "grad": 1.0}]}\n')


@test
def bad_input_is_file_line_col_exit_2():
    r = run(['grad', '-'], stdin=b'a = 1\nb = a +* 2\n')
    expect(r.status, 2, 'exit')
    expect(r.err, "<stdin>:2:8: error: expected an expression, found '*'\n"
                  "    b = a +* 2\n"
                  "           ^\n")
    expect(r.out, b'')


@test
def input_errors_name_the_file():
    d = clitest.tempdir()
    path = d + '/bad.mg'
    with open(path, 'wb') as f:
        f.write(b'a = 1\nb = c\n')
    r = run(['grad', path])
    expect(r.status, 2)
    expect(r.err, f"{path}:2:5: error: 'c' is not defined\n    b = c\n        ^\n")


@test
def check_passes_on_the_neuron():
    r = run(['check', '--json', '-'], stdin=NEURON_SRC)
    expect(r.status, 0, 'exit')
    doc = json.loads(r.out)
    expect(list(doc.keys()), ['h', 'ok', 'leaves'])
    expect(doc['h'], 1e-06)
    expect(doc['ok'], True)
    expect([l['name'] for l in doc['leaves']], ['x1', 'x2', 'w1', 'w2', 'b'])
    for leaf in doc['leaves']:
        expect(list(leaf.keys()), ['name', 'analytic', 'numeric', 'ok'])
        expect_true(leaf['ok'] and abs(leaf['analytic'] - leaf['numeric']) < 1e-6, leaf)


@test
def check_reports_a_kink_as_not_differentiable():
    r = run(['check', '-'], stdin=b'x = 0\ny = relu(x)\n')
    expect(r.status, 0, 'exit: a kink is not a failure')
    expect(r.text, 'kink x: analytic 0.0, numeric 0.5 (not differentiable here)\n'
                   'ok: 1 leaf (1 not differentiable), h = 1e-06\n')
    r = run(['check', '--json', '--scheme', 'forward', '-'], stdin=b'x = 0\ny = relu(x)\n')
    expect(r.status, 0, 'exit')
    expect(r.out, b'{"h": 1e-06, "ok": true, "leaves": [{"name": "x", "analytic": 0.0, '
                  b'"numeric": 1.0, "ok": true, "differentiable": false}]}\n')


@test
def check_fails_with_exit_1():
    # a step of 0.1 on x**3 at 3: the central difference is 27 + h**2, as Python computes it
    r = run(['check', '--h', '0.1', '-'], stdin=b'x = 3\ny = x**3\n')
    expect(r.status, 1, 'exit')
    expect(r.text, 'FAIL x: analytic 27.0, numeric 27.010000000000023\nFAILED: 1 leaf, h = 0.1\n')


@test
def check_text_and_options():
    r = run(['check', '--h', '1e-4', '--tol', '1e-3', '-'], stdin=b'x = 3\ny = x**3\n')
    expect(r.status, 0, r.err)
    lines = r.text.splitlines()
    expect(lines[-1], 'ok: 1 leaf, h = 0.0001')
    expect_true(lines[0].startswith('ok   x: analytic 27.0, numeric 27.0000000'), lines[0])


@test
def check_the_lecture_numbers():
    r = run(['check', clitest.source('examples', 'L.mg'), '--values', 'all', '--scheme', 'forward',
             '--h', '0.001'])
    expect(r.status, 0, r.err)
    expect(r.text, 'ok   a: analytic 6.0, numeric 6.000000000000227\n'
                   'ok   b: analytic -4.0, numeric -3.9999999999995595\n'
                   'ok   c: analytic -2.0, numeric -1.9999999999988916\n'
                   'ok   e: analytic -2.0, numeric -2.000000000000668\n'
                   'ok   d: analytic -2.0, numeric -2.000000000000668\n'
                   'ok   f: analytic 4.0, numeric 3.9999999999995595\n'
                   'ok   L: analytic 1.0, numeric 1.000000000000334\n'
                   'ok: 7 values, h = 0.001\n')
    r = run(['check', '--json', '--values', 'all', '--root', 'e', '-'], stdin=L_SRC)
    expect(r.status, 0, r.err)
    doc = json.loads(r.out)
    expect(list(doc.keys()), ['h', 'ok', 'values'])
    expect([(v['name'], v['analytic']) for v in doc['values']], [('a', -3.0), ('b', 2.0), ('e', 1.0)])


@test
def check_lists_only_what_the_root_depends_on():
    r = run(['check', '--root', 'd', '-'], stdin=L_SRC)
    expect(r.status, 0, r.err)
    expect(r.text, 'ok   a: analytic -3.0, numeric -3.0\nok   b: analytic 2.0, numeric 2.0\n'
                   'ok   c: analytic 1.0, numeric 1.0\nok: 3 leaves, h = 1e-06\n')


@test
def check_aliases_once():
    r = run(['check', '-'], stdin=b'x = 2\nz = x\ny = z * z\n')
    expect(r.status, 0, r.err)
    expect(r.text, 'ok   x: analytic 4.0, numeric 4.0\nok: 1 leaf, h = 1e-06\n')


@test
def check_scales_the_step():
    # an absolute 1e-6 on 1e8 gave numeric 0.998377799987793, FAIL
    r = run(['check', '-'], stdin=b'x = 1e8\ny = x + 1\n')
    expect(r.status, 0, r.err)
    expect(r.text, 'ok   x: analytic 1.0, numeric 1.0\nok: 1 leaf, h = 1e-06\n')
    r = run(['check', '--h', '1e-6', '-'], stdin=b'x = 1e8\ny = x + 1\n')
    expect(r.status, 1, 'an exact step is taken as given')
    # a sum of 5,000 leaves x_i = i: every one failed with an absolute step
    n = 5000
    src = ''.join(f'x{i} = {i}\n' for i in range(1, n + 1)) + 'y = ' + ' + '.join(
        f'x{i}' for i in range(1, n + 1)) + '\n'
    r = run(['check', '--json', '-'], stdin=src.encode())
    expect(r.status, 0, r.err)
    doc = json.loads(r.out)
    expect(len(doc['leaves']), n)
    expect([l['name'] for l in doc['leaves'] if not l['ok'] or l['numeric'] != 1.0], [])


@test
def check_draws_no_progress_bar_when_quick():
    # the bar waits half a second: a quick check leaves the terminal alone
    status, out, tty = clitest.run_tty_stderr(['check', '-'], stdin=L_SRC)
    expect(status, 0, tty)
    expect(tty, b'')
    expect_true(out.endswith(b'ok: 4 leaves, h = 1e-06\n'), out)


@test
def check_option_values():
    see = " (see 'micrograd check --help')\n"
    for args, err in ((['--values', 'some'], "--values must be leaves or all, not 'some'"),
                      (['--scheme', 'backward'], "--scheme must be central or forward, not 'backward'"),
                      (['--tol', '0'], '--tol must be positive')):
        r = run(['check'] + args + ['-'], stdin=L_SRC)
        expect(r.status, 2, f'{args}')
        expect(r.err, 'micrograd: error: check: ' + err + see, f'{args}')
        expect(r.out, b'')


@test
def usage_errors_exit_2():
    cases = [
        (['grad'], "micrograd: error: grad: missing FILE (use - for standard input) (see 'micrograd grad --help')\n"),
        (['grad', 'a.mg', 'b.mg'], "micrograd: error: grad: one FILE only ('b.mg' is extra) (see 'micrograd grad --help')\n"),
        (['grad', '--frob', '-'], "micrograd: error: grad: unknown option '--frob' (see 'micrograd grad --help')\n"),
        (['grad', '-', '--root'], "micrograd: error: grad: option '--root' needs a value (see 'micrograd grad --help')\n"),
        (['grad', '--tol', '1', '-'], "micrograd: error: grad: unknown option '--tol' (see 'micrograd grad --help')\n"),
        (['grad', '--values', 'all', '-'], "micrograd: error: grad: unknown option '--values' (see 'micrograd grad --help')\n"),
        (['check', '--h', 'abc', '-'], "micrograd: error: check: --h wants a finite number, not 'abc' (see 'micrograd check --help')\n"),
        (['check', '--h', '0', '-'], "micrograd: error: check: --h must be positive (see 'micrograd check --help')\n"),
        (['frobnicate'], "micrograd: error: unknown command 'frobnicate' (see 'micrograd --help')\n"),
    ]
    for args, err in cases:
        r = run(args, stdin=L_SRC)
        expect(r.status, 2, f'{args} exit')
        expect(r.err, err, f'{args} stderr')
        expect(r.out, b'', f'{args} stdout')


@test
def missing_file():
    r = run(['grad', '/nonexistent/x.mg'])
    expect(r.status, 2)
    expect(r.err, "micrograd: error: cannot open '/nonexistent/x.mg': No such file or directory\n")


@test
def help_and_version():
    for args in (['--help'], ['grad', '--help'], ['check', '-h']):
        r = run(args)
        expect(r.status, 0, f'{args}')
        expect_true(r.text.startswith('usage: micrograd'), r.text[:80])
        expect(r.err, '')
    r = run(['--version'])
    expect(r.status, 0)
    expect_true(r.text.startswith('micrograd ') and r.text.count('.') >= 2, r.text)
    r = run([])
    expect(r.status, 2)
    expect_true(r.err.startswith('usage: micrograd'), r.err)


clitest.main()
