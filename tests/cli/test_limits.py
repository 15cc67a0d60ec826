"""CLI tests of the limits: every command on hostile shapes either finishes or
refuses within its budget (large coordinates, graphs whose layout would run
away, memory a step would need)."""
import os
import time
import xml.dom.minidom

import clitest
from clitest import expect, expect_true, run, tempdir, test


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)
    return path


def timed(args, budget, **kw):
    """Runs args and checks that it ended within budget seconds."""
    t = time.monotonic()
    r = run(args, timeout=budget + 30, **kw)
    took = time.monotonic() - t
    expect_true(took < budget, f'{args[0]} took {took:.1f} s, budget {budget} s ({r.err[-300:]})')
    return r


@test
def plot_of_huge_coordinates_ends():
    # ticks near 1e16 are closer than the spacing of doubles there; near 1e308
    # the spread overflows: both must still give a finished picture
    d = tempdir()
    for rows in ('1e16,0,1\n1e16,1,-1\n', '1e308,-1e308,1\n-1e308,1e308,-1\n',
                 '1e-300,0,1\n2e-300,1e-300,-1\n'):
        data = write(os.path.join(d, 'big.csv'), rows)
        for ext in ('png', 'svg'):
            out = os.path.join(d, 'p.' + ext)
            r = timed(['train', '--data', data, '--steps', '2', '--plot', out], 10)
            expect(r.status, 0, f'exit ({r.err})')
            body = open(out, 'rb').read()
            expect_true(len(body) < 2_000_000, f'{len(body)} bytes')
            if ext == 'svg':
                xml.dom.minidom.parseString(body)
            else:
                expect(body[-8:], b'IEND\xaeB`\x82', 'complete PNG')


clitest.main()
