"""CLI tests of `micrograd grad` and `micrograd check`: JSON, exit codes, errors."""
import json

import clitest
from clitest import expect, run, test

L_SRC = b'a = 2.0\nb = -3.0\nc = 10\ne = a*b\nd = e + c\nf = -2.0\nL = d * f\n'


@test
def grad_json_video_example():
    r = run(['grad', '--json', '-'], stdin=L_SRC)
    expect(r.status, 0, 'exit')
    expect(r.out, b'{"root": "L", "values": [{"name": "a", "data": 2.0, "grad": 6.0}, '
           b'{"name": "b", "data": -3.0, "grad": -4.0}, {"name": "c", "data": 10.0, "grad": -2.0}, '
           b'{"name": "e", "data": -6.0, "grad": -2.0}, {"name": "d", "data": 4.0, "grad": -2.0}, '
           b'{"name": "f", "data": -2.0, "grad": 4.0}, {"name": "L", "data": -8.0, "grad": 1.0}]}\n')


@test
def bad_input_is_file_line_col_exit_2():
    r = run(['grad', '-'], stdin=b'a = 1\nb = a +* 2\n')
    expect(r.status, 2, 'exit')
    expect(r.err, "<stdin>:2:8: error: expected an expression, found '*'\n")
    expect(r.out, b'')


clitest.main()
