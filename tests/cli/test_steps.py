"""CLI tests of `micrograd steps`: captions, frame folders, the lesson page, errors."""
import html
import time
import json
import math
import os
import re
import subprocess

import clitest
from clitest import expect, expect_true, run, source, tempdir, test

L_SRC = b'a = 2.0\nb = -3.0\nc = 10\ne = a*b\nd = e + c\nf = -2.0\nL = d * f\n'
NEURON_SRC = (b'x1 = 2.0\nx2 = 0.0\nw1 = -3.0\nw2 = 1.0\nb = 6.8813735870195432\n'
              b'x1w1 = x1*w1\nx2w2 = x2*w2\nx1w1x2w2 = x1w1 + x2w2\nn = x1w1x2w2 + b\no = tanh(n)\n')

L_TEXT = (
    "step-001: forward pass: every value is computed from its operands, L = -8.0000, "
    "and every grad starts at 0\n"
    "step-002: L.grad = 1: dL/dL = 1, the root's gradient with respect to itself\n"
    "step-003: L = d * f: '*' multiplies the gradient by the other operand: "
    "d.grad += f.data × L.grad = -2.0000 × 1.0000 = -2.0000; "
    "f.grad += d.data × L.grad = 4.0000 × 1.0000 = 4.0000\n"
    "step-004: d = e + c: '+' routes the gradient unchanged: "
    "e.grad += 1 × d.grad = -2.0000; c.grad += 1 × d.grad = -2.0000\n"
    "step-005: e = a * b: '*' multiplies the gradient by the other operand: "
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
    expect(lines[2], "step-003: o = tanh(n): 'tanh' scales the gradient by 1 - tanh²: "
                     "n.grad += (1 - o.data²) × o.grad = (1 - 0.7071²) × 1.0000 = 0.5000")
    expect(lines[6], "step-007: x1w1 = x1 * w1: '*' multiplies the gradient by the other operand: "
                     "x1.grad += w1.data × x1w1.grad = -3.0000 × 0.5000 = -1.5000; "
                     "w1.grad += x1.data × x1w1.grad = 2.0000 × 0.5000 = 1.0000")


@test
def text_root_and_precision():
    r = run(['steps', '-', '--text', '--root', 'e', '--precision', '1'], stdin=L_SRC)
    expect(r.status, 0, 'exit')
    expect(r.text,
           "step-001: forward pass: every value is computed from its operands, e = -6.0, "
           "and every grad starts at 0\n"
           "step-002: e.grad = 1: de/de = 1, the root's gradient with respect to itself\n"
           "step-003: e = a * b: '*' multiplies the gradient by the other operand: "
           "a.grad += b.data × e.grad = -3.0 × 1.0 = -3.0; b.grad += a.data × e.grad = 2.0 × 1.0 = 2.0\n")


@test
def text_value_used_twice():
    r = run(['steps', '-', '--text'], stdin=b'a = 3\nb = a*a\nc = b + a\n')
    expect(r.status, 0, 'exit')
    expect(r.text.splitlines()[3],
           "step-004: b = a * a: '*' multiplies the gradient by the other operand: "
           "a.grad += a.data × b.grad = 3.0000 × 1.0000 = 3.0000 → a.grad = 1.0000 + 3.0000 = 4.0000; "
           "a.grad += a.data × b.grad = 3.0000 × 1.0000 = 3.0000 → a.grad = 4.0000 + 3.0000 = 7.0000")


@test
def help_has_examples():
    r = run(['steps', '--help'])
    expect(r.status, 0, 'exit')
    expect_true(r.text.startswith('usage: micrograd steps FILE (-o LESSON.html | -o HANDOUT.pdf | -o DIR [-T svg|png]\n'), r.text)
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
         '-T is for the frames of -o DIR (a page is always SVG, a handout PDF)'),
        ([src, '-o', os.path.join(d, 'o.pdf'), '-T', 'svg'],
         '-T is for the frames of -o DIR (a page is always SVG, a handout PDF)'),
        ([src, '--text', '--theme', 'grey'], "--theme must be light, dark or print, not 'grey'"),
        ([src, '-o', os.path.join(d, 'o.pdf'), '--paper', 'legal'],
         "--paper must be a4 or letter, not 'legal'"),
        ([src, '-o', os.path.join(d, 'o.html'), '--paper', 'letter'],
         '--paper is for a handout (-o HANDOUT.pdf)'),
        ([src, '--text', '--paper', 'a4'], '--paper is for a handout (-o HANDOUT.pdf)'),
        ([src, '-o', os.path.join(d, 'frames'), '-T', 'gif'], "unknown format 'gif' (svg or png)"),
        ([src, '-o', os.path.join(d, 'one.svg')],
         f"-o takes a page (.html), a handout (.pdf) or a folder for the frames, not '{d}/one.svg'"),
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
        expect(r.err, f'{bad}:2:8: error: expected an expression, found end of line\n    b = a +\n           ^\n')
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



# ---- frames -------------------------------------------------------------------

GEOMETRY = re.compile(rb'(?<=\s)(?:points|d|cx|cy|rx|ry|width|height|viewBox|transform)="[^"]*"')
TEXT = re.compile(rb'<text[^>]*>([^<]*)</text>')
GROUP = re.compile(rb'<g id="[^"]*" class="(node|edge)[^"]*">\n<title>[^<]*</title>\n(<[a-z]+ [^>]*>)')


def geometry(svg):
    """Where things are: the picture's size, each node's outline and each edge's
    path (the first shape of every node and edge group), in document order.
    (Field separators inside a record may shift by a point as its texts change:
    the box around them does not.)"""
    head = GEOMETRY.findall(svg[:svg.index(b'<g id="graph0"')])
    return head + [(kind, GEOMETRY.findall(shape)) for kind, shape in GROUP.findall(svg)]


def texts(svg):
    """The text of every <text> element, entities decoded (Graphviz writes - as &#45;)."""
    return [html.unescape(t.decode()) for t in TEXT.findall(svg)]


def recompute(expr):
    """A caption's numbers line, evaluated as a reader would."""
    e = re.sub(r'\((\S+) > 0 \? 1 : 0\)', r'(1 if \1 > 0 else 0)', expr)
    e = e.replace('×', '*').replace('²', '**2').replace('^', '**').replace('ln(', 'log(')
    return eval(e, {'log': math.log})


def check_caption_arithmetic(caption, precision):
    """Every result a caption prints with '=' is what its own printed numbers
    give, and every one it prints with '≈' is not. Returns the number of '≈'."""
    approx = 0
    for part in re.findall(r'\S+\.grad \+= (.*?)(?=; \S+\.grad \+= |$)', caption):
        chain, _, total = part.partition(' → ')
        pieces = re.split(r' (=|≈) ', chain)
        checks = []
        if len(pieces) == 5:  # rule = numbers = term
            checks.append((recompute(pieces[2]), pieces[3], pieces[4]))
        if total:
            m = re.fullmatch(r'\S+\.grad = (\S+) ([+-]) (\S+) (=|≈) (\S+)', total)
            expect_true(m is not None, f'sum in {caption!r}')
            a, b = float(m.group(1)), float(m.group(3))
            checks.append((a + b if m.group(2) == '+' else a - b, m.group(4), m.group(5)))
        for value, sep, shown in checks:
            if not re.fullmatch(r'-?[0-9]+\.?[0-9]*', shown):
                continue  # nan, inf, scientific: no rounding to check
            again = f'{value:.{precision}f}'
            if float(again) == 0:
                again = again.lstrip('-')  # the caption never says -0.0000
            approx += sep == '≈'
            if sep == '=':
                expect(again, shown, f'{caption!r}')
            else:
                expect_true(again != shown, f'needless ≈ in {caption!r}')
    return approx


@test
def caption_arithmetic_matches_its_numbers():
    """Recomputes every caption of the examples (and other precisions) from
    the numbers it prints."""
    approx = 0
    sources = [source('examples', n) for n in ('L.mg', 'neuron.mg', 'neuron_exp.mg')]
    d = tempdir()
    sources.append(write(os.path.join(d, 'mix.mg'),
                         b'a = 0.37\nb = -1.3\nc = a / b - a**3 + relu(b * a) + exp(a) * 3\n'
                         b'd = tanh(c) * sigmoid(a) - log(a + 2) / b\n'))
    for src in sources:
        for precision in (4, 2, 1):
            r = run(['steps', src, '--text', '--precision', str(precision)])
            expect(r.status, 0, src)
            for line in r.text.splitlines():
                approx += check_caption_arithmetic(line.split(': ', 1)[1], precision)
    expect_true(approx > 0, 'no caption needed ≈')
    # the one the neuron written with exp got wrong, by the example
    r = run(['steps', source('examples', 'neuron_exp.mg'), '--text'])
    expect_true('e.grad = -0.1036 + 0.1464 ≈ 0.0429' in r.text, 'the rounded sum')


@test
def one_numbering_for_page_files_and_text():
    """Step N is the same frame in the page (its counter and #step-N), the file
    step-00N and the --text line step-00N, counting from 1; --help agrees."""
    d = tempdir()
    src = write(os.path.join(d, 'L.mg'), L_SRC)
    expect(run(['steps', src, '-o', os.path.join(d, 'L.html')]).status, 0, 'page')
    expect(run(['steps', src, '-o', os.path.join(d, 'frames')]).status, 0, 'frames')
    text = run(['steps', src, '--text']).text
    page = read(os.path.join(d, 'L.html')).decode()
    page_steps = [int(n) for n in re.findall(r'<figcaption class="caption[^"]*" id="caption-([0-9]+)"', page)]
    file_steps = sorted(int(f[5:8]) for f in os.listdir(os.path.join(d, 'frames')) if f.endswith('.svg'))
    text_steps = [int(line[5:8]) for line in text.splitlines()]
    expect(page_steps, [1, 2, 3, 4, 5], 'page')
    expect(file_steps, page_steps, 'files')
    expect(text_steps, page_steps, 'text')
    expect_true('step 1 of 5' in page, 'counter')
    expect_true(text.splitlines()[0].startswith('step-001: forward pass'), 'step 1 is the forward pass')
    help_text = run(['steps', '--help']).text
    expect_true('Step 1 is the forward pass' in help_text and 'step-001.svg' in help_text, 'help')


@test
def dir_of_svg_frames():
    d = tempdir()
    src = write(os.path.join(d, 'L.mg'), L_SRC)
    out = os.path.join(d, 'frames')
    r = run(['steps', src, '-o', out])
    expect(r.status, 0, 'exit')
    expect((r.out, r.err), (b'', ''))
    names = [f'step-{i:03d}.svg' for i in range(1, 6)]
    expect(sorted(os.listdir(out)), ['captions.txt'] + names)
    expect(sorted(os.listdir(d)), ['L.mg', 'frames'])  # no staging folder left
    expect(read(os.path.join(out, 'captions.txt')).decode(), L_TEXT)
    frames = [read(os.path.join(out, n)) for n in names]
    for name, svg in zip(names, frames):
        expect_true(svg.startswith(b'<?xml') and b'<svg' in svg and svg.rstrip().endswith(b'</svg>'), name)
    # One layout: every node, edge and text sits at the same place in every frame.
    for name, svg in zip(names[1:], frames[1:]):
        expect(geometry(svg), geometry(frames[0]), f'geometry of {name}')
    # The grads the frames show: all 0, then L's 1, ... the video's final grads.
    grads = [[t for t in texts(svg) if t.startswith('grad ')] for svg in frames]
    # Values in creation order: a b c e d f L.
    expect(grads[0], ['grad 0.0000'] * 7)
    expect(grads[1], ['grad 0.0000'] * 6 + ['grad 1.0000'])
    expect(grads[2], ['grad 0.0000'] * 4 + ['grad -2.0000', 'grad 4.0000', 'grad 1.0000'])
    expect(grads[3], ['grad 0.0000'] * 2 + ['grad -2.0000'] * 3 + ['grad 4.0000', 'grad 1.0000'])
    expect(grads[4], ['grad 6.0000', 'grad -4.0000'] + ['grad -2.0000'] * 3 + ['grad 4.0000', 'grad 1.0000'])
    # Highlights: the value whose step runs and its op; the operands it changed.
    expect(re.findall(rb'<g id="(v\d+(?:_op)?)" class="node[^"]* current"', frames[3]), [b'v4_op', b'v4'])
    expect(re.findall(rb'<g id="(v\d+)" class="node[^"]* changed"', frames[3]), [b'v2', b'v3'])
    expect(re.findall(rb'class="node[^"]* (?:current|changed)"', frames[0]), [])


# ---- lesson states without colour ----------------------------------------------

def node_lines(svg):
    """Per node id: (fill, stroke, stroke-width, stroke-dasharray) of its first shape."""
    out = {}
    for m in re.finditer(rb'<g id="(v\d+(?:_op)?)" class="node[^"]*">(.*?)</g>', svg, re.S):
        shape = re.search(rb'<(?:path|polygon|ellipse)([^>]*)>', m.group(2)).group(1)
        attr = dict(re.findall(rb'([a-z-]+)="([^"]*)"', shape))
        out[m.group(1).decode()] = tuple(attr.get(k, b'').decode() for k in
                                         (b'fill', b'stroke', b'stroke-width', b'stroke-dasharray'))
    return out


def grey(colour):
    """The luma of '#rrggbb' or a named colour of the print theme, 0..255."""
    named = {'white': '#ffffff', 'black': '#000000'}
    c = named.get(colour, colour)
    r, g, b = (int(c[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


@test
def states_differ_without_colour_in_every_theme():
    # L's step 4 (d = e + c): d is this step's value, e and c changed, L is
    # the root. In grey the fills may look alike: the borders must not.
    d = tempdir()
    src = write(os.path.join(d, 'L.mg'), L_SRC)
    for theme in ('light', 'dark', 'print'):
        out = os.path.join(d, theme)
        r = run(['steps', src, '-o', out, '--theme', theme])
        expect((r.status, r.err), (0, ''), theme)
        lines = node_lines(read(os.path.join(out, 'step-004.svg')))
        current, changed, root, plain = lines['v4'], lines['v2'], lines['v6'], lines['v0']
        expect((current[2], current[3]), ('5', ''), f'{theme}: the step\'s value, heaviest solid')
        expect(lines['v4_op'][2], '4', f'{theme}: its op')
        for v in ('v2', 'v3'):
            expect((lines[v][2], lines[v][3]), ('2.4', '1,5'), f'{theme}: {v} changed, dotted')
        expect((root[2], root[3]), ('3', ''), f'{theme}: the root, heavy solid')
        expect((plain[2], plain[3]), ('1.2', ''), f'{theme}: an input, thin solid')
        if theme == 'print':  # black lines; fills told apart in grey too
            expect({current[1], changed[1], root[1]}, {'black'}, 'print: black lines')
            expect_true(grey(root[0]) - grey(current[0]) > 20, f'print: fills {root[0]} {current[0]}')
    # The page's legend draws its swatches with the same lines.
    r = run(['steps', src, '-o', os.path.join(d, 'p.html'), '--theme', 'print'])
    page = read(os.path.join(d, 'p.html')).decode()
    for prop in ('--mg-current-width:5px', '--mg-changed-width:2.4px', '--mg-changed-style:dotted',
                 'border-style:var(--mg-changed-style)'):
        expect_true(prop in page, prop)


# ---- the handout -----------------------------------------------------------------

def pdf_text(path, page):
    r = subprocess.run(['pdftotext', '-layout', '-f', str(page), '-l', str(page), path, '-'],
                       stdout=subprocess.PIPE, check=True)
    return ' '.join(r.stdout.decode().split())


def pdf_info(path):
    r = subprocess.run(['pdfinfo', path], stdout=subprocess.PIPE, check=True, env={**os.environ})
    return dict(line.split(':', 1) for line in r.stdout.decode().splitlines() if ':' in line)


@test
def handout_pdf_one_page_per_step_with_its_caption():
    d = tempdir()
    src = write(os.path.join(d, 'L.mg'), L_SRC)
    a, b = os.path.join(d, 'a.pdf'), os.path.join(d, 'b.pdf')
    env = {k: v for k, v in os.environ.items() if k != 'SOURCE_DATE_EPOCH'}
    for out in (a, b):
        r = run(['steps', src, '-o', out], env=env)
        expect((r.status, r.out, r.err), (0, b'', ''), out)
    expect(read(a), read(b), 'byte-identical')
    expect(sorted(os.listdir(d)), ['L.mg', 'a.pdf', 'b.pdf'])
    info = pdf_info(a)
    expect(info['Pages'].strip(), '5', 'pages: 2 + the 3 ops of L')
    expect(info['Page size'].split(), ['595', 'x', '842', 'pts', '(A4)'], 'portrait: TB')
    expect(info['CreationDate'].strip(), 'Thu Jan  1 00:00:00 1970 UTC')
    captions = [line.split(': ', 1)[1] for line in L_TEXT.splitlines()]
    for page, caption in enumerate(captions, 1):
        text = pdf_text(a, page)
        expect_true(text.startswith(f'L step {page} of 5 '), f'page {page} heading: {text[:40]}')
        # the whole caption, in order, whatever the line breaks
        expect_true(' '.join(caption.replace('; ', ' ').split()) in text,
                    f'page {page} caption: {text}')
    # formulas wrap only before ' = ', never inside a term
    r = subprocess.run(['pdftotext', '-layout', '-f', '5', '-l', '5', a, '-'],
                       stdout=subprocess.PIPE, check=True)
    expect_true('a.grad += b.data × e.grad = -3.0000 × -2.0000 = 6.0000' in r.stdout.decode(),
                'a term on one line')
    c = os.path.join(d, 'c.pdf')
    r = run(['steps', src, '-o', c, '--title', 'Backprop by hand', '--rankdir', 'LR',
             '--theme', 'print'], env={**env, 'SOURCE_DATE_EPOCH': '1700000000'})
    expect(r.status, 0, 'exit')
    info = pdf_info(c)
    expect(info['Page size'].split()[:3], ['842', 'x', '595'], 'landscape for LR')
    expect(info['CreationDate'].strip(), 'Tue Nov 14 22:13:20 2023 UTC')
    expect_true(pdf_text(c, 1).startswith('Backprop by hand step 1 of 5'), 'title')
    # US Letter: the same pages on the other sheet, the picture fitted to it
    for rankdir, size in (('TB', ['612', 'x', '792', 'pts', '(letter)']),
                          ('LR', ['792', 'x', '612', 'pts', '(letter)'])):
        e = os.path.join(d, f'letter-{rankdir}.pdf')
        r = run(['steps', src, '-o', e, '--paper', 'letter', '--rankdir', rankdir], env=env)
        expect((r.status, r.err), (0, ''), f'letter {rankdir}')
        info = pdf_info(e)
        expect((info['Pages'].strip(), info['Page size'].split()), ('5', size), f'letter {rankdir}')
        for page in range(1, 6):
            expect(pdf_text(e, page), pdf_text(c if rankdir == 'LR' else a, page).replace(
                'Backprop by hand', 'L'), f'letter {rankdir} page {page}: the same words')
    r = run(['steps', src, '-o', os.path.join(d, 'a4.pdf'), '--paper', 'a4'], env=env)
    expect(read(os.path.join(d, 'a4.pdf')), read(a), '--paper a4 is the default')


@test
def handout_of_a_long_caption_wraps_between_terms():
    # long names make terms wider than the page: they break before ' = ' only
    d = tempdir()
    long = b'a_rather_long_name_for_the_first_input'
    src = write(os.path.join(d, 'x.mg'), long + b' = 2\nw = 3\nproduct_of_the_input_and_its_weight = '
                + long + b' * w\n')
    out = os.path.join(d, 'x.pdf')
    r = run(['steps', src, '-o', out, '--precision', '8'])
    expect((r.status, r.err), (0, ''), 'exit')
    r = subprocess.run(['pdftotext', '-layout', '-f', '3', '-l', '3', out, '-'],
                       stdout=subprocess.PIPE, check=True)
    lines = [line.strip() for line in r.stdout.decode().splitlines() if '.grad' in line or
             line.strip().startswith(('=', '×'))]
    expect_true(len(lines) >= 3, f'wrapped: {lines}')
    for line in lines:
        expect_true(line.startswith(('a_rather', 'w.grad', '= ', '× ')) and
                    not line.endswith(('=', '-', '×', '+=')),
                    f'a break between terms: {line!r}')


@test
def last_frame_is_what_draw_shows():
    for name, src_bytes in (('L', L_SRC), ('neuron', NEURON_SRC),
                            ('twice', b'a = 3\nb = a*a\nc = b + a*2 - exp(a)/4\n')):
        d = tempdir()
        src = write(os.path.join(d, name + '.mg'), src_bytes)
        r = run(['steps', src, '-o', os.path.join(d, 'frames')])
        expect(r.status, 0, f'steps {name}')
        last = sorted(f for f in os.listdir(os.path.join(d, 'frames')) if f.endswith('.svg'))[-1]
        frame = read(os.path.join(d, 'frames', last))
        r = run(['draw', src, '-T', 'svg'])
        expect(r.status, 0, f'draw {name}')
        # but each unnamed box shows the name its captions call it by
        shown = texts(frame)
        names = [t for t in shown if re.fullmatch(r'v[0-9]+|\(-?[0-9.e+]+\)', t)]
        expect([t for t in shown if t not in names], texts(r.out),
               f'texts of the last frame of {name} and of draw')
        captions = read(os.path.join(d, 'frames', 'captions.txt')).decode()
        for n in names:
            expect_true(n + '.grad' in captions, f'{name}: {n} named in no caption')
        if name == 'twice':
            expect(names, ['(2)', 'v3', 'v4', 'v5', '(4)', 'v7'], 'names of unnamed values')


@test
def dir_of_png_frames_into_an_existing_folder():
    d = tempdir()
    src = write(os.path.join(d, 'L.mg'), L_SRC)
    keep = write(os.path.join(d, 'keep.txt'), b'mine')
    old = write(os.path.join(d, 'step-001.png'), b'old')
    # The files of an earlier, longer lesson (its captions.txt names its
    # frames, here numbered from 0 as frames once were) go; files that only
    # look alike stay.
    write(os.path.join(d, 'captions.txt'),
          ''.join(f'step-{i:03d}: old\n' for i in range(13)).encode())
    for stale in ('step-000.svg', 'step-006.png', 'step-012.svg'):
        write(os.path.join(d, stale), b'stale')
    for other in ('step-9.svg', 'step-007.txt', 'step-007.svg.bak', 'step-1234.svg'):
        write(os.path.join(d, other), b'other')
    r = run(['steps', src, '-o', d + '/', '-T', 'png', '--rankdir', 'TB'])
    expect(r.status, 0, 'exit')
    names = [f'step-{i:03d}.png' for i in range(1, 6)]
    expect(sorted(os.listdir(d)), ['L.mg', 'captions.txt', 'keep.txt'] + names +
           ['step-007.svg.bak', 'step-007.txt', 'step-1234.svg', 'step-9.svg'])
    expect(read(keep), b'mine')
    sizes = set()
    for n in names:
        png = read(os.path.join(d, n))
        expect(png[:8], b'\x89PNG\r\n\x1a\n', n)
        sizes.add(png[16:24])  # IHDR width and height
    expect(len(sizes), 1, 'every frame the same size')
    expect_true(read(old) != b'old', 'step-001.png replaced')


@test
def format_names_ignore_case():
    # the format table draw and train use: x.HTML is a page, -T PNG png frames
    d = tempdir()
    src = write(os.path.join(d, 'L.mg'), L_SRC)
    r = run(['steps', src, '-o', os.path.join(d, 'lesson.HTML')])
    expect(r.status, 0, r.err)
    expect_true(read(os.path.join(d, 'lesson.HTML')).startswith(b'<!DOCTYPE html>'), 'a page')
    frames = os.path.join(d, 'frames')
    r = run(['steps', src, '-o', frames, '-T', 'PNG'])
    expect(r.status, 0, r.err)
    expect(sorted(os.listdir(frames)), ['captions.txt'] + [f'step-{i:03d}.png' for i in range(1, 6)])
    r = run(['steps', src, '-o', os.path.join(d, 'one.SVG')])
    expect(r.status, 2, 'a single picture')
    expect_true('not ' in r.err and 'one.SVG' in r.err, r.err)
    expect(sorted(os.listdir(d)), ['L.mg', 'frames', 'lesson.HTML'])


# ---- the page -----------------------------------------------------------------

@test
def page_is_self_contained():
    d = tempdir()
    src = write(os.path.join(d, 'neuron.mg'), NEURON_SRC)
    page_path = os.path.join(d, 'neuron.html')
    r = run(['steps', src, '-o', page_path])
    expect(r.status, 0, 'exit')
    expect((r.out, r.err), (b'', ''))
    expect(sorted(os.listdir(d)), ['neuron.html', 'neuron.mg'])
    page = read(page_path)
    expect_true(page.startswith(b'<!DOCTYPE html>\n<html lang="en">'), page[:60])
    for banned in (b'http', b'src=', b'<link', b'@import', b'<iframe', b'<img', b'<?xml', b'<!DOCTYPE svg'):
        expect_true(banned not in page, f'{banned!r} in the page')
    expect_true(all(u.startswith(b'url(#') for u in re.findall(rb'url\([^)]*\)', page)), 'local urls only')
    expect(page.count(b'<figcaption class="caption'), 7)
    expect(page.count(b'<figcaption class="caption shown"'), 1)
    # left to right, and top to bottom for a phone held upright (ids prefixed)
    expect((page.count(b'<svg class="wide"'), page.count(b'<svg class="tall"'), page.count(b'<svg')), (1, 1, 2))
    expect((page.count(b'<g id="v8" class="node'), page.count(b'<g id="tv8" class="node')), (1, 1))
    tb = run(['steps', src, '--rankdir', 'TB', '-o', '-']).out
    expect((tb.count(b'<svg'), tb.count(b'class="tall"'), tb.count(b'id="tv')), (1, 0, 0), 'TB: one picture')
    expect_true(b'<title>neuron \xc2\xb7 backpropagation, step by step</title>' in page, 'title')
    expect_true(b'<h1>neuron</h1>' in page, 'heading')
    expect_true(b'<span id="counter" aria-live="polite">step 1 of 7</span>' in page, 'counter')
    expect_true(b'<script>' in page and b'ArrowRight' in page and b'Home' in page, 'script')
    expect_true(all(b'id="%s"' % c in page for c in (b'prev', b'next', b'slider', b'zoom')), 'controls')
    ids = re.findall(rb'\bid="([^"]*)"', page)
    expect(len(ids), len(set(ids)), 'ids are unique')
    expect_true('<span class="term">n.grad <span class="nb">+= (1 - o.data²) × o.grad</span> '
                '<span class="nb">= (1 - 0.7071²) × 1.0000</span> <span class="nb">= 0.5000</span></span>'
                .encode() in page, 'the tanh step, one line per term, broken only between terms')


@test
def page_title_option_and_escaping():
    d = tempdir()
    page_path = os.path.join(d, 'lesson.html')
    r = run(['steps', '-', '-o', page_path, '--title', 'L & <friends>'], stdin=L_SRC)
    expect(r.status, 0, 'exit')
    page = read(page_path)
    expect_true(b'<h1>L &amp; &lt;friends&gt;</h1>' in page, 'escaped title')
    r = run(['steps', '-', '-o', page_path], stdin=L_SRC)
    expect_true(b'<h1>stdin</h1>' in read(page_path), 'stdin title')
    r = run(['steps', '-', '-o', '-'], stdin=L_SRC)
    expect(r.status, 0)
    expect(r.out, read(page_path))


@test
def page_shows_both_contributions_of_a_value_used_twice():
    d = tempdir()
    page_path = os.path.join(d, 'p.html')
    r = run(['steps', '-', '-o', page_path], stdin=b'a = 2\nb = a * a\n')
    expect(r.status, 0)
    page = read(page_path)
    text = re.sub(r'<[^>]*>', '', page.decode())
    expect_true('a.grad += a.data × b.grad = 2.0000 × 1.0000 = 2.0000 → a.grad = 2.0000 + 2.0000 = 4.0000'
                in text, 'twice-used value in the page')



@test
def too_many_values_is_refused_with_the_way_out():
    d = tempdir()
    src = write(os.path.join(d, 'L.mg'), L_SRC)
    page_path = os.path.join(d, 'L.html')
    r = run(['steps', src, '-o', page_path, '--max-nodes', '6'])
    expect(r.status, 2, 'exit')
    expect(r.err, 'micrograd: error: the graph has 7 values, more than the limit of 6; '
                  'use --max-nodes N to step through it anyway (--max-nodes 0: no limit)\n')
    expect(sorted(os.listdir(d)), ['L.mg'])
    for limit in ('7', '0'):
        r = run(['steps', src, '-o', page_path, '--max-nodes', limit])
        expect(r.status, 0, f'exit with --max-nodes {limit}')
    r = run(['steps', src, '--text', '--max-nodes', '-1'])
    expect(r.status, 2)
    expect(r.err, usage("--max-nodes wants a whole number from 0 to 100000000, not '-1'"))


@test
def the_teachers_command():
    """micrograd steps examples/neuron.mg -o neuron.html, as the issue says."""
    d = tempdir()
    r = run(['steps', source('examples', 'neuron.mg'), '-o', 'neuron.html'], cwd=d)
    expect(r.status, 0, 'exit')
    page = read(os.path.join(d, 'neuron.html'))
    expect_true(b'<h1>neuron</h1>' in page, 'title from the file name')
    expect(page.count(b'<figcaption class="caption'), 7)
    r = run(['steps', source('examples', 'L.mg'), '--text'])
    expect((r.status, r.text), (0, L_TEXT))


def page_frames(page):
    """Each frame of a page as its script shows it: the texts of every <text>
    of the one picture, after applying the frames' changes in order."""
    page = page.decode()
    svg = page[page.index('<svg'):page.index('</svg>')]
    data = json.loads(re.search(r'<script type="application/json" id="mg-frames">(.*?)</script>',
                                page, re.S).group(1))
    nodes = {}
    order = []
    for m in re.finditer(r'<g id="([^"]*)" class="[^"]*">(.*?)(?=<g id="[^"]*" class="|$)', svg, re.S):
        order.append(m.group(1))
        nodes[m.group(1)] = [html.unescape(t) for t in re.findall(r'<text[^>]*>([^<]*)</text>', m.group(2))]
    frames = []
    for changes in data['frames']:
        for change in changes:
            texts = nodes[f'v{change[0]}']
            for k in range(3, len(change), 2):
                texts[change[k]] = change[k + 1]
        frames.append([t for key in order for t in nodes[key]])
    return frames


@test
def page_frames_show_each_frames_exact_texts():
    """The page holds one picture and per frame its changes: applied in order,
    they give, frame by frame, exactly the texts of the frames -o DIR writes."""
    for name in ('L.mg', 'neuron.mg', 'neuron_exp.mg'):
        d = tempdir()
        src = source('examples', name)
        page_path = os.path.join(d, 'p.html')
        expect(run(['steps', src, '-o', page_path]).status, 0, name)
        expect(run(['steps', src, '-o', os.path.join(d, 'frames')]).status, 0, name)
        files = sorted(f for f in os.listdir(os.path.join(d, 'frames')) if f.endswith('.svg'))
        shown = page_frames(read(page_path))
        expect(len(shown), len(files), name)
        for k, f in enumerate(files):
            expect(shown[k], texts(read(os.path.join(d, 'frames', f))), f'{name} {f}')


@test
def the_lesson_of_the_400_value_graph():
    """examples/mlp_loss.mg: MLP(3,[4,4,1])'s loss, 360 values, 305 frames, one
    page of about a megabyte in well under the time of one layout per frame."""
    d = tempdir()
    page_path = os.path.join(d, 'mlp.html')
    t0 = time.monotonic()
    r = run(['steps', source('examples', 'mlp_loss.mg'), '-o', page_path])
    seconds = time.monotonic() - t0
    expect(r.status, 0, r.err)
    page = read(page_path)
    expect(page.count(b'<figcaption class="caption'), 305)
    # too large a layout (past what dot solves exactly) for a second picture
    # for phones: one layout's time and size
    expect(page.count(b'<svg'), 1)
    expect_true(len(page) < 3_000_000, f'{len(page)} bytes')
    expect_true(seconds < 30, f'{seconds:.1f} s')
    grad = run(['grad', source('examples', 'mlp_loss.mg'), '--json'])
    values = json.loads(grad.out)['values']
    expect([v['data'] for v in values if v['name'] == 'loss'], [3.934660016211576])
    last = page_frames(page)[-1]
    for v in values:
        if v['name'].startswith('w1_1_'):
            expect_true(any(t == f"grad {v['grad']:.4f}".replace('-0.0000', '0.0000') for t in last), v['name'])


clitest.main()
