"""Bad input through the CLI: every case gives its exact exit status and exactly
one line on standard error, and nothing on standard output."""
import json
import math
import os
import subprocess

import clitest
from clitest import PROGRAM, expect, run, source, tempdir, test

NO_STATEMENT = "no statement: write at least one 'name = expression'"


def write(name, data):
    path = os.path.join(tempdir(), name)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def shown_line(src, where):
    """The source line and caret the CLI prints under an error at where
    ('LINE:COL'): nothing for a blank line or one over 200 bytes."""
    line, col = (int(x) for x in where.split(':'))
    lines = src[3:].split(b'\n') if src.startswith(b'\xef\xbb\xbf') else src.split(b'\n')
    text = lines[line - 1].rstrip(b'\r') if line <= len(lines) else b''
    try:
        shown = text.decode('utf-8')
    except UnicodeDecodeError:
        return ''
    if not text.strip(b' \t') or len(text) > 200 or any(c < 0x20 and c != 9 or c == 0x7f for c in text):
        return ''
    pad = ''.join('\t' if c == 0x09 else ' ' for c in text[:col - 1] if c & 0xC0 != 0x80)
    return '    ' + shown + '\n    ' + pad + '^\n'


def fails(args, status, err, stdin=b'', shown='', **kw):
    """Runs args; expects the status, exactly the line err (and the source line
    shown under it), empty stdout."""
    r = run(args, stdin=stdin, **kw)
    expect(r.err, err + '\n' + shown, 'stderr')
    expect(r.status, status, 'exit')
    expect(r.out, b'', 'stdout')
    return r


def input_error(src, where, message):
    """src through `grad -`: exit 2 and '<stdin>:LINE:COL: error: message'."""
    fails(['grad', '-'], 2, f'<stdin>:{where}: error: {message}', stdin=src,
          shown=shown_line(src, where))


def grad_json(src, args=()):
    r = run(['grad', '--json', *args, '-'], stdin=src)
    expect(r.err, '', 'stderr')
    expect(r.status, 0, 'exit')
    return json.loads(r.out)


# ---- malformed files ---------------------------------------------------------

@test
def empty_file():
    path = write('empty.mg', b'')
    fails(['grad', path], 2, f'{path}:1:1: error: {NO_STATEMENT}')


@test
def only_comments_and_blank_lines():
    input_error(b'# a comment\n\n   \t\n# another\n', '5:1', NO_STATEMENT)
    input_error(b';;\n;', '2:2', NO_STATEMENT)


@test
def binary_junk():
    input_error(bytes([0x86, 0x00, 0xff, 0x13, 0x37]) + b'garbage', '1:1', 'unexpected byte 0x86')
    input_error(b'\x7fELF\x02\x01\x01', '1:1', 'unexpected byte 0x7F')


@test
def nul_bytes():
    input_error(b'a = 1\x00\n', '1:6', 'unexpected NUL byte')
    input_error(b'\x00a = 1\n', '1:1', 'unexpected NUL byte')
    input_error(b'a = 1\nb = a +\x00 2\n', '2:8', 'unexpected NUL byte')


@test
def invalid_utf8():
    input_error(b'a = 1\nb\xc3\x28 = 2\n', '2:2', 'unexpected byte 0xC3')
    input_error(b'\xff\xfe = 1\n', '1:1', 'unexpected byte 0xFF')
    # Any bytes are fine inside a comment.
    expect(grad_json(b'# \xff\xfe\xc3\x28\x00\na = 1\n'),
           {'root': 'a', 'values': [{'name': 'a', 'data': 1.0, 'grad': 1.0}]})


@test
def byte_order_mark_is_skipped():
    expect(grad_json(b'\xef\xbb\xbfa = 2\nb = a * a\n')['values'][1], {'name': 'b', 'data': 4.0, 'grad': 1.0})
    input_error(b'\xef\xbb\xbfa = @\n', '1:5', "unexpected '@'")
    # only at the very start
    input_error(b'a = 1\n\xef\xbb\xbfb = 2\n', '2:1', "invalid character '\ufeff' (U+FEFF)")


@test
def one_megabyte_line():
    pad = b' ' * (1 << 20)
    expect(grad_json(b'a = 2\nb = a *' + pad + b'3\n'),
           {'root': 'b', 'values': [{'name': 'a', 'data': 2.0, 'grad': 3.0},
                                    {'name': 'b', 'data': 6.0, 'grad': 1.0}]})
    # The column of an error far along a long line is exact.
    input_error(b'a = 1 +' + pad + b'@\n', f'1:{7 + (1 << 20) + 1}', "unexpected '@'")
    name = b'v' * (1 << 20)
    r = grad_json(name + b' = 4\n')
    expect(r['values'][0]['name'], name.decode(), 'a 1 MB name')


@test
def one_long_name_does_not_pad_every_line():
    # Text output pads names up to 32 bytes; a 1 MB name only widens its line.
    long = 'v' * (1 << 20)
    src = long + ' = 1\n' + ''.join(f'b{i} = {i}\n' for i in range(2000))
    r = run(['grad', '-'], stdin=src.encode())
    expect((r.status, r.err), (0, ''))
    want = '%-5s  %-24s  %s\n' % ('name', 'data', 'grad') + '%-5s  %-24s  %s\n' % (long, '1.0', '0.0')
    want += ''.join('%-5s  %-24s  %s\n' % (f'b{i}', repr(float(i)), '1.0' if i == 1999 else '0.0')
                    for i in range(2000))
    expect(len(r.out), len(want), 'output size')
    expect(r.text, want)


@test
def nesting_200000_parentheses():
    n = 200000
    src = b'a = 2\nb = ' + b'(' * n + b'a * 3' + b')' * n + b'\n'
    expect(grad_json(src), {'root': 'b', 'values': [{'name': 'a', 'data': 2.0, 'grad': 3.0},
                                                    {'name': 'b', 'data': 6.0, 'grad': 1.0}]})
    # as deep through calls, signs and powers
    src = b'a = 0.5\nb = ' + b'relu(-(-(' * n + b'a**1' + b')))' * n + b'\n'
    expect(grad_json(src), {'root': 'b', 'values': [{'name': 'a', 'data': 0.5, 'grad': 1.0},
                                                    {'name': 'b', 'data': 0.5, 'grad': 1.0}]})
    # Unclosed: the innermost '(' is reported.
    input_error(b'a = 1\nb = ' + b'(' * n + b'a\n', f'2:{4 + n}', "this '(' is never closed")
    input_error(b'a = 1\nb = ' + b'(' * n + b'a' + b')' * (n + 1) + b'\n', f'2:{6 + 2 * n}',
                "unmatched ')'")


@test
def expression_of_200000_terms():
    n = 200000
    src = b'a = 1.5\nb = ' + b' + '.join([b'a'] * n) + b'\n'
    expect(grad_json(src), {'root': 'b', 'values': [{'name': 'a', 'data': 1.5, 'grad': float(n)},
                                                    {'name': 'b', 'data': 1.5 * n, 'grad': 1.0}]})
    # alternating precedence levels: a*1 - a*1 + ... is 0, d/da is 0
    src = b'a = 3\nb = ' + b' - '.join([b'a*1'] * n) + b'\n'
    r = grad_json(src)
    expect(r['values'][1]['data'], 3.0 - 3.0 * (n - 1), 'data')
    expect(r['values'][0]['grad'], 1.0 - (n - 1), 'grad')


@test
def names_defined_twice_or_never():
    input_error(b'a = b + 1\n', '1:5', "'b' is not defined")
    input_error(b'a = a\n', '1:5', "'a' is not defined")
    input_error(b'a = 1\nb = c * a\nc = 2\n', '2:5', "'c' is not defined")
    long = b'n' * 100
    input_error(long + b' = 1\n' + long[:-1] + b'm + 1\n', '2:1',
                f"'{'n' * 64}...' is not defined")
    # a name assigned again is a new value, the name rebound (as in Python)
    expect(grad_json(b'a = 1\nb = 2\na = 3\n')['values'],
           [{'name': 'b', 'data': 2.0, 'grad': 0.0}, {'name': 'a', 'data': 3.0, 'grad': 1.0}])
    expect(grad_json(b'a = 1; a = a + 1\n')['values'], [{'name': 'a', 'data': 2.0, 'grad': 1.0}])
    # a known name on its own is an expression statement: nothing to do
    expect(grad_json(b'a = 1\na\n')['values'], [{'name': 'a', 'data': 1.0, 'grad': 1.0}])


@test
def value_exponent():
    # Value ** Value: d/da = b·a^(b-1) = 2·2 = 4, d/db = ln(a)·a^b = ln 2 · 4
    got = grad_json(b'a = 2\nb = a ** a\n')['values']
    expect(got[1], {'name': 'b', 'data': 4.0, 'grad': 1.0})
    expect(got[0], {'name': 'a', 'data': 2.0, 'grad': 4.0 + math.log(2.0) * 4.0})
    # a number base becomes a constant leaf: 2 ** -a = 0.25, d/da = -ln 2 · 0.25
    got = grad_json(b'a = 2\nb = 2 ** -a\n')['values']
    expect(got[1]['data'], 0.25)
    expect(got[0]['grad'], -(math.log(2.0) * 0.25))
    # a constant expression is a constant
    expect(grad_json(b'a = 3\nb = a ** (1 + 1)\n')['values'][1], {'name': 'b', 'data': 9.0, 'grad': 1.0})


@test
def unknown_functions_and_arity():
    input_error(b'a = 1\nb = sin(a)\n', '2:5',
                "unknown function 'sin' (functions: Value tanh exp log relu sigmoid draw_dot)")
    input_error(b'a = 1\nb = a(2)\n', '2:5',
                "unknown function 'a' (functions: Value tanh exp log relu sigmoid draw_dot)")
    input_error(b'a = tanh()\n', '1:10', "'tanh' takes one argument")
    input_error(b'a = 1\nb = exp(a, a)\n', '2:10', "'exp' takes one argument")
    input_error(b'a = 1\nb = log(relu(a), 2)\n', '2:16', "'log' takes one argument")
    input_error(b'a = 1\nb = tanh a\n', '2:5', "'tanh' is a function: write tanh(x)")
    input_error(b'sigmoid = 1\n', '1:1', "'sigmoid' is a function name and cannot be assigned")


@test
def other_syntax_errors():
    input_error(b'a = 1\nb = a +* 2\n', '2:8', "expected an expression, found '*'")
    input_error(b'a = 1 2\n', '1:7', "expected an operator or the end of the statement, found '2'")
    input_error(b'a 1\n', '1:1', "'a' is not defined")
    input_error(b'a = 0; a 1\n', '1:10', "expected an operator or the end of the statement, found '1'")
    input_error(b'= 1\n', '1:1', "cannot assign to an expression: the left of '=' must be a name "
                "(or x.label, x.data, x.grad)")
    input_error(b'a = \n', '1:5', 'expected an expression, found end of line')
    input_error(b'a = 1 +', '1:8', 'expected an expression, found end of file')
    input_error(b'a = 1.2.3\n', '1:5', "invalid number '1.2.3'")
    input_error(b'a = 2x\n', '1:5', "invalid number '2x'")
    input_error(b'a = ' + b'1' * 600 + b'\n', '1:5', 'number too long (over 511 characters)')
    input_error(b'a = ()\n', '1:6', "expected an expression, found ')'")
    input_error(b'a = (1, 2)\n', '1:7', "expected an operator or the end of the statement, found ','")
    input_error(b'a = 1, 2\n', '1:6', "expected an operator or the end of the statement, found ','")
    input_error(b'a = 1\nb = a ^ 2\n', '2:7', "'^' is not a power in Python (it is bitwise xor): write x ** 2")


# ---- the command line --------------------------------------------------------

@test
def root_naming_nothing():
    path = write('r.mg', b'a = 1\nb = a * 2\n')
    fails(['grad', '--root', 'zz', path], 2, f"micrograd: error: --root 'zz': {path} defines no such name")
    fails(['grad', '--root=', path], 2, f"micrograd: error: --root '': {path} defines no such name")
    fails(['check', '--root', 'tanh', '-'], 2,
          "micrograd: error: --root 'tanh': <stdin> defines no such name", stdin=b'a = 1\n')


@test
def missing_file_and_directory():
    d = tempdir()
    missing = os.path.join(d, 'nope.mg')
    fails(['grad', missing], 2, f"micrograd: error: cannot open '{missing}': No such file or directory")
    fails(['check', missing], 2, f"micrograd: error: cannot open '{missing}': No such file or directory")
    fails(['grad', d], 2, f"micrograd: error: cannot read '{d}': Is a directory")


@test
def unknown_options_and_missing_values():
    path = write('a.mg', b'a = 1\n')
    see = " (see 'micrograd grad --help')"
    fails(['grad', '--bogus', path], 2, "micrograd: error: grad: unknown option '--bogus'" + see)
    fails(['grad', '-x', path], 2, "micrograd: error: grad: unknown option '-x'" + see)
    fails(['grad', '-xh', path], 2, "micrograd: error: grad: unknown option '-x'" + see)
    fails(['grad', '--json', '-qh', path], 2, "micrograd: error: grad: unknown option '-q'" + see)
    fails(['grad', '--tol=1', path], 2, "micrograd: error: grad: unknown option '--tol=1'" + see)
    fails(['grad', '--json=yes', path], 2, "micrograd: error: grad: option '--json' takes no value" + see)
    fails(['grad', path, '--root'], 2, "micrograd: error: grad: option '--root' needs a value" + see)
    fails(['grad', path, path], 2, f"micrograd: error: grad: one FILE only ('{path}' is extra)" + see)
    fails(['grad'], 2, 'micrograd: error: grad: missing FILE (use - for standard input)' + see)
    see = " (see 'micrograd check --help')"
    fails(['check', path, '--h'], 2, "micrograd: error: check: option '--h' needs a value" + see)
    fails(['check', '--h', 'abc', path], 2,
          "micrograd: error: check: --h wants a finite number, not 'abc'" + see)
    fails(['check', '--h', 'inf', path], 2,
          "micrograd: error: check: --h wants a finite number, not 'inf'" + see)
    fails(['check', '--tol', '-1', path], 2, 'micrograd: error: check: --tol must be positive' + see)
    fails(['frobnicate'], 2, "micrograd: error: unknown command 'frobnicate' (see 'micrograd --help')")


@test
def one_option_error_path_for_every_command():
    # the same mistake gets the same message from every command
    path = write('a.mg', b'a = 1\n')
    cases = [
        (['grad', '--json=1', path], 'grad', '--json'),
        (['check', '--json=1', path], 'check', '--json'),
        (['draw', '--forward-only=1', path], 'draw', '--forward-only'),
        (['draw', '--forward=1', path], 'draw', '--forward'),   # an abbreviation, as typed
        (['draw', path, '--help=yes'], 'draw', '--help'),
        (['train', '--json=1'], 'train', '--json'),
        (['bench', '--json=1'], 'bench', '--json'),
        (['steps', path, '--text=1'], 'steps', '--text'),
    ]
    for args, command, option in cases:
        fails(args, 2, f"micrograd: error: {command}: option '{option}' takes no value "
                       f"(see 'micrograd {command} --help')")
    for command in ('grad', 'check', 'draw', 'train', 'bench', 'steps'):
        fails([command, '--bogus'], 2, f"micrograd: error: {command}: unknown option '--bogus' "
                                        f"(see 'micrograd {command} --help')")
        fails([command, '-q'], 2, f"micrograd: error: {command}: unknown option '-q' "
                                   f"(see 'micrograd {command} --help')")


@test
def standard_input_closed():
    fails(['grad', '-'], 1, "micrograd: error: cannot read '<stdin>': standard input is closed",
          stdin_closed=True)
    # A named file needs no standard input.
    path = write('a.mg', b'a = 1\n')
    r = run(['grad', '--json', path], stdin_closed=True)
    expect((r.status, r.err), (0, ''))
    expect(json.loads(r.out)['values'], [{'name': 'a', 'data': 1.0, 'grad': 1.0}])


def run_to_dev_full(args, stdin=b''):
    with open('/dev/full', 'wb') as full:
        p = subprocess.run([PROGRAM] + args, input=stdin, stdout=full, stderr=subprocess.PIPE,
                           timeout=60)
    return p.returncode, p.stderr.decode('utf-8', 'replace')


@test
def standard_output_full():
    path = write('a.mg', b'a = 2\nb = a * a\n')
    # Small outputs fail at the final flush, big ones on the way: both say so once.
    big = write('big.mg', b'a = 1\n' + b''.join(b'v%d = a * %d\n' % (i, i) for i in range(5000)))
    err = 'micrograd: error: cannot write to standard output: No space left on device\n'
    for args in (['grad', path], ['grad', '--json', path], ['check', path], ['check', '--json', path],
                 ['grad', big], ['grad', '--json', big], ['check', big],
                 ['--help'], ['--version'], ['grad', '--help']):
        expect(run_to_dev_full(args), (1, err), ' '.join(args))


@test
def non_finite_values_are_shown():
    src = (b'x = -1\na = log(x)\nb = x/0\nz = 0\nc = z/z\nd = exp(1000)\ne = -exp(1000)\n'
           b'f = 1e400\ng = -f\nh = a + d\n')
    r = run(['grad', '--json', '--root', 'd', '-'], stdin=src)
    # the first NaN or infinite value gets a warning; --strict makes it an error
    warning = "<stdin>:2:1: warning: 'a' is nan\n    a = log(x)\n    ^\n"
    expect((r.status, r.err), (0, warning))
    expect(r.out, b'{"root": "d", "values": ['
           b'{"name": "x", "data": -1.0, "grad": 0.0}, {"name": "a", "data": "nan", "grad": 0.0}, '
           b'{"name": "b", "data": "-inf", "grad": 0.0}, {"name": "z", "data": 0.0, "grad": 0.0}, '
           b'{"name": "c", "data": "nan", "grad": 0.0}, {"name": "d", "data": "inf", "grad": 1.0}, '
           b'{"name": "e", "data": "-inf", "grad": 0.0}, {"name": "f", "data": "inf", "grad": 0.0}, '
           b'{"name": "g", "data": "-inf", "grad": 0.0}, {"name": "h", "data": "nan", "grad": 0.0}]}\n')
    # grads go non-finite too: d exp(x)/dx at 1000 is inf, 0/0 gives nan grads
    strict = run(['grad', '--json', '--strict', '-'], stdin=src)
    expect((strict.status, strict.out), (2, b''))
    expect(strict.err, warning.replace('warning', 'error'))
    # Python's own errors where it folds numbers: micrograd never sees these
    input_error(b'b = 0/0\n', '1:6', 'division by zero (Python raises ZeroDivisionError)')
    r = run(['grad', '-'], stdin=b'x = 1000\ny = exp(x)\nz = 0\nw = z / z * x\n')
    expect((r.status, r.err), (0, "<stdin>:2:1: warning: 'y' is inf\n    y = exp(x)\n    ^\n"))
    expect(r.text, 'name  data                      grad\n'
                   'x     1000.0                    nan\n'
                   'y     inf                       0.0\n'
                   'z     0.0                       nan\n'
                   'w     nan                       1.0\n')


clitest.main()
