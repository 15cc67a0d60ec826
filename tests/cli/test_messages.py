"""CLI tests of small messages and consistency: denormal option values,
CSV byte order marks and hex floats, the SVM target's column, plurals,
blanks in option values, train's format hint."""
import os

import clitest
from clitest import expect, run, source, tempdir, test

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
    expect(r.err, "micrograd: error: train: cannot tell the format of 'x' from its name; name it "
           ".svg, .png, .pdf, .dot or .gv (see 'micrograd train --help')\n")


clitest.main()
