"""CLI tests of small messages and consistency: denormal option values,
CSV byte order marks and hex floats, the SVM target's column, plurals,
blanks in option values, train's format hint."""
import os
import re
import xml.dom.minidom

import clitest
from clitest import expect, expect_true, run, source, tempdir, test

L = source('examples', 'L.mg')


def write(path, text, mode='w'):
    with open(path, mode) as f:
        f.write(text)
    return path


@test
def denormal_option_values_are_finite():
    r = run(['train', '--steps', '1', '--lr', '1e-320'])
    expect(r.status, 0, f'exit ({r.err})')
    r = run(['check', '--h', '1e-320', L])
    expect('non-finite' in r.err or 'finite number' in r.err, False, f'--h 1e-320 ({r.err})')
    r = run(['train', '--steps', '1', '--lr', '1e400'])
    expect(r.status, 2, 'exit')
    expect(r.err, "micrograd: error: train: --lr wants a finite number, not '1e400' "
           "(see 'micrograd train --help')\n")


@test
def csv_byte_order_mark_skipped():
    d = tempdir()
    bom = write(os.path.join(d, 'bom.csv'), b'\xef\xbb\xbfx0,x1,y\n1,2,1\n2,1,-1\n', 'wb')
    r = run(['train', '--data', bom, '--steps', '1'])
    expect(r.status, 0, f'exit ({r.err})')
    bad = write(os.path.join(d, 'bad.csv'), b'\xef\xbb\xbf1,2,1\n2,x,-1\n', 'wb')
    r = run(['train', '--data', bad, '--steps', '1'])
    expect(r.err, f"{bad}:2:3: error: expected a number, found 'x'\n")


@test
def csv_hex_floats_refused():
    d = tempdir()
    hexes = write(os.path.join(d, 'hex.csv'), '1,2,1\n0x1p1,2,-1\n')
    r = run(['train', '--data', hexes, '--steps', '1'])
    expect(r.status, 2, 'exit')
    expect(r.err, f"{hexes}:2:1: error: expected a number, found '0x1p1'\n")


@test
def svm_target_error_points_at_the_target():
    d = tempdir()
    t = write(os.path.join(d, 't.csv'), '1,2,1\n2,  1,   3\n')
    r = run(['train', '--data', t, '--loss', 'svm', '--steps', '1'])
    expect(r.status, 2, 'exit')
    expect(r.err, f'{t}:2:10: error: the svm loss wants targets -1 or 1, not 3.0\n')


@test
def plurals():
    r = run(['train', '--steps', '1'])
    expect(r.text, 'tiny: MLP(3, [4, 4, 1]), mse loss, 1 step: final loss 3.934660016211576, '
           'accuracy 50.0%\n')
    r = run(['check', '-'], stdin=b'x = 2\ny = x * x\n')
    expect(r.text.splitlines()[-1], 'ok: 1 leaf, h = 1e-06')
    d = tempdir()
    one = write(os.path.join(d, 'one.csv'), '1,1\n2,-1\n')
    r = run(['train', '--data', 'moons', '--points', one])
    expect(r.err, f"micrograd: error: {one}: rows have 1 input, but the 'moons' network takes 2\n")


@test
def blanks_in_option_values_refused_alike():
    r = run(['draw', L, '-T', 'png', '--dpi', ' 5'])
    expect(r.status, 2, 'exit')
    expect(r.err, "micrograd: error: draw: --dpi wants a whole number from 1 to 1200, not ' 5' "
           "(see 'micrograd draw --help')\n")
    r = run(['train', '--steps', ' 3'])
    expect(r.status, 2, 'exit')
    r = run(['train', '--lr', ' 0.1'])
    expect(r.status, 2, 'exit')


@test
def train_draw_hint_has_no_T():
    r = run(['train', '--draw', 'x'])
    expect(r.status, 2, 'exit')
    expect(r.err, "micrograd: error: train: --draw 'x': no extension to tell the format by "
           "(.svg, .png, .pdf, .dot or .gv) (see 'micrograd train --help')\n")


@test
def cut_off_utf8_in_titles_gives_valid_output_and_no_noise():
    # a title ending in a cut-off sequence, and bytes that are no UTF-8 at all:
    # shown as Latin-1, every format valid, nothing printed from the libraries
    d = tempdir()
    for title in (b'x\xe2\x80', b'\xff\xfe caf\xc3\xa9 \xe2\x82'):
        for fmt in ('svg', 'pdf', 'png', 'dot'):
            out = os.path.join(d, 'g.' + fmt).encode()
            r = run([b'draw', L.encode(), b'--title', title, b'-o', out])
            expect(r.status, 0, f'{title!r} {fmt}: exit ({r.err})')
            expect(r.err, '', f'{title!r} {fmt}: silent')
            body = open(out, 'rb').read()
            if fmt in ('svg', 'dot'):
                body.decode('utf-8')  # valid UTF-8 throughout
            if fmt == 'svg':
                xml.dom.minidom.parseString(body)
                expect_true('x\u00e2\u0080' in body.decode() or 'caf\u00e9' in body.decode(),
                            'shown as Latin-1')
            if fmt == 'pdf':
                expect_true(len(re.findall(rb'/Type\s*/Page\b', body)) == 1, 'one page')
    # a data file whose name is not UTF-8: its plot's title shows it as Latin-1
    data = os.path.join(d.encode(), b'donn\xe9es.csv')
    with open(source('tests', 'data', 'moons100.csv'), 'rb') as f, open(data, 'wb') as g:
        g.write(f.read())
    for ext in (b'png', b'svg'):
        plot = os.path.join(d.encode(), b'p.' + ext)
        r = run([b'train', b'--data', data, b'--steps', b'2', b'--plot', plot])
        expect(r.status, 0, f'plot {ext}: exit ({r.err})')
        expect_true('cairo' not in r.err, r.err)
        if ext == b'svg':
            xml.dom.minidom.parseString(open(plot, 'rb').read())


clitest.main()
