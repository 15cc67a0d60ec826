"""A small harness for the CLI tests: run the micrograd program, check exit
status, standard output and standard error exactly.

    import clitest
    from clitest import run, test, expect

    @test
    def grad_prints_json():
        r = run(['grad', '--json', '-'], stdin=b'a = 2\\nb = a*a\\n')
        expect(r.status, 0)

    clitest.main()

The program's path is argv[1]; MG_SOURCE_ROOT names the source tree.
"""
import os
import subprocess
import sys
import tempfile
import traceback

PROGRAM = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else 'micrograd'
SOURCE_ROOT = os.environ.get(
    'MG_SOURCE_ROOT', os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
_tests = []


class Result:
    def __init__(self, status, out, err):
        self.status, self.out, self.err = status, out, err

    @property
    def text(self):
        return self.out.decode('utf-8', 'replace')

    def __repr__(self):
        return f'<exit {self.status}, stdout {self.out[:300]!r}, stderr {self.err[:300]!r}>'


def run(args, stdin=b'', cwd=None, env=None, timeout=120, stdin_closed=False):
    """Runs the program with args; returns a Result (stderr decoded as text)."""
    full_env = dict(os.environ, NO_COLOR='1')
    if env:
        full_env.update(env)
    if stdin_closed:
        # Close fd 0 in the child, as `micrograd ... <&-` does.
        p = subprocess.run([PROGRAM] + args, stdin=subprocess.DEVNULL, capture_output=True, cwd=cwd,
                           env=full_env, timeout=timeout, preexec_fn=lambda: os.close(0))
    else:
        p = subprocess.run([PROGRAM] + args, input=stdin, capture_output=True, cwd=cwd,
                           env=full_env, timeout=timeout)
    return Result(p.returncode, p.stdout, p.stderr.decode('utf-8', 'replace'))


def run_tty_stderr(args, stdin=b'', env=None, timeout=120):
    """Runs the program with standard error on a pseudo-terminal (standard
    output a pipe); returns (status, stdout bytes, what the terminal got)."""
    import pty
    master, slave = pty.openpty()
    full_env = dict(os.environ, NO_COLOR='1', TERM='xterm')
    if env:
        full_env.update(env)
    p = subprocess.Popen([PROGRAM] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=slave, env=full_env)
    os.close(slave)
    out, _ = p.communicate(stdin, timeout=timeout)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's last writer is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return p.returncode, out, b''.join(chunks)


def source(*parts):
    """A path inside the source tree."""
    return os.path.join(SOURCE_ROOT, *parts)


def tempdir():
    """A fresh temporary folder, removed when the process ends."""
    d = tempfile.TemporaryDirectory()
    _keep.append(d)
    return d.name


_keep = []


def expect(got, want, what=''):
    if got != want:
        raise AssertionError(f'{what}: got {got!r}, want {want!r}' if what else f'got {got!r}, want {want!r}')


def expect_true(cond, what):
    if not cond:
        raise AssertionError(what)


def golden(name, data):
    """Checks data against tests/golden/NAME byte for byte; with
    MG_UPDATE_GOLDEN=1 in the environment, first rewrites the file with it."""
    path = source('tests', 'golden', name)
    if os.environ.get('MG_UPDATE_GOLDEN'):
        with open(path, 'wb') as f:
            f.write(data)
    with open(path, 'rb') as f:
        want = f.read()
    expect_true(data == want, f'{name}: output differs from the golden file ({len(data)} vs {len(want)} bytes)')


def test(fn):
    _tests.append(fn)
    return fn


def main():
    failed = 0
    print(f'1..{len(_tests)}')
    for i, fn in enumerate(_tests, 1):
        try:
            fn()
            print(f'ok {i} - {fn.__name__}')
        except Exception:
            failed += 1
            print(f'not ok {i} - {fn.__name__}')
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
    print(f'{len(_tests) - failed} passed, {failed} failed')
    sys.exit(1 if failed else 0)
