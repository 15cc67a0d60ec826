"""The module against the CLI on the same expressions: data and grads bit for
bit (one op table), the same picture bytes, the same lesson, the same check."""
import json

import pytest

from conftest import build_L, cli_grad, number, python_program, run_cli, same, source
from micrograd_c import Value, check, draw_dot, lesson

# Every op, each value used in several places; no '/' (micrograd's a * b**-1
# rounds differently from the CLI's a / b, see test_division_within_a_rounding).
PROGRAMS = [
    'a = 2.0; b = -3.0; c = a + b; d = a * b; e = c * d + a',
    'x = 3.0; y = x**2 + x**-1 + x**0.5 + 2*x',
    'x = 0.7; y = exp(x) * log(x) + tanh(x) * sigmoid(x) + relu(x) + relu(-x)',
    'x = 1.5; y = -x + x - 2.5; z = y * -x; w = z**3 - z',
    'a = 2.0; b = 3.0; c = a*b + a*a + b*b*b; d = tanh(c*0.01) * c',
    'x = -0.3; h = tanh(x*2 + 1); o = sigmoid(h*h - x) * exp(-h)',
    open(source('examples', 'L.mg')).read(),
    open(source('examples', 'neuron.mg')).read(),
    'x = 0.0; y = log(x) + relu(x); z = exp(x + 1000) * x',
    'x = 1e308; y = x * 10 + x; z = -y + y',
]


@pytest.mark.parametrize('program', PROGRAMS)
def test_every_value_and_grad_bit_for_bit(program):
    want = cli_grad(program)
    values, last = python_program(program)
    values[last].backward()
    assert set(values) == set(want)
    for name, v in values.items():
        data, grad = want[name]
        assert same(v.data, data) and same(v.grad, grad), (name, v, want[name])


def test_the_exp_neuron_bit_for_bit_spelled_as_micrograd_builds_it():
    # (e - 1) / (e + 1) is (e + -1) * (e + 1)**-1 in micrograd; the CLI's
    # language spells that graph out, and the numbers agree to the bit
    program = open(source('examples', 'neuron.mg')).read().replace(
        'o = tanh(n)', 'e = exp(n*2)\no = (e + -1) * (e + 1)**-1')
    want = cli_grad(program)
    values, _ = python_program(program)
    n = values['n']
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert (o.data, o.grad) == want['o']
    for name in ('x1', 'x2', 'w1', 'w2', 'b', 'n'):
        assert values[name].grad == want[name][1], name


def test_division_within_a_rounding():
    program = 'a = 5.0; b = 3.0; c = a / b + b / a; d = c / (a - b)'
    want = cli_grad(program)
    values, _ = python_program(program)
    values['d'].backward()
    for name, v in values.items():
        assert v.data == pytest.approx(want[name][0], rel=1e-15)
        assert v.grad == pytest.approx(want[name][1], rel=1e-15)


# ---- pictures -------------------------------------------------------------------

@pytest.mark.parametrize('fmt', ['dot', 'svg', 'png'])
def test_draw_dot_is_micrograd_draw_byte_for_byte(fmt):
    v = build_L()
    v['L'].backward()
    r = run_cli('draw', source('examples', 'L.mg'), '-T', fmt, '-o', '-', text=False)
    assert r.returncode == 0, r.stderr
    assert draw_dot(v['L'], format=fmt).pipe() == r.stdout


def test_draw_options_as_the_cli():
    v = build_L()
    v['L'].backward()
    options = dict(rankdir='TB', precision=2, theme='dark', color_grad=True,
                   edge_grads=True, title='the L example', max_nodes=10)
    got = draw_dot(v['L'], format='dot', **options).source
    r = run_cli('draw', source('examples', 'L.mg'), '-T', 'dot', '--rankdir', 'TB',
                '--precision', '2', '--theme', 'dark', '--color-grad', '--edge-grads',
                '--title', 'the L example', '--max-nodes', '10')
    assert got == r.stdout
    got = draw_dot(v['L'], format='dot', forward_only=True).source
    assert got == run_cli('draw', source('examples', 'L.mg'), '-T', 'dot',
                          '--forward-only').stdout


def test_neuron_drawing_is_the_golden_one():
    program = open(source('examples', 'neuron.mg')).read()
    values, last = python_program(program)
    values[last].backward()
    with open(source('tests', 'golden', 'neuron.dot')) as f:
        assert draw_dot(values[last]).source == f.read()


# ---- the lesson and the check -----------------------------------------------------

def test_lesson_captions_are_micrograd_steps():
    v = build_L()
    r = run_cli('steps', source('examples', 'L.mg'), '--text')
    want = [line.split(': ', 1)[1] for line in r.stdout.splitlines()]
    got = lesson(v['L'])
    assert got.captions == want
    assert v['L'].grad == 0 and v['a'].grad == 0  # the lesson steps a copy


# The CLI's default title is the file's name: for L.mg the root's name too,
# which title=None gives.
@pytest.mark.parametrize('example,title,options,flags', [
    ('L', None, {}, []),
    ('L', 'the L example', dict(precision=2, rankdir='TB', max_nodes=10),
     ['--title', 'the L example', '--precision', '2', '--rankdir', 'TB', '--max-nodes', '10']),
    ('neuron', 'neuron', dict(precision=6), ['--precision', '6']),
    ('L', 'L', dict(quiz=True), ['--quiz']),
    ('neuron', 'neuron', dict(theme='dark'), ['--theme', 'dark']),
    ('L', 'L', dict(theme='print', rankdir='TB'), ['--theme', 'print', '--rankdir', 'TB']),
])
def test_lesson_page_is_micrograd_steps_byte_for_byte(tmp_path, example, title, options, flags):
    values, last = python_program(open(source('examples', f'{example}.mg')).read())
    path = tmp_path / 'cli.html'
    r = run_cli('steps', source('examples', f'{example}.mg'), '-o', str(path), *flags)
    assert r.returncode == 0, r.stderr
    want = path.read_bytes()
    got = lesson(values[last], title=title, **options)
    assert got.page() == want
    got.save(tmp_path / 'module.html')
    assert (tmp_path / 'module.html').read_bytes() == want
    pictures = 1 if options.get('rankdir') == 'TB' else 2  # top to bottom too, for phones
    assert want.count(b'<figcaption class="caption') == len(got) and want.count(b'<svg') == pictures
    pdf = tmp_path / 'cli.pdf'  # the handout too (on paper there is no quiz)
    lr = [] if '--rankdir' in flags else ['--rankdir', 'LR']  # handouts default to TB
    paper = [f for f in flags if f != '--quiz']
    r = run_cli('steps', source('examples', f'{example}.mg'), '-o', str(pdf), *paper, *lr)
    assert r.returncode == 0, r.stderr
    assert got.handout() == pdf.read_bytes()


@pytest.mark.parametrize('paper,rankdir', [('letter', 'TB'), ('letter', 'LR'), ('a4', 'LR')])
def test_lesson_handout_paper_is_micrograd_steps_paper(tmp_path, paper, rankdir):
    values, last = python_program(open(source('examples', 'L.mg')).read())
    pdf = tmp_path / 'cli.pdf'
    r = run_cli('steps', source('examples', 'L.mg'), '-o', str(pdf), '--paper', paper,
                '--rankdir', rankdir)
    assert r.returncode == 0, r.stderr
    got = lesson(values[last], title='L', paper=paper, rankdir=rankdir).handout()
    assert got == pdf.read_bytes()
    sheet = {('letter', 'TB'): b'612 792', ('letter', 'LR'): b'792 612', ('a4', 'LR'): b'842 595'}
    assert got.count(b'/MediaBox [ 0 0 ' + sheet[paper, rankdir] + b' ]') == 5  # a page a frame


@pytest.mark.parametrize('program,flags,options', [
    ('examples/L.mg', [], {}),
    ('examples/L.mg', ['--values', 'all', '--scheme', 'forward', '--h', '0.001'],
     dict(values='all', scheme='forward', h=0.001)),
    ('examples/neuron.mg', [], {}),
    ('examples/neuron.mg', ['--values', 'all', '--tol', '1e-9'], dict(values='all', tol=1e-9)),
    ('x = 0.0; y = relu(x) + x**2', [], {}),  # a kink
    ('x = 3.0; y = x * x', ['--scheme', 'forward', '--h', '0.1'],
     dict(scheme='forward', h=0.1)),  # a failure
])
def test_check_is_micrograd_check(tmp_path, program, flags, options):
    if program.endswith('.mg'):
        path = source(*program.split('/'))
        program = open(path).read()
    else:
        path = tmp_path / 'program.mg'
        path.write_text(program)
    v, last = python_program(program)
    got = check(v[last], **options)
    r = run_cli('check', str(path), '--json', *flags)
    want = json.loads(r.stdout)
    assert r.returncode == (0 if got.ok else 1), r.stderr
    assert (got.ok, got.h) == (want['ok'], want['h'])
    key = 'values' if options.get('values') == 'all' else 'leaves'
    assert [(c.name, c.analytic, c.numeric, c.ok, c.differentiable) for c in got.results] == [
        (w['name'], number(w['analytic']), number(w['numeric']), w['ok'],
         w.get('differentiable', True)) for w in want[key]]
    assert [c.value for c in got.results] == [v[w['name']] for w in want[key]]
    text = run_cli('check', str(path), *flags)
    assert repr(got) + '\n' == text.stdout  # the same report, line for line
    assert v[last].grad == 0  # on a copy
