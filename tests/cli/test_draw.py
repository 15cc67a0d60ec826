"""CLI tests of `micrograd draw`: formats, golden files, -o behaviour, errors.

Golden files (tests/golden/) are the exact bytes of this build's output; after a
deliberate change to the picture, rewrite them with MG_UPDATE_GOLDEN=1.
"""
import json
import os
import re
import stat
import xml.etree.ElementTree as ET

import clitest
from clitest import expect, expect_true, golden, run, source, tempdir, test

L_MG = source('examples', 'L.mg')
NEURON_MG = source('examples', 'neuron.mg')
SVG_NS = '{http://www.w3.org/2000/svg}'

# Every value of the two video examples: label, data, grad (hand-derived).
L_VALUES = [('a', '2.0000', '6.0000'), ('b', '-3.0000', '-4.0000'), ('c', '10.0000', '-2.0000'),
            ('e', '-6.0000', '-2.0000'), ('d', '4.0000', '-2.0000'), ('f', '-2.0000', '4.0000'),
            ('L', '-8.0000', '1.0000')]
NEURON_VALUES = [('x1', '2.0000', '-1.5000'), ('x2', '0.0000', '0.5000'),
                 ('w1', '-3.0000', '1.0000'), ('w2', '1.0000', '0.0000'),
                 ('b', '6.8814', '0.5000'), ('x1w1', '-6.0000', '0.5000'),
                 ('x2w2', '0.0000', '0.5000'), ('x1w1x2w2', '-6.0000', '0.5000'),
                 ('n', '0.8814', '0.5000'), ('o', '0.7071', '1.0000')]


def svg_nodes(svg_bytes):
    """{node id: [texts]} and the edge count of an SVG made by draw."""
    root = ET.fromstring(svg_bytes)
    nodes, edges = {}, 0
    for g in root.iter(SVG_NS + 'g'):
        cls = g.get('class', '')
        if cls.startswith('node'):
            nodes[g.get('id')] = [t.text for t in g.iter(SVG_NS + 'text')]
        elif cls == 'edge':
            edges += 1
    return nodes, edges


def check_svg(svg_bytes, values, n_ops, n_edges):
    nodes, edges = svg_nodes(svg_bytes)
    records = [texts for texts in nodes.values() if len(texts) == 3]
    expect(sorted(records), sorted([label, 'data ' + d, 'grad ' + g] for label, d, g in values), 'records')
    expect(len(nodes), len(values) + n_ops, 'nodes')
    expect(edges, n_edges, 'edges')


def svg_centres(svg_bytes):
    """{node id: (x, y)} of an SVG made by draw (SVG axes: y grows down), and
    its edges as (tail id, head id, head port or '')."""
    root = ET.fromstring(svg_bytes)
    centres, edges = {}, []
    for g in root.iter(SVG_NS + 'g'):
        cls = g.get('class', '')
        title = g.find(SVG_NS + 'title').text if g.find(SVG_NS + 'title') is not None else ''
        if cls == 'edge':
            tail, head = title.split('->')
            edges.append((tail, *(head.split(':') + [''])[:2]))
        elif cls.startswith('node'):
            xs, ys = [], []
            for shape in g.iter():
                if shape.tag == SVG_NS + 'ellipse':
                    xs.append(float(shape.get('cx')))
                    ys.append(float(shape.get('cy')))
                elif shape.get('points') or shape.get('d'):
                    nums = [float(t) for t in re.findall(r'-?[0-9.]+', shape.get('points') or shape.get('d'))]
                    xs += nums[0::2]
                    ys += nums[1::2]
            centres[g.get('id')] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return centres, edges


# Each program makes its non-commutative op's second operand first, so that
# creation order alone would draw the operands backwards.
ORDERED_OPS = [
    ('x = 3.0\none = 1.0\nz = one - x\n', 'z', 'one', 'x'),
    ('x = 3.0\ntwo = 2.0\nr = two / x\n', 'r', 'two', 'x'),
    ('x = 3.0\ntwo = 2.0\nr = x / two\n', 'r', 'x', 'two'),
    ('x = 3.0\ny = 2.0\np = y ** x\n', 'p', 'y', 'x'),
    ('y = 2.0\nx = 3.0\nm = 1.0\nz = (m - x) / (y - m)\n', 'z', None, None),
]


@test
def pdf_is_the_same_bytes_on_the_svg_page():
    # Graphviz's PDF device adds 36 pt of margin on every side and cairo a
    # creation date: ours has neither (SOURCE_DATE_EPOCH's date when set)
    d = tempdir()
    env = {k: v for k, v in os.environ.items() if k != 'SOURCE_DATE_EPOCH'}
    for mg, args in ((L_MG, []), (NEURON_MG, ['--rankdir', 'TB', '--title', 'a neuron'])):
        a, b, c, svg = (os.path.join(d, n) for n in ('a.pdf', 'b.pdf', 'c.pdf', 'x.svg'))
        for out, e in ((a, env), (b, env), (c, {**env, 'SOURCE_DATE_EPOCH': '86400'}), (svg, env)):
            r = run(['draw', mg, '-o', out] + args, env=e)
            expect((r.status, r.err), (0, ''), out)
        pa, pb, pc = (open(p, 'rb').read() for p in (a, b, c))
        expect(pa, pb, f'{mg}: byte-identical')
        expect(pa.replace(b'(19700101000000Z)', b'(19700102000000Z)'), pc, f'{mg}: the date only')
        m = re.search(rb'<svg width="(\d+)pt" height="(\d+)pt"', open(svg, 'rb').read())
        expect(re.findall(rb'/MediaBox \[ 0 0 (\d+) (\d+) \]', pa), [m.groups()], f'{mg}: page')
        if mg == L_MG:  # -T pdf to standard output: the same bytes as the file
            r = run(['draw', mg, '-T', 'pdf'], env=env)
            expect(r.out, pa, 'draw -T pdf')


@test
def operands_of_non_commutative_ops_come_in_order():
    """-, / and a ** b draw their first operand above the second (LR) or to its
    left (TB), whatever order the values were made in, and its edge enters the
    op's top left corner (LR, nw) or left top (TB, nw), the second's the bottom
    left (sw) or right top (ne)."""
    for program, result, first, second in ORDERED_OPS:
        for rankdir in ('LR', 'TB'):
            r = run(['draw', '-', '-T', 'svg', '--rankdir', rankdir], stdin=program.encode())
            expect((r.status, r.err), (0, ''), program)
            centres, edges = svg_centres(r.out)
            nodes, _ = svg_nodes(r.out)
            ids = {texts[0]: node for node, texts in nodes.items() if len(texts) == 3}
            ops = [head for tail, head, port in edges if port]
            expect_true(len(ops) > 0, f'{program}: no op marked')
            for op in sorted(set(ops)):
                ins = [(tail, port) for tail, head, port in edges if head == op]
                expect(sorted(port for _, port in ins), sorted(['nw', 'ne' if rankdir == 'TB' else 'sw']),
                       f'{program} {rankdir} ports')
                a = next(tail for tail, port in ins if port == 'nw')
                b = next(tail for tail, port in ins if port != 'nw')
                axis = 1 if rankdir == 'LR' else 0
                expect_true(centres[a][axis] < centres[b][axis],
                            f'{program} {rankdir}: {a} at {centres[a]} not before {b} at {centres[b]}')
                if first and op == ids[result] + '_op':
                    expect((a, b), (ids[first], ids[second]), f'{program} {rankdir} operands')


@test
def golden_dot_and_svg_of_the_video_examples():
    for name, path in (('L', L_MG), ('neuron', NEURON_MG)):
        for fmt in ('dot', 'svg'):
            r = run(['draw', path, '-T', fmt])
            expect(r.status, 0, f'{name}.{fmt} exit')
            expect(r.err, '', f'{name}.{fmt} stderr')
            golden(f'{name}.{fmt}', r.out)


@test
def svg_shows_every_value():
    r = run(['draw', L_MG])
    expect(r.status, 0, 'exit')
    check_svg(r.out, L_VALUES, 3, 9)
    r = run(['draw', NEURON_MG])
    check_svg(r.out, NEURON_VALUES, 5, 14)


@test
def output_is_byte_identical_run_after_run():
    for fmt in ('svg', 'png', 'dot'):
        a = run(['draw', NEURON_MG, '-T', fmt, '-o', '-'])
        b = run(['draw', NEURON_MG, '-T', fmt, '-o', '-'])
        expect_true(a.out == b.out and a.out, f'{fmt} differs between runs')


@test
def formats_from_option_and_extension():
    d = tempdir()
    magic = {'png': b'\x89PNG\r\n\x1a\n', 'pdf': b'%PDF-', 'svg': b'<?xml', 'dot': b'digraph micrograd {'}
    for ext, fmt in (('png', 'png'), ('pdf', 'pdf'), ('svg', 'svg'), ('dot', 'dot'), ('gv', 'dot')):
        out = os.path.join(d, 'L.' + ext)
        r = run(['draw', L_MG, '-o', out])
        expect(r.status, 0, ext)
        expect((r.out, r.err), (b'', ''), ext + ' output')
        with open(out, 'rb') as f:
            data = f.read()
        expect_true(data.startswith(magic[fmt]), f'{ext}: starts with {data[:10]!r}')
        expect_true(len(data) > 1000, f'{ext}: only {len(data)} bytes')
    # -T wins over the extension
    out = os.path.join(d, 'picture.svg')
    expect(run(['draw', L_MG, '-T', 'png', '-o', out]).status, 0, '-T png')
    with open(out, 'rb') as f:
        expect(f.read(8), magic['png'], '-T png into .svg')
    # no -o: SVG on standard output
    r = run(['draw', L_MG])
    expect_true(r.out.startswith(b'<?xml'), 'stdout svg')
    ET.fromstring(r.out)


@test
def numeric_grads_beside_the_analytic_ones():
    r = run(['draw', L_MG, '--numeric', '-T', 'dot'])
    expect(r.status, 0, r.err)
    dot = r.out.decode()
    for box in ('{ a | data 2.0000 | grad 6.0000 | num 6.0000 }',
                '{ d | data 4.0000 | grad -2.0000 | num -2.0000 }',
                '{ L | data -8.0000 | grad 1.0000 | num 1.0000 }'):
        expect_true(f'label="{box}"' in dot, box)
    expect(dot.count('| num '), 7, 'every value of the file')
    # the same numbers as check's, in the tooltips in full
    check = run(['check', L_MG, '--json', '--values', 'all'])
    for v in json.loads(check.out)['values']:
        text = repr(v['numeric']) if isinstance(v['numeric'], float) else v['numeric']
        expect_true(f"{v['name']}: data " in dot and f'numeric {text}' in dot, v)
    # with --mlp and its loss: every value the loss depends on
    r = run(['draw', '--mlp', '2,1', '--input', '1,2', '--target', '0.5', '--numeric', '-T', 'dot'])
    expect(r.status, 0, r.err)
    expect(r.out.decode().count('| num '), r.out.decode().count('| grad '), 'a num beside each grad')
    see = " (see 'micrograd draw --help')\n"
    for args, err in (
            ([L_MG, '--numeric', '--forward-only'], '--numeric stands beside the grads: not with --forward-only'),
            (['--mlp', '2,1', '--input', '1,2', '--numeric'],
             '--numeric with --mlp needs --target (the loss it differentiates)'),
            (['--mlp', '2,1', '--input', '1,2', '--target', '1', '--numeric', '--view', 'neurons'],
             '--numeric shows in the boxes of values: not with --view neurons')):
        r = run(['draw'] + args)
        expect(r.status, 2, f'{args}')
        expect(r.err, 'micrograd: error: draw: ' + err + see, f'{args}')


@test
def format_names_ignore_case():
    # one rule for every command: x.PNG means PNG, and so does -T PNG
    d = tempdir()
    magic = {'png': b'\x89PNG\r\n\x1a\n', 'pdf': b'%PDF-', 'svg': b'<?xml', 'dot': b'digraph'}
    for name, fmt in (('L.PNG', 'png'), ('L.Svg', 'svg'), ('L.PDF', 'pdf'), ('L.GV', 'dot')):
        out = os.path.join(d, name)
        r = run(['draw', L_MG, '-o', out])
        expect(r.status, 0, f'{name}: {r.err}')
        with open(out, 'rb') as f:
            expect_true(f.read().startswith(magic[fmt]), name)
    r = run(['draw', L_MG, '-T', 'DOT'])
    expect(r.status, 0, r.err)
    expect_true(r.out.startswith(magic['dot']), '-T DOT')


@test
def png_dpi_sets_the_size():
    d = tempdir()
    sizes = []
    for dpi in ('72', '144'):
        out = os.path.join(d, f'n{dpi}.png')
        expect(run(['draw', NEURON_MG, '--dpi', dpi, '-o', out]).status, 0, dpi)
        with open(out, 'rb') as f:
            head = f.read(24)
        sizes.append((int.from_bytes(head[16:20], 'big'), int.from_bytes(head[20:24], 'big')))
    (w1, h1), (w2, h2) = sizes
    expect_true(abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2, f'144 dpi is twice 72 dpi: {sizes}')


@test
def png_records_its_dpi_and_every_edge_pixel_is_opaque():
    # Graphviz's cairo PNG had a partly transparent last row and column, no pHYs
    d = tempdir()
    for name, args, dpi in (('L', [L_MG], 192), ('neuron', [NEURON_MG, '--dpi', '72'], 72),
                            ('dark', [NEURON_MG, '--theme', 'dark', '--dpi', '333'], 333),
                            ('tb', [L_MG, '--rankdir', 'TB', '--dpi', '97'], 97)):
        out = os.path.join(d, name + '.png')
        r = run(['draw'] + args + ['-o', out])
        expect(r.status, 0, r.err)
        data = open(out, 'rb').read()
        expect(clitest.png_dpi(data), round(dpi / 0.0254), f'{name}: pHYs of {dpi} dpi')
        expect(clitest.png_edge_alphas(data), {255}, f'{name}: opaque edges')


@test
def options_change_the_picture():
    dot = run(['draw', L_MG, '-T', 'dot', '--forward-only', '--rankdir', 'TB', '--precision', '2']).out
    expect_true(b'label="a | data 2.00"' in dot, 'forward-only, TB, precision 2')
    expect_true(b'| grad' not in dot and b'rankdir=TB' in dot, 'no grads, TB')
    dot = run(['draw', L_MG, '-T', 'dot', '--edge-grads']).out
    expect_true(b'v0 -> v3_op\t[fontsize=12,\n\t\theadlabel=6.0000,' in dot, 'edge grads')
    dot = run(['draw', L_MG, '-T', 'dot', '--root', 'd', '--title', 'd = a*b + c']).out
    expect_true(b'label="d = a*b + c"' in dot and b'"{ f |' not in dot, '--root d leaves f out')
    dark = run(['draw', L_MG, '--theme', 'dark']).out
    expect_true(b'fill="#16191f"' in dark, 'dark background')
    printed = run(['draw', L_MG, '-T', 'dot', '--theme', 'print']).out
    expect_true(b'#dbeafe' not in printed and b'#1e4e8c' not in printed, 'print has no colour')
    colored = run(['draw', L_MG, '-T', 'dot', '--color-grad']).out
    expect_true(b'fillcolor="#799fce"' in colored, 'colour by grad')


@test
def existing_output_untouched_on_failure():
    d = tempdir()
    out = os.path.join(d, 'out.svg')
    with open(out, 'w') as f:
        f.write('keep')
    bad = os.path.join(d, 'bad.mg')
    with open(bad, 'w') as f:
        f.write('a = 1\nb = a +* 2\n')
    r = run(['draw', bad, '-o', out])
    expect(r.status, 2, 'exit')
    expect(r.err, f"{bad}:2:8: error: expected an expression, found '*'\n    b = a +* 2\n           ^\n")
    with open(out) as f:
        expect(f.read(), 'keep', 'old output')
    expect(sorted(os.listdir(d)), ['bad.mg', 'out.svg'], 'no temporary left')


@test
def node_limit_refuses_with_the_option_named():
    d = tempdir()
    out = os.path.join(d, 'big.svg')
    r = run(['draw', L_MG, '--max-nodes', '6', '-o', out])
    expect(r.status, 2, 'exit')
    expect(r.err, 'micrograd: error: the graph has 7 values, more than the limit of 6; '
           'use --max-nodes N to draw it anyway (--max-nodes 0: no limit)\n')
    expect(os.listdir(d), [], 'no file')
    expect(run(['draw', L_MG, '--max-nodes', '7', '-o', out]).status, 0, 'at the limit')
    # a chain of 1 + 2 * 1249 = 2,499 values (a leaf, then a constant and an add
    # per line) is over the default limit
    src = 'x0 = 1\n' + ''.join(f'x{i} = x{i - 1} + 1\n' for i in range(1, 1250))
    r = run(['draw', '-', '-o', os.path.join(d, 'chain.svg')], stdin=src.encode())
    expect(r.status, 2, 'default limit')
    expect(r.err, 'micrograd: error: the graph has 2499 values, more than the limit of 2000; '
           'use --max-nodes N to draw it anyway (--max-nodes 0: no limit)\n')


@test
def usage_errors_exit_2():
    cases = [
        (['draw'], 'missing FILE (use - for standard input)'),
        (['draw', L_MG, '-T', 'gif'], "unknown format 'gif' (svg, png, pdf or dot)"),
        (['draw', L_MG, '-o', 'out.txt'], "-o 'out.txt': unknown extension '.txt' (.svg, .png, .pdf, .dot or .gv; or use -T)"),
        (['draw', L_MG, '-o', 'noext'], "-o 'noext': no extension to tell the format by (.svg, .png, .pdf, .dot or .gv; or use -T)"),
        (['draw', L_MG, '-o', 'x.html'], "-o 'x.html': unknown extension '.html' (.svg, .png, .pdf, .dot or .gv; or use -T)"),
        (['draw', L_MG, '--rankdir', 'RL'], "--rankdir must be LR or TB, not 'RL'"),
        (['draw', L_MG, '--theme', 'neon'], "--theme must be light, dark or print, not 'neon'"),
        (['draw', L_MG, '--bogus'], "unknown option '--bogus'"),
        (['draw', L_MG, L_MG], f"one FILE only ('{L_MG}' is extra)"),
        (['draw', L_MG, '-o'], "option '-o' needs a value"),
    ]
    d = tempdir()
    for args, message in cases:
        r = run(args, cwd=d)
        expect(r.status, 2, ' '.join(args))
        expect_true(r.err.startswith('micrograd draw: ' + message) or
                    r.err.startswith('micrograd: error: ' + message) or message in r.err,
                    f'{args}: {r.err!r}')
        expect(r.out, b'', 'stdout')
    expect(os.listdir(d), [], 'no file written')
    for opt, value in (('--precision', '18'), ('--dpi', '0'), ('--max-nodes', '-1')):
        r = run(['draw', L_MG, opt, value])
        expect(r.status, 2, opt)
        expect_true(opt in r.err, r.err)


@test
def input_errors():
    r = run(['draw', '/nonexistent/x.mg'])
    expect(r.status, 2, 'missing file')
    expect_true(r.err.startswith('micrograd: error: '), r.err)
    r = run(['draw', L_MG, '--root', 'zz'])
    expect(r.status, 2, 'bad root')
    expect(r.err, f"micrograd: error: --root 'zz': {L_MG} defines no such name\n")


@test
def unwritable_output_fails_cleanly():
    d = tempdir()
    r = run(['draw', L_MG, '-o', os.path.join(d, 'no', 'such', 'dir.svg')])
    expect(r.status, 1, 'exit')
    expect_true(r.err.startswith('micrograd: error: cannot write'), r.err)
    if os.path.exists('/dev/full'):
        r = run(['draw', L_MG, '-T', 'svg', '-o', '/dev/full'])
        expect(r.status, 1, '/dev/full')
        expect_true('No space left on device' in r.err, r.err)


@test
def dot_output_reads_back_into_graphviz():
    """The DOT text is for people who run dot themselves: it must show the same texts."""
    import shutil
    import subprocess
    if not shutil.which('dot'):
        return
    for path in (L_MG, NEURON_MG):
        dot_text = run(['draw', path, '-T', 'dot']).out
        p = subprocess.run(['dot', '-Tsvg'], input=dot_text, capture_output=True, timeout=60)
        expect((p.returncode, p.stderr), (0, b''), 'dot -Tsvg')
        theirs, _ = svg_nodes(p.stdout)
        ours, _ = svg_nodes(run(['draw', path]).out)
        expect(theirs, ours, 'node texts')


@test
def help_has_examples():
    r = run(['draw', '--help'])
    expect(r.status, 0, 'exit')
    expect_true(b'usage: micrograd draw FILE' in r.out and b'examples:' in r.out, 'help')
    r = run(['--help'])
    expect_true(b'draw' in r.out, 'listed in the program help')


clitest.main()


@test
def boxes_do_not_depend_on_the_installed_helvetica():
    # Box sizes come from Liberation Sans' table (viz/textlayout.c) whatever
    # font the machine gives Helvetica: here Liberation Serif, much narrower.
    # The SVG is the same bytes and the PNG the same pixel size; with pango
    # measuring, every box would shrink.
    d = tempdir()
    conf = os.path.join(d, 'serif.conf')
    with open(conf, 'w') as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                '<fontconfig><dir>/usr/share/fonts/truetype/liberation2</dir>'
                '<cachedir>' + os.path.join(d, 'cache') + '</cachedir>'
                '<match target="pattern"><edit name="family" mode="assign" binding="same">'
                '<string>Liberation Serif</string></edit></match></fontconfig>\n')
    serif = {'FONTCONFIG_FILE': conf}
    for name, args in (('L', [L_MG]), ('neuron TB', [NEURON_MG, '--rankdir', 'TB'])):
        sizes = []
        for env in (None, serif):
            svg = run(['draw'] + args, env=env)
            png = run(['draw'] + args + ['-T', 'png', '--dpi', '72'], env=env)
            expect((svg.status, png.status), (0, 0), svg.err + png.err)
            sizes.append((svg.out, png.out[16:24]))
        expect(sizes[1][0], sizes[0][0], f'{name}: the same SVG')
        expect(sizes[1][1], sizes[0][1], f'{name}: the same PNG size')
    # pango really draws with the other font: the PNGs' pixels differ
    a = run(['draw', L_MG, '-T', 'png', '--dpi', '72']).out
    b = run(['draw', L_MG, '-T', 'png', '--dpi', '72'], env=serif).out
    expect_true(a != b, 'the serif PNG is drawn in the serif font')
