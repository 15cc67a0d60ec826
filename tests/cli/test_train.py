"""CLI tests of `micrograd train`: presets, the exact replay of micrograd's moons
run, JSON shape, progress lines, CSV and --init errors, usage errors, plots."""
import json
import os
import re
import struct

import clitest
from clitest import expect, expect_true, run, source, tempdir, test

MOONS = source('tests', 'data', 'moons100.csv')
INIT = source('tests', 'data', 'moons_init.csv')
REPLAY = source('tests', 'data', 'moons_replay_loss.txt')


def train_json(*args):
    r = run(['train', '--json'] + list(args))
    expect(r.status, 0, f'exit ({r.err})')
    expect(r.text.count('\n'), 1, 'one line on stdout')
    return json.loads(r.text)


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)
    return path


@test
def tiny_default_reaches_1e_3():
    j = train_json()
    expect(list(j), ['data', 'sizes', 'steps', 'final_loss', 'accuracy', 'loss_history'], 'keys')
    expect(j['data'], 'tiny')
    expect(j['sizes'], [3, 4, 4, 1])
    expect(j['steps'], 200)
    expect(len(j['loss_history']), 200)
    expect(j['final_loss'], j['loss_history'][-1], 'final_loss is the last entry')
    expect_true(j['final_loss'] < 1e-3, f"final loss {j['final_loss']}")
    expect_true(j['loss_history'][0] > 1.0, 'the loss starts high')
    expect(j['accuracy'], 1.0)


@test
def same_seed_same_run_other_seed_other_run():
    a, b = train_json('--seed', '5', '--steps', '3'), train_json('--seed', '5', '--steps', '3')
    c = train_json('--seed', '6', '--steps', '3')
    expect(a, b, 'same seed')
    expect_true(a['loss_history'][0] != c['loss_history'][0], 'another seed, other weights')


@test
def moons_default_accuracy_at_least_97():
    j = train_json('--data', 'moons')
    expect(j['data'], 'moons')
    expect(j['sizes'], [2, 16, 16, 1])
    expect(j['steps'], 100)
    expect_true(j['accuracy'] >= 0.97, f"accuracy {j['accuracy']}")


@test
def replay_of_micrograd_moons_agrees_every_step():
    j = train_json('--data', 'moons', '--points', MOONS, '--init', INIT)
    want = [float(line) for line in open(REPLAY) if not line.startswith('#')]
    expect(len(want), 100)
    expect(len(j['loss_history']), 100)
    expect_true(abs(j['loss_history'][0] - 0.8958441028683222) <= 1e-9, 'step 0')
    expect_true(abs(j['final_loss'] - 0.010978370135492717) <= 1e-9, 'after 100 steps')
    expect(j['accuracy'], 1.0)
    for k, (got, ref) in enumerate(zip(j['loss_history'], want)):
        expect_true(abs(got - ref) <= 1e-9, f'step {k}: {got!r} vs micrograd {ref!r}')


@test
def summary_line_and_plain_progress():
    r = run(['train', '--steps', '25'])
    expect(r.status, 0, 'exit')
    lines = r.text.splitlines()
    expect(len(lines), 1, 'one summary line')
    j = train_json('--steps', '25')
    expect(lines[0], 'tiny: MLP(3, [4, 4, 1]), mse loss, 25 steps: final loss %r, accuracy %.1f%%'
           % (j['final_loss'], j['accuracy'] * 100), 'summary')
    # micrograd's line every tenth of the run (k % 2 == 0 for 25 steps) and at the last step
    want = ['step %d loss %r, accuracy %.1f%%' % (k, j['loss_history'][k], 100.0 if k else 50.0)
            for k in range(0, 25, 2)]
    got = r.err.splitlines()
    expect_true(re.fullmatch(r'25 steps in [0-9]+\.[0-9]{3} s: [0-9.e+-]+ ms a step', got[-1]),
                got[-1])
    got = got[:-1]
    expect([g.split(', accuracy')[0] for g in got], [w.split(', accuracy')[0] for w in want])
    expect(got[0], want[0], 'first line')
    r = run(['train', '--steps', '12'])
    expect([g.split(' loss ')[0] for g in r.err.splitlines()[:-1]],
           ['step %d' % k for k in range(0, 12)], 'every step when fewer than 20')
    r = run(['train', '--steps', '31'])
    expect([g.split(' loss ')[0] for g in r.err.splitlines()[:-1]],
           ['step %d' % k for k in (0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30)], 'and the last')
    r = run(['train', '--steps', '32'])
    expect([g.split(' loss ')[0] for g in r.err.splitlines()[:-1]],
           ['step %d' % k for k in (0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 31)], 'and the last')


@test
def csv_data_trains_with_svm_or_mse():
    d = tempdir()
    labels = write(os.path.join(d, 'l.csv'),
                   '# two clusters\na,b,label\n' + ''.join(
                       f'{x},{x * 0.5},{1 if x > 0 else -1}\n' for x in (-2, -1.5, -1, 1, 1.5, 2)))
    j = train_json('--data', labels, '--sizes', '2,4,1', '--steps', '30')
    expect(j['data'], labels)
    expect(j['sizes'], [2, 4, 1])
    expect(j['accuracy'], 1.0)
    reg = write(os.path.join(d, 'r.csv'), '0,0.5\n1,0.25\n2,0\n')
    r = run(['train', '--data', reg, '--steps', '5'])
    expect(r.status, 0, 'exit')
    expect_true(r.text.startswith(f'{reg}: MLP(1, [16, 16, 1]), mse loss, 5 steps'), r.text)


@test
def csv_errors_are_file_line_col_exit_2():
    d = tempdir()
    bad = write(os.path.join(d, 'bad.csv'), 'x0,x1,y\n1,2,1\n3,abc,-1\n')
    for args in (['--data', bad], ['--data', 'moons', '--points', bad]):
        r = run(['train'] + args)
        expect(r.status, 2, 'exit')
        expect(r.err, f"{bad}:3:3: error: expected a number, found 'abc'\n")
        expect(r.out, b'')
    short = write(os.path.join(d, 'short.csv'), '1,2,1\n3,-1\n')
    r = run(['train', '--data', short])
    expect(r.status, 2, 'exit')
    expect(r.err, f'{short}:2:5: error: expected 3 fields, found 2\n')
    three = write(os.path.join(d, 'three.csv'), '1,2,3,1\n')
    r = run(['train', '--data', 'moons', '--points', three])
    expect(r.status, 2, 'exit')
    expect(r.err, f"micrograd: error: {three}: rows have 3 inputs, but the 'moons' network takes 2\n")
    half = write(os.path.join(d, 'half.csv'), '# targets\n1,2,1\n3,4,0.5\n')
    r = run(['train', '--data', half, '--loss', 'svm'])
    expect(r.status, 2, 'exit')
    expect(r.err, f'{half}:3:5: error: the svm loss wants targets -1 or 1, not 0.5\n')  # the target
    r = run(['train', '--data', os.path.join(d, 'missing.csv')])
    expect(r.status, 2, 'exit')
    expect_true(r.err.startswith(f"micrograd: error: cannot open '{d}/missing.csv': "), r.err)


@test
def init_must_match_the_network():
    d = tempdir()
    lines = [line for line in open(INIT) if not line.startswith('#')]
    short = write(os.path.join(d, 'short.txt'), ''.join(lines[:-1]))
    r = run(['train', '--data', 'moons', '--points', MOONS, '--init', short])
    expect(r.status, 2, 'exit')
    expect(r.err, f'micrograd: error: {short}: 336 parameters, but MLP(2, [16, 16, 1]) has 337\n')
    expect(r.out, b'')
    pairs = write(os.path.join(d, 'pairs.txt'), '# weights\n0.5, 0.25\n')
    r = run(['train', '--init', pairs])
    expect(r.status, 2, 'exit')
    expect(r.err, f'{pairs}:2:6: error: expected one number per line, found 2 fields\n')
    word = write(os.path.join(d, 'word.txt'), '0.5\nzero\n')
    r = run(['train', '--init', word])
    expect(r.status, 2, 'exit')
    expect(r.err, f"{word}:2:1: error: expected a number, found 'zero'\n")
    # 41 zeros fit MLP(3, [4, 4, 1]): a network of zeros predicts 0 everywhere
    zeros = write(os.path.join(d, 'zeros.txt'), '0\n' * 41)
    j = train_json('--init', zeros, '--steps', '1')
    expect(j['loss_history'], [4.0])


@test
def usage_errors_exit_2():
    cases = [
        (['--sizes', '3,x'], "micrograd: error: train: --sizes wants the inputs then each "
         "layer's width (3,4,4,1): 2 to 65 whole numbers from 1 to 100000, not '3,x' "
         "(see 'micrograd train --help')\n"),
        (['--data', 'moons', '--sizes', '3,4,1'], "micrograd: error: train: --sizes starts with 3 "
         "inputs, but the data have 2 (see 'micrograd train --help')\n"),
        (['--sizes', '3,4,2'], "micrograd: error: train: --sizes must end with 1 (one output: the "
         "score) (see 'micrograd train --help')\n"),
        (['--sizes', '3,4000,4000,1'], "micrograd: error: train: --sizes has 16024001 parameters; at most "
         "10000000 can be trained (see 'micrograd train --help')\n"),
        (['--loss', 'hinge'], "micrograd: error: train: --loss wants mse or svm, not 'hinge' "
         "(see 'micrograd train --help')\n"),
        (['--steps', '0'], "micrograd: error: train: --steps wants a whole number from 1 to "
         "10000000, not '0' (see 'micrograd train --help')\n"),
        (['--lr', '-1'], "micrograd: error: train: --lr must be positive, not '-1' "
         "(see 'micrograd train --help')\n"),
        (['--plot', 'out.gif'], "micrograd: error: train: --plot 'out.gif': unknown extension '.gif' "
         "(.svg, .png or .pdf) (see 'micrograd train --help')\n"),
        (['--plot', 'out'], "micrograd: error: train: --plot 'out': no extension to tell the format by "
         "(.svg, .png or .pdf) (see 'micrograd train --help')\n"),
        (['--plot', '-'], "micrograd: error: train: --plot wants a file name, not standard output "
         "(see 'micrograd train --help')\n"),
        (['--bogus'], "micrograd: error: train: unknown option '--bogus' "
         "(see 'micrograd train --help')\n"),
        (['extra'], "micrograd: error: train: unexpected argument 'extra' "
         "(see 'micrograd train --help')\n"),
    ]
    for args, err in cases:
        if clitest.refusal(['train'] + args) and not clitest.HAVE_VIZ:
            continue  # refused before its value is read: see test_nodraw.py
        r = run(['train'] + args)
        expect(r.status, 2, f'exit of {args}')
        expect(r.err, err, f'stderr of {args}')
        expect(r.out, b'', f'stdout of {args}')


@test
def help_has_examples():
    r = run(['train', '--help'])
    expect(r.status, 0, 'exit')
    expect_true(r.text.startswith('usage: micrograd train '), r.text[:80])
    expect_true('examples:\n  micrograd train\n' in r.text, 'examples')


def png_size(data):
    expect(data[:8], b'\x89PNG\r\n\x1a\n', 'PNG signature')
    expect(data[12:16], b'IHDR', 'IHDR first')
    return struct.unpack('>II', data[16:24])


@test
@clitest.drawing
def plot_writes_png_and_svg():
    d = tempdir()
    png = os.path.join(d, 'moons.png')
    r = run(['train', '--data', 'moons', '--steps', '20', '--plot', png])
    expect(r.status, 0, f'exit ({r.err})')
    data = open(png, 'rb').read()
    expect(png_size(data), (2100, 960), 'two panels, 144 dpi')
    expect(clitest.png_dpi(data), 5669, '144 dpi recorded')
    expect_true(data.endswith(b'IEND\xaeB`\x82'), 'complete PNG')
    tiny = os.path.join(d, 'tiny.PNG')
    r = run(['train', '--steps', '20', '--plot', tiny])
    expect(r.status, 0, 'exit')
    expect(png_size(open(tiny, 'rb').read()), (1040, 960), 'loss panel only (3 inputs)')
    svg = os.path.join(d, 'moons.svg')
    r = run(['train', '--data', 'moons', '--steps', '5', '--plot', svg])
    expect(r.status, 0, 'exit')
    text = open(svg).read()
    expect_true(text.startswith('<?xml') and '<svg' in text and text.rstrip().endswith('</svg>'),
                text[:100])
    expect_true('<image' not in text, 'the decision region is vector shapes, not a raster')
    expect(sorted(os.listdir(d)), ['moons.png', 'moons.svg', 'tiny.PNG'], 'no temporary files')


@test
@clitest.drawing
def plot_dpi_sets_the_pixels_exactly():
    d = tempdir()
    for dpi, size in (('72', (1050, 480)), ('100', (1458, 667)), ('600', (8750, 4000))):
        png = os.path.join(d, f'm{dpi}.png')
        r = run(['train', '--data', 'moons', '--steps', '2', '--plot', png, '--dpi', dpi])
        expect(r.status, 0, r.err)
        data = open(png, 'rb').read()
        expect(png_size(data), size, f'--dpi {dpi}: round(points * dpi / 72)')
        expect(clitest.png_dpi(data), round(int(dpi) / 0.0254), f'--dpi {dpi} recorded')
    pdf = os.path.join(d, 'm.pdf')
    expect(run(['train', '--steps', '2', '--plot', pdf]).status, 0, 'a PDF plot')
    expect(open(pdf, 'rb').read(5), b'%PDF-', 'PDF')
    for args, message in ((['--dpi', '601', '--plot', 'x.png'], "--dpi wants a whole number from 1 to 600, not '601'"),
                          (['--dpi', '100'], "--dpi is the resolution of --plot's PNG: give --plot too")):
        r = run(['train', '--steps', '2'] + args, cwd=d)
        expect((r.status, r.out), (2, b''), f'{args}')
        expect(r.err, f"micrograd: error: train: {message} (see 'micrograd train --help')\n", f'{args}')


@test
@clitest.drawing
def plot_pdf_is_the_same_bytes_every_run():
    d = tempdir()
    env = {k: v for k, v in os.environ.items() if k != 'SOURCE_DATE_EPOCH'}
    pdfs = []
    for name, epoch in (('a.pdf', None), ('b.pdf', None), ('c.pdf', '1700000000')):
        path = os.path.join(d, name)
        r = run(['train', '--data', 'moons', '--steps', '3', '--plot', path],
                env=env if epoch is None else {**env, 'SOURCE_DATE_EPOCH': epoch})
        expect(r.status, 0, f'exit ({r.err})')
        pdfs.append(open(path, 'rb').read())
    expect(pdfs[0], pdfs[1], 'byte-identical')
    expect_true(pdfs[0].startswith(b'%PDF-') and b'/MediaBox [ 0 0 1050 480 ]' in pdfs[0],
                'one page of the PNG\'s size in points')
    expect_true(b'/CreationDate (19700101000000Z)' in pdfs[0], 'a fixed date')
    expect_true(b'/CreationDate (20231114221320Z)' in pdfs[2], 'SOURCE_DATE_EPOCH\'s date')
    expect(len(pdfs[2]), len(pdfs[0]), 'only the date differs')


@test
@clitest.drawing
def outputs_take_any_case_of_extension():
    # --plot and --draw read extensions as draw's -o does: x.PNG is a PNG
    d = tempdir()
    plot, net = os.path.join(d, 'loss.SVG'), os.path.join(d, 'net.PNG')
    r = run(['train', '--steps', '2', '--plot', plot, '--draw', net])
    expect(r.status, 0, r.err)
    expect_true(open(plot, 'rb').read().startswith(b'<?xml'), 'an SVG plot')
    expect(open(net, 'rb').read(8), b'\x89PNG\r\n\x1a\n', 'a PNG drawing')
    expect(sorted(os.listdir(d)), ['loss.SVG', 'net.PNG'])


@test
def progress_bar_on_a_terminal():
    status, out, tty = clitest.run_tty_stderr(['train', '--steps', '20'])
    expect(status, 0, tty)
    expect_true(out.startswith(b'tiny: MLP(3, [4, 4, 1])'), out)
    expect_true(tty.startswith(b'\r\x1b[K['), tty[:40])
    last = tty.split(b'\r\x1b[K')[-1]
    expect_true(last.startswith(b'[##############################] 20/20  loss '), last)
    # the terminal's newline ends the bar, then the time a step took
    expect_true(re.fullmatch(rb'.*accuracy 100\.0%  [0-9.e+-]+ ms a step\r\n'
                             rb'20 steps in [0-9]+\.[0-9]{3} s: [0-9.e+-]+ ms a step\r\n', last),
                last)


@test
@clitest.drawing
def plot_failure_leaves_files_alone():
    d = tempdir()
    r = run(['train', '--steps', '2', '--plot', os.path.join(d, 'no', 'such', 'dir.png')])
    expect(r.status, 1, 'exit')
    expect(r.err.splitlines()[-1], f"micrograd: error: cannot write '{d}/no/such/dir.png': "
           'No such file or directory')
    expect(r.out, b'')
    keep = write(os.path.join(d, 'keep.png'), 'old')
    r = run(['train', '--steps', '0', '--plot', keep])
    expect(r.status, 2, 'exit')
    expect(open(keep).read(), 'old', 'untouched')
    expect(sorted(os.listdir(d)), ['keep.png'])

# ---- --batch: micrograd's minibatch, drawn from the project's RNG ----------

M64 = (1 << 64) - 1


class Xoshiro:
    """lib/rng.c in Python: xoshiro256** seeded by splitmix64."""

    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed = (seed + 0x9e3779b97f4a7c15) & M64
            z = seed
            z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
            z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
            self.s.append(z ^ (z >> 31))

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & M64
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):
        limit = M64 - M64 % n
        while True:
            x = self.next()
            if x < limit:
                return x % n


def batches(seed, rows, size, steps):
    """The rows of each step's batch, as nn.h documents mg_batches."""
    rng, order = Xoshiro(seed ^ 0x6261746368), list(range(rows))
    for _ in range(steps):
        for i in range(size):
            j = i + rng.below(rows - i)
            order[i], order[j] = order[j], order[i]
        yield order[:size]


class V:
    """micrograd's Value: +, *, relu and backward, its arithmetic exactly."""

    def __init__(self, data, children=()):
        self.data, self.grad, self.children, self.back = data, 0.0, children, lambda: None

    def __add__(self, o):
        o = o if isinstance(o, V) else V(o)
        out = V(self.data + o.data, (self, o))
        def back():
            self.grad += out.grad
            o.grad += out.grad
        out.back = back
        return out

    def __mul__(self, o):
        o = o if isinstance(o, V) else V(o)
        out = V(self.data * o.data, (self, o))
        def back():
            self.grad += o.data * out.grad
            o.grad += self.data * out.grad
        out.back = back
        return out

    def relu(self):
        out = V(0.0 if self.data < 0 else self.data, (self,))
        def back():
            self.grad += (out.data > 0) * out.grad
        out.back = back
        return out

    def backward(self):
        topo, seen = [], set()
        def build(v):
            if id(v) not in seen:
                seen.add(id(v))
                for c in v.children:
                    build(c)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v.back()


def demo_losses(points, params, rows_of_steps, steps):
    """micrograd's demo.ipynb loop with loss(batch_size=...) on the given rows."""
    ps = [V(p) for p in params]
    sizes, losses = [2, 16, 16, 1], []
    for k, rows in enumerate(rows_of_steps):
        scores = []
        for r in rows:
            x, w = [V(points[r][0]), V(points[r][1])], 0
            for l in range(3):
                nin, out = sizes[l], []
                for _ in range(sizes[l + 1]):
                    act = ps[w + nin]
                    for i in range(nin):  # sum((wi*xi ...), self.b)
                        act = act + ps[w + i] * x[i]
                    out.append(act.relu() if l < 2 else act)
                    w += nin + 1
                x = out
            scores.append(x[0])
        margins = [(scores[i] * -points[r][2] + 1).relu() for i, r in enumerate(rows)]
        data_loss = margins[0]
        for m in margins[1:]:
            data_loss = data_loss + m
        data_loss = data_loss * (1.0 / len(rows))
        reg = ps[0] * ps[0]
        for p in ps[1:]:
            reg = reg + p * p
        total = data_loss + reg * 1e-4
        for p in ps:
            p.grad = 0.0
        total.backward()
        lr = 1.0 * (1.0 - 0.9 * k / steps)
        for p in ps:
            p.data -= lr * p.grad
        losses.append(total.data)
    return losses


def read_points():
    return [[float(f) for f in line.split(',')] for line in open(MOONS).read().splitlines()[1:]]


def read_params():
    return [float(line) for line in open(INIT) if line.strip() and not line.startswith('#')]


@test
def batch_losses_are_micrograds_on_the_drawn_rows():
    points, params = read_points(), read_params()
    steps, size, seed = 4, 10, 7
    j = train_json('--data', 'moons', '--points', MOONS, '--init', INIT, '--batch', str(size),
                   '--steps', str(steps), '--seed', str(seed))
    rows = list(batches(seed, len(points), size, steps))
    expect_true(all(len(set(r)) == size for r in rows), 'distinct rows in a batch')
    want = demo_losses(points, params, rows, steps)
    expect(j['loss_history'][0], want[0], 'step 0, bit for bit')
    for k, (got, ref) in enumerate(zip(j['loss_history'], want)):
        expect_true(abs(got - ref) <= 1e-12, f'step {k}: {got!r} vs {ref!r}')


@test
def batch_same_seed_same_run_other_seed_other_rows():
    # the weights fixed by --init: what differs between seeds is the batches
    args = ['--data', 'moons', '--points', MOONS, '--init', INIT, '--batch', '16', '--steps', '5']
    a, b = train_json(*args, '--seed', '3'), train_json(*args, '--seed', '3')
    c = train_json(*args, '--seed', '4')
    expect(a, b, 'same seed, same run')
    expect_true(a['loss_history'][0] != c['loss_history'][0], 'another seed, another first batch')
    expect_true(list(batches(3, 100, 16, 1)) != list(batches(4, 100, 16, 1)), 'other rows')
    full = train_json('--data', 'moons', '--points', MOONS, '--init', INIT, '--steps', '1')
    expect(full['loss_history'][0], 0.8958441028683222, 'without --batch, every row')
    # a batch of every row: the same rows each step, in a new order each step
    whole = train_json(*args[:-4], '--batch', '100', '--steps', '1')
    expect_true(abs(whole['loss_history'][0] - 0.8958441028683222) <= 1e-15, 'all 100 rows')


@test
def batch_refused_when_zero_or_more_than_the_rows():
    r = run(['train', '--data', 'moons', '--batch', '0'])
    expect(r.status, 2, 'exit')
    expect(r.err, "micrograd: error: train: --batch wants a whole number from 1 to 1000000000, "
           "not '0' (see 'micrograd train --help')\n")
    r = run(['train', '--data', 'moons', '--batch', '101'])
    expect(r.status, 2, 'exit')
    expect(r.err, "micrograd: error: train: --batch 101 is more than the 100 rows of the data "
           "(leave --batch out to train on every row) (see 'micrograd train --help')\n")
    expect(r.out, b'')
    r = run(['train', '--batch', '5'])
    expect(r.err, "micrograd: error: train: --batch 5 is more than the 4 rows of the data "
           "(leave --batch out to train on every row) (see 'micrograd train --help')\n")


clitest.main()
