#!/usr/bin/env python3
"""Differential test of the expression language: random valid .mg programs run
through `micrograd grad --json` and through an independent reference here,
where Python's own parser reads the same expression text (so its precedence is
the reference) over a tiny autograd with the engine's op set and formulas.

    differential.py PROGRAM [--seed N] [--count N] [--as-micrograd] [--keep DIR] [-v]

Numbers in the text become N(...) plain constants, folded with Python's own
arithmetic (where Python raises, 1/0 or 0**-1, the program must fail with an
error); a value gets its grads by one reverse sweep in creation order over
what the root reaches. Programs assign names again (`x = ...` twice, `x += ...`)
and raise values to values (Value ** Value). data and grad of each name's
latest value must agree within 1e-9 relative (NaN with NaN, inf with inf of
the same sign); the first NaN or infinite name gets the one warning. Exit 1 on
any mismatch, with the program shown (and saved under --keep). A double
printed must read as Python's repr() of it. With --as-micrograd the reference
is micrograd's own Value (no '-' or '/': a + b * -1, a * b**-1; a number on the
left goes after the value; the lecture's tanh) and every data must be the same
double. Stdlib only.
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys

INF, NAN = math.inf, math.nan
TOLERANCE = 1e-9

# ---- IEEE arithmetic where Python raises -----------------------------------


def is_odd_integer(k):
    return math.isfinite(k) and k == math.floor(k) and math.fmod(k, 2.0) != 0.0


def fdiv(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        if math.isnan(a) or a == 0.0:
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def fpow(a, k):
    try:
        return math.pow(a, k)
    except OverflowError:
        return -INF if a < 0 and is_odd_integer(k) else INF
    except ValueError:
        if a == 0.0:  # 0 ** negative
            return math.copysign(INF, a) if is_odd_integer(k) else INF
        return NAN  # negative ** non-integer


def fexp(a):
    try:
        return math.exp(a)
    except OverflowError:
        return INF


def flog(a):
    try:
        return math.log(a)
    except ValueError:
        return -INF if a == 0.0 else NAN


# ---- the reference autograd -------------------------------------------------


class Value:
    """A value with micrograd's fields; `order` is its creation order."""
    count = 0
    micrograd = False  # build as micrograd's engine.py does

    def __init__(self, data, op='', operands=(), k=None):
        self.data, self.grad, self.op, self.operands, self.k = float(data), 0.0, op, operands, k
        self.label = None
        self.order = Value.count
        Value.count += 1

    # binary ops: a Value with a Value or a plain constant on either side
    def _binary(self, other, op, swap=False):
        if Value.micrograd:
            return self._micrograd(other, op, swap)
        other = other.value() if isinstance(other, N) else other
        a, b = (other, self) if swap else (self, other)
        f = {'+': lambda x, y: x + y, '-': lambda x, y: x - y, '*': lambda x, y: x * y,
             '/': fdiv}[op]
        return Value(f(a.data, b.data), op, (a, b))

    def __add__(self, o): return self._binary(o, '+')
    def __radd__(self, o): return self._binary(o, '+', True)
    def __sub__(self, o): return self._binary(o, '-')
    def __rsub__(self, o): return self._binary(o, '-', True)
    def __mul__(self, o): return self._binary(o, '*')
    def __rmul__(self, o): return self._binary(o, '*', True)
    def __truediv__(self, o): return self._binary(o, '/')
    def __rtruediv__(self, o): return self._binary(o, '/', True)
    def _micrograd(self, other, op, swap):
        """micrograd's __add__ ... __rtruediv__, literally."""
        if op == '-':
            if swap:  # __rsub__: other + (-self)
                return (-self)._micrograd(other, '+', True)
            return self._micrograd(-other, '+', False)
        if op == '/':
            if swap:  # __rtruediv__: other * self**-1
                return (self ** N(-1.0))._micrograd(other, '*', True)
            return self._micrograd(other ** N(-1.0), '*', False)
        other = other.value() if isinstance(other, N) else other
        f = {'+': lambda x, y: x + y, '*': lambda x, y: x * y}[op]
        return Value(f(self.data, other.data), op, (self, other))  # __radd__ is self + other

    def __neg__(self):
        if Value.micrograd:
            return self._micrograd(N(-1.0), '*', False)
        return Value(-self.data, 'neg', (self,))
    def __pos__(self): return self

    def __pow__(self, k):
        if isinstance(k, Value) and Value.micrograd:
            raise TypeError("micrograd's ** takes a number")
        if isinstance(k, Value):  # Value ** Value
            return Value(fpow(self.data, k.data), '**v', (self, k))
        return Value(fpow(self.data, k.x), '**', (self,), k.x)

    def __rpow__(self, base):
        return base.value() ** self

    def backward_one(self):
        g, op = self.grad, self.op
        if op == '':
            return
        a = self.operands[0]
        if op == '+':
            a.grad += g
            self.operands[1].grad += g
        elif op == '-':
            a.grad += g
            self.operands[1].grad += -g
        elif op == '*':
            b = self.operands[1]
            a.grad += b.data * g
            b.grad += a.data * g
        elif op == '/':
            b = self.operands[1]
            a.grad += fdiv(g, b.data)
            b.grad += -fdiv(self.data, b.data) * g
        elif op == 'neg':
            a.grad += -g
        elif op == '**':
            a.grad += (self.k * fpow(a.data, self.k - 1.0)) * g
        elif op == '**v':
            b = self.operands[1]
            a.grad += (b.data * fpow(a.data, b.data - 1.0)) * g
            if a.data > 0:
                db = self.data * math.log(a.data)
            else:
                db = 0.0 if a.data == 0 and b.data >= 0 else NAN
            b.grad += db * g
        elif op == 'exp':
            a.grad += self.data * g
        elif op == 'log':
            a.grad += fdiv(g, a.data)
        elif op == 'tanh':
            a.grad += (1.0 - self.data * self.data) * g
        elif op == 'relu':
            a.grad += (1.0 if self.data > 0 else 0.0) * g
        elif op == 'sigmoid':
            a.grad += self.data * (1.0 - self.data) * g
        else:
            raise AssertionError(op)

    def backward(self):
        reached, stack = {id(self): self}, [self]
        while stack:
            for o in stack.pop().operands:
                if id(o) not in reached:
                    reached[id(o)] = o
                    stack.append(o)
        self.grad = 1.0
        for v in sorted(reached.values(), key=lambda v: -v.order):
            v.backward_one()


class FoldError(Exception):
    """Python raises folding two plain numbers: the program must fail."""


def python_fold(f, a, b):
    try:
        r = f(a, b)
    except (ZeroDivisionError, OverflowError) as e:
        raise FoldError(str(e))
    if isinstance(r, complex):  # (-8) ** (1/3)
        raise FoldError('complex')
    return r


class N:
    """A plain number in the text: arithmetic on two of them folds, as Python does."""

    def __init__(self, text):
        self.x = float(text) if isinstance(text, str) else text

    def value(self):
        return Value(self.x)

    def _fold(self, other, f, swap=False):
        if isinstance(other, N):
            return N(python_fold(f, other.x, self.x) if swap else python_fold(f, self.x, other.x))
        return NotImplemented

    def __add__(self, o): return self._fold(o, lambda a, b: a + b)
    def __sub__(self, o): return self._fold(o, lambda a, b: a - b)
    def __mul__(self, o): return self._fold(o, lambda a, b: a * b)
    def __truediv__(self, o): return self._fold(o, lambda a, b: a / b)

    def __pow__(self, o):
        if isinstance(o, Value):
            return self.value() ** o
        return self._fold(o, lambda a, b: a ** b)

    def __neg__(self): return N(-self.x)
    def __pos__(self): return self


def function(f, op):
    def apply(x):
        v = x.value() if isinstance(x, N) else x
        return Value(f(v.data), op, (v,))
    return apply


def lecture_tanh(x):
    """The lecture's Value.tanh: (e^2x - 1) / (e^2x + 1), tanh where e^2x overflows."""
    if not Value.micrograd:
        return math.tanh(x)
    e = fexp(2 * x)
    return (e - 1) / (e + 1) if math.isfinite(e) else math.tanh(x)


FUNCTIONS = {
    'tanh': function(lecture_tanh, 'tanh'),
    'exp': function(fexp, 'exp'),
    'log': function(flog, 'log'),
    'relu': function(lambda x: 0.0 if x < 0 else x, 'relu'),
    'sigmoid': function(lambda x: fdiv(1.0, 1.0 + fexp(-x)), 'sigmoid'),
}

NUMBER = re.compile(r'(?<![A-Za-z0-9_.])(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)')


def reference(statements, root):
    """Evaluates [(name, operator, expression text)] (operator '=' or '+=' ...);
    returns the JSON grad would print (each name once, its latest value, in the
    order of the latest bindings) and the first NaN or infinite binding, or
    raises FoldError."""
    Value.count = 0
    env, order, first_bad = dict(FUNCTIONS, N=N), [], None
    for name, op, expr in statements:
        text = NUMBER.sub(r'N("\1")', expr)
        if op != '=':
            text = f'{name} {op[:-1]} ({text})'
        r = eval(text, {'__builtins__': {}}, env)
        if isinstance(r, N):
            r = r.value()
        env[name] = r
        if name in order:
            order.remove(name)
        order.append(name)
        if first_bad is None and not math.isfinite(r.data):
            first_bad = (name, r.data)
    env[root].backward()
    return ({'root': root,
             'values': [{'name': n, 'data': env[n].data, 'grad': env[n].grad} for n in order]},
            first_bad)


# ---- random programs --------------------------------------------------------


def number(rng):
    m = rng.choice([0, 1, 2, 3, 0.5, 0.25, 1.5, 2.5, 10, 0.1, 0.001, 7, 100, 1e-3, 6.8813735870195432,
                    rng.uniform(0, 4), rng.uniform(0, 50)])
    form = rng.randrange(6)
    if form == 0 and m == int(m):
        return str(int(m))
    if form == 1:
        return '%.3e' % m if rng.random() < 0.5 else '%.2E' % m
    if form == 2 and 0 < m < 1:
        return repr(m)[1:] if repr(m).startswith('0.') else repr(m)
    if form == 3 and m == int(m):
        return '%d.' % m
    return repr(float(m))


def exponent(rng, names):
    if rng.random() < 0.2:  # Value ** Value
        return rng.choice(names)
    return rng.choice(['2', '3', '0.5', '-1', '1.5', '0', '1', '-2', '2.0', '(1+1)', '(3/2)',
                       '-0.5', '(-1)', '4', '1e0'])


def space(rng):
    return rng.choice(['', ' ', ' ', '  ', '\t'])


def expression(rng, names, depth):
    """Random expression text; parentheses only sometimes, so precedence matters."""
    if depth <= 0 or rng.random() < 0.25:
        return rng.choice(names) if rng.random() < 0.75 else number(rng)
    kind = rng.random()
    sub = lambda: expression(rng, names, depth - 1)
    if kind < 0.5:
        text = sub() + space(rng) + rng.choice('+-*/') + space(rng) + sub()
    elif kind < 0.62:
        text = sub() + space(rng) + '**' + space(rng) + exponent(rng, names)
    elif kind < 0.75:
        text = rng.choice(['-', '-', '+']) + space(rng) + sub()
    else:
        text = rng.choice(list(FUNCTIONS)) + '(' + space(rng) + sub() + space(rng) + ')'
    return '(' + space(rng) + text + space(rng) + ')' if rng.random() < 0.4 else text


def program(rng):
    """Returns (source text, [(name, operator, expression)])."""
    statements, names = [], []
    for i in range(rng.randint(1, 4)):
        name = rng.choice(['a', 'b', 'x', 'w', 'x_', 'in']) + str(i)
        lit = number(rng)
        statements.append((name, '=', '-' + lit if rng.random() < 0.3 else lit))
        names.append(name)
    for i in range(rng.randint(1, 6)):
        op = '='
        name = rng.choice(['y', 'h', 'out', 'L', 'n_', 'Z']) + str(i)
        if rng.random() < 0.25:  # a name assigned again: a new value, the name rebound
            name = rng.choice(names)
            op = rng.choice(['=', '+=', '-=', '*=', '/=', '**='])
        expr = rng.choice(names) if rng.random() < 0.05 else expression(rng, names, rng.randint(1, 5))
        statements.append((name, op, expr))
        if name not in names:
            names.append(name)
    text = ''
    for name, op, expr in statements:
        if rng.random() < 0.1:
            text += '# ' + name + ' comes next\n'
        text += name + space(rng) + op + space(rng) + expr
        text += rng.choice(['\n', '\n', '\n', '; ', ';', '  # note\n', '\r\n', '\n\n'])
    return text, statements


# ---- comparison -------------------------------------------------------------


class Raw(str):
    """A JSON number kept as its text (json.loads(parse_float=Raw, parse_int=Raw))."""


def number_from_json(x):
    return float(x) if isinstance(x, Raw) else {'nan': NAN, 'inf': INF, '-inf': -INF}[x]


def agree(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return a == b or abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def compare(got, want):
    """The first difference as a sentence, or None."""
    if got['root'] != want['root']:
        return f"root {got['root']!r}, want {want['root']!r}"
    gv, wv = got['values'], want['values']
    if [v['name'] for v in gv] != [v['name'] for v in wv]:
        return f"names {[v['name'] for v in gv]}, want {[v['name'] for v in wv]}"
    for g, w in zip(gv, wv):
        for field in ('data', 'grad'):
            a = number_from_json(g[field])
            exact = Value.micrograd and field == 'data'  # micrograd's graph: its very doubles
            if not agree(a, w[field]) or (exact and not (a == w[field] or a != a and w[field] != w[field])):
                return f"{g['name']}.{field} = {a!r}, want {w[field]!r}"
            # the same double must be printed as Python's repr prints it
            if isinstance(g[field], Raw) and a == w[field] and g[field] != repr(a):
                return f"{g['name']}.{field} printed {g[field]!s}, Python prints {a!r}"
    return None


def warning_agrees(err, first_bad):
    """stderr is empty, or the one warning naming the first NaN or infinite name."""
    if first_bad is None:
        return err == ''
    name, x = first_bad
    shown = 'nan' if math.isnan(x) else 'inf' if x > 0 else '-inf'
    return re.fullmatch(r"<stdin>:\d+:\d+: warning: '" + re.escape(name) + "' is " + shown +
                        r'\n(    .*\n    [ \t]*\^\n)?', err) is not None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('program')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=300)
    ap.add_argument('--keep', help='save mismatching programs in this folder')
    ap.add_argument('--as-micrograd', action='store_true')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    rng = random.Random(args.seed)
    Value.micrograd = args.as_micrograd
    failures = 0
    folded = 0
    for i in range(args.count):
        text, statements = program(rng)
        names = [n for n, _, _ in statements]
        root = rng.choice(names) if rng.random() < 0.2 else names[-1]
        cmd = [args.program, 'grad', '--json', '-'] + (['--root', root] if root != names[-1] else [])
        if args.as_micrograd:
            cmd.append('--as-micrograd')
        p = subprocess.run(cmd, input=text.encode(), capture_output=True, timeout=60)
        err = p.stderr.decode(errors='replace')
        try:
            want, first_bad = reference(statements, root)
        except (FoldError, TypeError):
            want = first_bad = None
        problem = None
        if want is None:
            folded += 1
            refused = r"<stdin>:\d+:\d+: error: .*(Python raises|complex number in Python|" \
                      r"micrograd's '\*\*').*\n(.*\n.*\n)?"
            if p.returncode != 2 or not re.fullmatch(refused, err):
                problem = f'Python raises folding, got exit {p.returncode}: {err.strip()}'
        elif p.returncode != 0:
            problem = f'exit {p.returncode}: {err.strip()}'
        elif not warning_agrees(err, first_bad):
            problem = f'stderr {err!r}, first non-finite value {first_bad}'
        else:
            got = json.loads(p.stdout, parse_float=Raw, parse_int=Raw)
            problem = compare(got, want)
        if args.verbose:
            print(f'--- program {i}: {problem or "ok"}\n{text}')
        if problem:
            failures += 1
            print(f'MISMATCH in program {i} (seed {args.seed}, root {root}): {problem}\n{text}')
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                with open(os.path.join(args.keep, f'seed{args.seed}-{i}.mg'), 'w') as f:
                    f.write(text)
    print(f'{args.count - failures} of {args.count} programs agree (seed {args.seed}; '
          f'{folded} refused, as Python or micrograd refuses them)')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
