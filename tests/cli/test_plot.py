"""CLI tests of `micrograd plot`: the lecture's numbers exactly, the pictures
(PNG with its DPI and opaque edges, SVG, PDF), --dpi, the choice of the leaf,
the parts where the function is not finite, and every error."""
import os
import struct

import clitest
from clitest import expect, expect_true, png_dpi, png_edge_alphas, run, source, tempdir, test

PARABOLA = source('examples', 'parabola.mg')
TANH = source('examples', 'tanh.mg')


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)
    return path


def numbers(at, y, d, nudge, h):
    return (f'at x = {at}: y = {y}, dy/dx = {d} (backward), (y(x + h) - y(x)) / h = {nudge} '
            f'(h = {h})\n').encode()


@test
def the_lecture_numbers():
    # Python: f = lambda x: 3*x**2 - 4*x + 5; (f(3 + h) - f(3)) / h
    cases = [
        (['--at', '3'], numbers('3.0', '20.0', '14.0', '14.00300000000243', '0.001')),
        (['--at', '3', '--h', '0.000001'], numbers('3.0', '20.0', '14.0', '14.000003002223593', '1e-06')),
        (['--at', '-3'], numbers('-3.0', '44.0', '-22.0', '-21.996999999998934', '0.001')),
        (['--at', '2/3'], numbers('0.6666666666666666', '3.666666666666667', '0.0',
                                  '0.0029999999995311555', '0.001')),
    ]
    for args, want in cases:
        r = run(['plot', PARABOLA, '--text'] + args)
        expect(r.status, 0, f'{args}: {r.err}')
        expect(r.out, want, f'{args}')
        expect(r.err, '', f'{args}: stderr')


@test
def png_records_its_dpi_and_is_opaque():
    d = tempdir()
    out = os.path.join(d, 'parabola.png')
    r = run(['plot', PARABOLA, '--at', '3', '-o', out])
    expect(r.status, 0, r.err)
    expect(r.out, numbers('3.0', '20.0', '14.0', '14.00300000000243', '0.001'), 'the numbers too')
    data = open(out, 'rb').read()
    expect(png_dpi(data), 5669, '144 dpi in pixels per metre')
    expect(png_edge_alphas(data), {255}, 'every edge pixel opaque')
    expect(struct.unpack('>II', data[16:24]), (1280, 1020), '640 x 510 points at 144 dpi')
    expect(sorted(os.listdir(d)), ['parabola.png'], 'no temporary file')


@test
def dpi_sets_the_pixels_exactly():
    d = tempdir()
    for dpi, size, ppm in (('72', (640, 510), 2835), ('300', (2667, 2125), 11811)):
        out = os.path.join(d, f'p{dpi}.png')
        r = run(['plot', PARABOLA, '--at', '3', '--dpi', dpi, '-o', out])
        expect(r.status, 0, r.err)
        data = open(out, 'rb').read()
        expect(struct.unpack('>II', data[16:24]), size, f'--dpi {dpi}: round(points * dpi / 72)')
        expect(png_dpi(data), ppm, f'--dpi {dpi} recorded')
    # without --at: no lines of numbers under the plot, a shorter picture
    out = os.path.join(d, 'tanh.png')
    r = run(['plot', TANH, '--dpi', '72', '-o', out])
    expect((r.status, r.out, r.err), (0, b'', ''), 'tanh')
    expect(struct.unpack('>II', open(out, 'rb').read()[16:24]), (640, 444), 'no numbers')


@test
def svg_and_pdf():
    r = run(['plot', PARABOLA, '--at', '3'])
    expect(r.status, 0, r.err)
    svg = r.text
    expect_true(svg.startswith('<?xml') and 'width="640pt" height="510pt"' in svg, svg[:300])
    expect_true('<image' not in svg, 'all vector')
    expect(run(['plot', PARABOLA, '--at', '3']).out, r.out, 'the same bytes again')
    d = tempdir()
    out = os.path.join(d, 'p.PDF')
    r = run(['plot', PARABOLA, '-o', out])
    expect((r.status, r.out), (0, b''), r.err)
    expect(open(out, 'rb').read(5), b'%PDF-', 'a PDF')
    r = run(['plot', PARABOLA, '-T', 'pdf'])
    expect(r.out[:5], b'%PDF-', '-T pdf to standard output')
    expect(run(['plot', PARABOLA, '-T', 'pdf']).out, r.out, 'the same PDF bytes again')
    expect_true(b'/MediaBox [ 0 0 640 444 ]' in r.out, 'one page of the picture in points')


@test
def the_title_is_the_root_line():
    a = run(['plot', TANH]).out
    b = run(['plot', TANH, '--title', 'y = tanh(x)']).out
    expect(a, b, 'the default title is the line of y')
    c = run(['plot', TANH, '--title', 'tanh']).out
    expect_true(a != c, '--title changes it')


@test
def choosing_the_leaf():
    d = tempdir()
    two = write(os.path.join(d, 'two.mg'), 'a = 2.0\nx = 3.0\ny = a*x + 1\n')
    r = run(['plot', two, '--at', '1', '--text'])
    expect((r.status, r.out), (2, b''), 'two leaves')
    expect(r.err, 'micrograd: error: y depends on 2 leaves (a, x): choose one with --var NAME\n')
    r = run(['plot', two, '--at', '1', '--text', '--var', 'x'])
    expect(r.status, 0, r.err)
    expect(r.out, numbers('1.0', '3.0', '2.0', '1.9999999999997797', '0.001'), 'a stays 2')
    r = run(['plot', two, '--at', '1', '--text', '--var', 'b'])
    expect((r.status, r.err), (2, 'micrograd: error: --var b: y depends on no leaf of that name '
                                  '(its leaves: a, x)\n'), '--var b')
    const = write(os.path.join(d, 'const.mg'), 'y = 3*2\nz = y + 1\n')
    r = run(['plot', const, '--text', '--at', '1', '--root', 'y'])
    expect((r.status, r.err), (2, 'micrograd: error: y is a number, not an expression of a leaf: '
                                  'nothing to plot\n'), 'a number')
    expect(run(['plot', const, '--text', '--at', '1']).status, 0, 'z varies y')


@test
def where_the_function_is_not_finite():
    d = tempdir()
    log = write(os.path.join(d, 'log.mg'), 'x = 1.0\ny = log(x)\n')
    out = os.path.join(d, 'log.svg')
    r = run(['plot', log, '--at', '1', '-o', out])
    expect(r.status, 0, r.err)
    expect(r.err, 'micrograd: warning: y is not finite at 201 of 401 points (x from -5.0 to 0.0): '
           'drawn where it is finite\n')
    expect(r.out, numbers('1.0', '0.0', '1.0', '0.9995003330834232', '0.001'), 'numbers')
    r = run(['plot', log, '--at', '0', '--text'])
    expect((r.status, r.out), (2, b''), 'at 0')
    expect(r.err, 'micrograd: error: y is not finite at x = 0.0 (-inf): no tangent there\n')
    r = run(['plot', log, '--range', '-3:-1', '-o', out])
    expect((r.status, r.err), (2, 'micrograd: error: y is not finite anywhere on the range '
                                  '(x from -3.0 to -1.0): nothing to draw\n'), 'nowhere')
    expect(sorted(os.listdir(d)), ['log.mg', 'log.svg'], 'no partial output')


@test
def usage_errors():
    d = tempdir()
    keep = write(os.path.join(d, 'keep.png'), 'old')
    help_ = " (see 'micrograd plot --help')\n"
    cases = [
        (['--at', '7', '--range', '-5:5'], '--at 7 is outside --range -5:5'),
        (['--range', '5:-5'], "--range wants A:B, two finite numbers with A < B, not '5:-5'"),
        (['--range', '1:inf'], "--range wants A:B, two finite numbers with A < B, not '1:inf'"),
        (['--range', '-5'], "--range wants A:B, two finite numbers with A < B, not '-5'"),
        (['--at', 'x'], "--at wants a finite number, not 'x'"),
        (['--at', '2/0'], "--at wants a finite number, not '2/0'"),
        (['--h', '0'], '--h must be positive'),
        (['--h', '-1'], '--h must be positive'),
        (['--dpi', '0'], "--dpi wants a whole number from 1 to 600, not '0'"),
        (['--dpi', '601'], "--dpi wants a whole number from 1 to 600, not '601'"),
        (['--text'], '--text prints the numbers at a point: give --at X'),
        (['--text', '--at', '1', '-o', keep], '--text prints numbers, not a picture: drop -o and -T'),
    ]
    for args, message in cases:
        r = run(['plot', PARABOLA, '-o', keep] + args if '-o' not in args else ['plot', PARABOLA] + args)
        expect((r.status, r.out), (2, b''), f'{args}')
        expect(r.err, f'micrograd: error: plot: {message}{help_}', f'{args}')
    r = run(['plot', PARABOLA, '-o', os.path.join(d, 'x.gif')])
    expect(r.status, 2, 'gif')
    expect_true('-o' in r.err and 'png' in r.err, r.err)
    r = run(['plot', '--at', '1'])
    expect((r.status, r.err), (2, 'micrograd: error: plot: missing FILE (use - for standard input)'
                                  + help_), 'no file')
    expect(open(keep).read(), 'old', 'untouched')
    expect(sorted(os.listdir(d)), ['keep.png'], 'nothing else written')


@test
def a_failed_write_leaves_nothing():
    d = tempdir()
    r = run(['plot', PARABOLA, '--at', '3', '-o', os.path.join(d, 'no', 'p.png')])
    expect((r.status, r.out), (1, b''), 'exit 1, no numbers')
    expect(r.err, f"micrograd: error: cannot write '{d}/no/p.png': No such file or directory\n")
    expect(os.listdir(d), [], 'nothing written')


@test
def standard_input_and_help():
    r = run(['plot', '-', '--at', '3', '--text'], stdin=b'x = 0.0\ny = 3*x**2 - 4*x + 5\n')
    expect(r.out, numbers('3.0', '20.0', '14.0', '14.00300000000243', '0.001'), 'from stdin')
    r = run(['plot', '--help'])
    expect(r.status, 0, 'help')
    expect_true(r.text.startswith('usage: micrograd plot FILE'), r.text[:60])
    for option in ('--at', '--range', '--h', '--var', '--output', '--format', '--dpi', '--title',
                   '--root', '--text', '--help'):
        expect_true(option in r.text, f'{option} in --help')


clitest.main()
