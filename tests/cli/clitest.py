"""A small harness for the CLI tests: run the micrograd program, check exit
status, standard output and standard error exactly.

    import clitest
    from clitest import run, test, expect

    @test
    def grad_prints_json():
        r = run(['grad', '--json', '-'], stdin=b'a = 2\\nb = a*a\\n')
        expect(r.status, 0)

    clitest.main()

The program's path is argv[1]; MG_SOURCE_ROOT names the source tree;
MG_HAVE_VIZ=0 says the program was built without drawing (-Dviz=disabled):
then the tests marked @drawing are skipped, with that reason.
MG_TIMEOUT_MULTIPLIER (meson's asan test setup sets it) stretches every
timeout, as meson's own --timeout-multiplier does the test's.
"""
import os
import subprocess
import sys
import tempfile
import traceback

PROGRAM = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else 'micrograd'
SOURCE_ROOT = os.environ.get(
    'MG_SOURCE_ROOT', os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
HAVE_VIZ = os.environ.get('MG_HAVE_VIZ', '1') != '0'
SLOWDOWN = float(os.environ.get('MG_TIMEOUT_MULTIPLIER', '1'))
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
    timeout *= SLOWDOWN
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


def drawing(fn):
    """Marks a test that draws (under @test): skipped when HAVE_VIZ is false."""
    fn.draws = True
    return fn


def refusal(args):
    """What a micrograd built without drawing prints for the command args
    (['draw', ...], ['train', '--plot', ...]), or None when args do not draw."""
    if args and args[0] in ('draw', 'steps', 'bench', 'plot'):
        what = args[0]
    else:
        what = next((f'{args[0]} {a}' for a in args if a in ('--plot', '--draw', '--dpi')), None)
    return what and (f'micrograd: error: {what}: this micrograd was built without drawing '
                     '(configure with -Dviz=enabled)\n')


def png_chunks(data):
    """A PNG's chunks as [(type, data)], checking the signature and each CRC."""
    import struct
    import zlib
    expect(data[:8], b'\x89PNG\r\n\x1a\n', 'PNG signature')
    chunks, i = [], 8
    while i < len(data):
        n, = struct.unpack('>I', data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        crc, = struct.unpack('>I', data[i + 8 + n:i + 12 + n])
        expect(crc, zlib.crc32(kind + body), f'CRC of {kind}')
        chunks.append((kind, body))
        i += 12 + n
    return chunks


def png_dpi(data):
    """The dots per inch a PNG's pHYs chunk records (None without one), from
    its pixels per metre, which must be the same on both axes, in metres."""
    import struct
    phys = [body for kind, body in png_chunks(data) if kind == b'pHYs']
    if not phys:
        return None
    x, y, unit = struct.unpack('>IIB', phys[0])
    expect((y, unit), (x, 1), 'pHYs: one resolution, per metre')
    return x


def png_edge_alphas(data):
    """The set of alpha values of a PNG's edge pixels (first and last row and
    column): {255} for an RGB PNG, which has no alpha. 8-bit RGB or RGBA only."""
    import struct
    import zlib
    chunks = png_chunks(data)
    w, h, depth, colour = struct.unpack('>IIBB', chunks[0][1][:10])
    expect((depth, colour in (2, 6)), (8, True), 'an 8-bit RGB or RGBA PNG')
    if colour == 2:
        return {255}
    raw = zlib.decompress(b''.join(body for kind, body in chunks if kind == b'IDAT'))
    bpp, stride, prev, alphas = 4, w * 4, bytearray(w * 4), set()
    for y in range(h):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y in (0, h - 1):
            alphas |= set(line[3::4])
        alphas |= {line[3], line[-1]}
        prev = line
    return alphas


def main():
    failed = skipped = 0
    print(f'1..{len(_tests)}')
    for i, fn in enumerate(_tests, 1):
        if getattr(fn, 'draws', False) and not HAVE_VIZ:
            print(f'ok {i} - {fn.__name__} # SKIP this micrograd was built without drawing')
            skipped += 1
            continue
        try:
            fn()
            print(f'ok {i} - {fn.__name__}')
        except Exception:
            failed += 1
            print(f'not ok {i} - {fn.__name__}')
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
    print(f'{len(_tests) - failed - skipped} passed, {failed} failed'
          + (f', {skipped} skipped' if skipped else ''))
    sys.exit(1 if failed else 0)
