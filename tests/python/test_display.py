"""draw_dot, lesson and check as a notebook uses them: inline reprs, files,
options, snapshots and errors with the library's messages."""
import html
import os

import pytest

from conftest import build_L
from micrograd_c import Drawing, Lesson, Value, check, draw_dot, lesson


@pytest.fixture
def L():
    v = build_L()
    v['L'].backward()
    return v


def test_drawing_reprs_and_source(L):
    d = draw_dot(L['L'])
    assert isinstance(d, Drawing) and d.format == 'svg'
    svg = d._repr_svg_()
    assert svg.startswith('<?xml') and svg.count('class="node value') == 7
    assert d._repr_png_().startswith(b'\x89PNG\r\n\x1a\n')
    assert d.source.startswith('digraph') and '{ L | data -8.0000 | grad 1.0000 }' in d.source
    bundle = d._repr_mimebundle_()
    assert set(bundle) == {'text/plain', 'image/svg+xml'} and bundle['image/svg+xml'] == svg
    png = draw_dot(L['L'], format='png')
    assert set(png._repr_mimebundle_()) == {'text/plain', 'image/png'}
    assert repr(d) == "<micrograd_c.Drawing of 7 values, format 'svg'>"


def test_micrograds_signature(L):
    # trace_graph.ipynb's draw_dot(root, format='svg', rankdir='LR')
    positional = draw_dot(L['L'], 'dot', 'TB').source
    assert positional == draw_dot(L['L'], format='dot', rankdir='TB').source
    assert 'rankdir=TB' in positional


def test_save_by_extension(L, tmp_path):
    d = draw_dot(L['L'])
    for ext in ('svg', 'png', 'pdf', 'dot'):
        path = tmp_path / f'L.{ext}'
        assert d.save(path) == str(path)
        data = path.read_bytes()
        assert data == d.pipe(ext)
    assert (tmp_path / 'L.pdf').read_bytes().startswith(b'%PDF')
    d.save(tmp_path / 'picture', format='png')
    assert (tmp_path / 'picture').read_bytes() == d.pipe('png')
    with pytest.raises(ValueError, match="cannot tell the format of"):
        d.save(tmp_path / 'L.gif')
    with pytest.raises(FileNotFoundError):
        d.save(tmp_path / 'missing' / 'L.svg')
    assert sorted(os.listdir(tmp_path)) == ['L.dot', 'L.pdf', 'L.png', 'L.svg', 'picture']
    out = d.render(str(tmp_path / 'g'))
    assert out == str(tmp_path / 'g.svg') and (tmp_path / 'g').read_text() == d.source


def test_a_drawing_is_a_snapshot(L):
    d = draw_dot(L['L'], format='dot')
    before = d.source
    L['a'].data = 100.0
    L['L'].grad = 5
    assert d.source == before
    assert draw_dot(L['L'], format='dot').source != before


def test_roles_and_several_roots():
    x = Value(1.0, label='x')
    w = Value(0.5)
    w._role = 'param'
    y = x * w + 2
    z = y.tanh()
    src = draw_dot([y, z], format='dot').source
    assert [f'v{i}_op -> v{i};' in src for i in range(6)] == [False, False, True, False, True, True]
    svg = draw_dot(z)._repr_svg_()
    for role in ('input', 'param', 'const', 'result'):
        assert f'class="node value {role}' in svg


def test_drawing_errors_have_the_librarys_messages(L):
    root = L['L']
    with pytest.raises(TypeError, match="a root must be a Value"):
        draw_dot(3)
    with pytest.raises(ValueError, match="no root"):
        draw_dot([])
    with pytest.raises(ValueError, match="rankdir must be 'LR' or 'TB', not 'XY'"):
        draw_dot(root, rankdir='XY')
    with pytest.raises(ValueError, match="^theme must be 'light', 'dark' or 'print', not 'neon'$"):
        draw_dot(root, theme='neon')
    with pytest.raises(ValueError, match="^theme must be 'light', 'dark' or 'print', not 'neon'$"):
        lesson(root, theme='neon')
    with pytest.raises(ValueError, match="^paper must be 'a4' or 'letter', not 'legal'$"):
        lesson(root, paper='legal')
    with pytest.raises(ValueError, match="precision 18 is not in 0..17"):
        draw_dot(root, precision=18)
    with pytest.raises(ValueError, match="dpi"):
        draw_dot(root, dpi=5000)
    with pytest.raises(ValueError, match="format"):
        draw_dot(root, format='gif')
    with pytest.raises(ValueError, match=r"^the graph has 7 values, more than the limit of 3; "
                                         r"pass max_nodes=N to draw it anyway \(0: no limit\)$"):
        draw_dot(root, max_nodes=3)
    with pytest.raises(TypeError):
        draw_dot(root, colour=True)
    chain = Value(0.5)
    for i in range(1, 400):  # 1,200 values: readable only at 370,000 x 22,000 pixels
        chain = (chain * 0.9 + i).tanh()
    with pytest.raises(ValueError, match=r"^a PNG of this graph with readable text .* px high; "
                                         r"draw it as SVG or PDF \(format='svg'\), or choose "
                                         r"the resolution with dpi=N$"):
        draw_dot(chain, format='png', max_nodes=0).pipe('png')
    bad = Value(1.0, label='\udc80')  # a lone surrogate cannot be UTF-8
    with pytest.raises(UnicodeEncodeError):
        draw_dot(bad)
    # no space before a multibyte first character: Graphviz would drop the one after it
    assert '{α → β | data 1.0000 | grad 0.0000 }' in draw_dot(Value(1.0, label='α → β')).source


def test_lesson(L, tmp_path):
    les = lesson(L['L'], title='the L example')
    assert isinstance(les, Lesson) and len(les) == 5
    assert les.captions[1] == "L.grad = 1: dL/dL = 1, the root's gradient with respect to itself"
    assert les.frame(0).startswith(b'<?xml') and les.frame(-1, 'png').startswith(b'\x89PNG')
    page = les.page()  # the library's page (test_versus_cli: the CLI's bytes)
    assert page.startswith(b'<!DOCTYPE html>') and page.count(b'<figcaption class="caption') == 5
    text = page.decode('utf-8')
    assert '<title>the L example · backpropagation' in text and '<h1>the L example</h1>' in text
    assert '<span id="counter" aria-live="polite">step 1 of 5</span>' in text
    assert '<span class="head">L.grad <span class="nb">= 1:</span></span> dL/dL <span class="nb">= 1,</span> the root' in text
    assert les.page() is page  # made once
    inline = les._repr_html_()  # a page of its own, in an iframe
    assert inline.startswith('<iframe srcdoc="') and inline.endswith('></iframe>')
    assert html.unescape(inline.split('"')[1]) == text
    assert ' title="the L example" ' in inline
    path = tmp_path / 'L.html'
    assert les.save(path) == str(path)
    assert path.read_bytes() == page
    with pytest.raises(ValueError):
        les.save(tmp_path / 'L.svg')
    pdf = tmp_path / 'L.pdf'  # the handout: one page per frame, the same bytes each time
    assert les.save(pdf) == str(pdf)
    assert pdf.read_bytes() == les.handout() and pdf.read_bytes().startswith(b'%PDF-')
    assert pdf.read_bytes().count(b'/Type /Page %') == 5
    with pytest.raises(IndexError):
        les.frame(5)
    assert repr(les) == "<micrograd_c.Lesson 'the L example': 5 frames>"
    named = lesson(L['L'], title=None).page().decode('utf-8')  # the root's name
    assert '<title>L · ' in named and '<h1>L</h1>' in named
    odd = lesson(L['L'], title='a < b & "c"')
    assert '<h1>a &lt; b &amp; &quot;c&quot;</h1>' in odd.page().decode('utf-8')
    assert ' title="a &lt; b &amp; &quot;c&quot;" ' in odd._repr_html_()


def test_lesson_errors():
    with pytest.raises(TypeError, match='a lesson needs a Value'):
        lesson([Value(1.0)])
    x = Value(1.0)
    y = x
    for _ in range(20):
        y = y * 1.5
    with pytest.raises(ValueError, match='the graph has 41 values, more than the limit of 10; '
                       'pass max_nodes=N'):
        lesson(y, max_nodes=10)
    with pytest.raises(ValueError, match='precision'):
        lesson(x * 2, precision=99)


def test_check(L):
    L['a'].grad = 42.0  # the check runs on a copy: this stays
    result = check(L['L'])
    assert result and result.ok and result.failed == result.kinks == 0
    assert [r.value for r in result.results] == [L[n] for n in 'abcf']
    assert [r.name for r in result.results] == list('abcf')
    a = result.results[0]
    assert a.analytic == 6.0 and a.verdict == 'ok' and a.ok and a.differentiable
    assert a.step == 2 ** -19  # 1e-6 * max(1, |2.0|), to a power of two
    assert repr(result).splitlines()[-1] == 'ok: 4 leaves, h = 1e-06'
    every = check(L['L'], values='all')  # creation order, the root last
    assert [r.name for r in every.results] == list('abcedfL')
    assert every.results[-1].analytic == 1.0
    assert repr(every).splitlines()[-1] == 'ok: 7 values, h = 1e-06'
    # the lecture's nudge: d by h = 0.001, L recomputed
    nudge = check(L['L'], 0.001, values='all', scheme='forward', tol=1e-3)
    d = nudge.results[4]
    assert (d.name, d.numeric, d.step) == ('d', -2.000000000000668, 0.001)
    assert repr(nudge).splitlines()[-1] == 'ok: 7 values, h = 0.001'
    assert L['a'].grad == 42.0 and L['L'].grad == 1 and L['L'].data == -8.0


def test_check_kinks_failures_and_errors(L):
    x = Value(0.0, label='x')
    kink = check(x.relu())  # relu at 0: 0 by backward, 0.5 by the difference
    (r,) = kink.results
    assert kink and kink.kinks == 1 and not r.differentiable and r.ok and r.verdict == 'kink'
    assert r.analytic == 0 and r.numeric == 0.5
    assert repr(kink) == ('kink x: analytic 0.0, numeric 0.5 (not differentiable here)\n'
                          'ok: 1 leaf (1 not differentiable), h = 1e-06')
    y = Value(3.0, label='y')
    coarse = check(y * y, 0.1, scheme='forward')  # (3.1**2 - 9) / 0.1 = 6.1
    assert not coarse and coarse.failed == 1 and coarse.results[0].verdict == 'FAIL'
    assert repr(coarse).startswith('FAIL y: analytic 6.0, numeric 6.1')
    assert repr(coarse).endswith('FAILED: 1 leaf, h = 0.1')
    const = Value(2.0) * 3  # the 3 is a constant: not checked
    assert [r.name for r in check(const).results] == ['v0']
    for bad in (dict(h=-1), dict(h=float('nan')), dict(tol=0)):
        with pytest.raises(ValueError, match='^mg_check: h and tol must be finite and positive$'):
            check(L['L'], **bad)
    with pytest.raises(ValueError, match="^values must be 'leaves' or 'all', not 'some'$"):
        check(L['L'], values='some')
    with pytest.raises(ValueError, match="^scheme must be 'central' or 'forward', not 'back'$"):
        check(L['L'], scheme='back')
    with pytest.raises(TypeError):
        check(L['L'], h='small')
    with pytest.raises(TypeError):
        check('L')


def test_the_readme_cell_runs():
    import re

    from conftest import source
    with open(source('README.md'), encoding='utf-8') as f:
        (cell,) = re.findall(r'```python\n(.*?)```', f.read(), re.S)
    assert len(cell.strip().splitlines()) == 5
    env = {}
    exec(cell, env)
    assert env['L'].data == 4.0 and env['a'].grad == -3.0
    assert isinstance(draw_dot(env['L']), Drawing)
