"""CLI tests of a micrograd built without drawing (-Dviz=disabled; registered
only then): every drawing command and option refuses with exit status 2, one
message and no output, and the rest of the program works."""
import os

import clitest
from clitest import expect, run, source, tempdir, test

L_MG = source('examples', 'L.mg')


@test
def drawing_commands_refuse():
    d = tempdir()
    out = os.path.join(d, 'out.svg')
    cases = [
        ['draw', L_MG, '-o', out],
        ['draw', L_MG],
        ['draw', '--help'],
        ['steps', L_MG, '-o', os.path.join(d, 'page.html')],
        ['steps', L_MG, '--text'],
        ['bench', '--json'],
        ['train', '--steps', '2', '--plot', os.path.join(d, 'loss.png')],
        ['train', '--steps', '2', '--draw', out],
        ['train', '--steps', '2', '--plot', os.path.join(d, 'loss.gif')],
        ['train', '--steps', '2', '--dpi', '300'],
        ['plot', source('examples', 'parabola.mg'), '--at', '3', '--text'],
        ['plot', '--help'],
    ]
    for args in cases:
        r = run(args)
        expect(r.status, 2, f'exit of {args}')
        expect(r.err, clitest.refusal(args), f'stderr of {args}')
        expect(r.out, b'', f'stdout of {args}')
    expect(os.listdir(d), [], 'no file written')


@test
def refusal_names_the_option():
    r = run(['train', '--plot', 'loss.png'])
    expect(r.err, 'micrograd: error: train --plot: this micrograd was built without drawing '
           '(configure with -Dviz=enabled)\n')
    r = run(['draw', L_MG])
    expect(r.err, 'micrograd: error: draw: this micrograd was built without drawing '
           '(configure with -Dviz=enabled)\n')


@test
def the_rest_works():
    r = run(['grad', L_MG])
    expect(r.status, 0, f'grad exit ({r.err})')
    expect(r.text.splitlines()[-1].split(), ['L', '-8.0', '1.0'], 'the root last')
    r = run(['check', L_MG])
    expect(r.status, 0, f'check exit ({r.err})')
    r = run(['train', '--steps', '2', '--json'])
    expect(r.status, 0, f'train exit ({r.err})')
    r = run(['--help'])
    expect(r.status, 0, 'help exit')


clitest.main()
