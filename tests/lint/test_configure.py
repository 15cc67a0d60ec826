"""Configurations meson must refuse, with the message a user can act on.

    test_configure.py SOURCE_DIR

Each case configures SOURCE_DIR into a scratch folder and expects meson to
stop with exit status 1 and the project's own error line."""
import subprocess
import sys
import tempfile

CASES = [
    (['-Dviz=disabled', '-Dpython=enabled'],
     'ERROR: Problem encountered: -Dpython=enabled needs drawing: the Python module draws '
     '(-Dviz=disabled turns drawing off)'),
]


def main():
    source = sys.argv[1]
    failed = 0
    for options, expected in CASES:
        with tempfile.TemporaryDirectory() as scratch:
            run = subprocess.run(['meson', 'setup', scratch + '/build', source] + options,
                                 capture_output=True, text=True)
        lines = run.stdout.splitlines() + run.stderr.splitlines()
        if run.returncode != 1 or not any(expected in line for line in lines):
            print(f'FAIL: meson setup {" ".join(options)}: exit {run.returncode}, '
                  f'expected 1 and "{expected}"')
            print(run.stdout[-2000:], run.stderr[-2000:])
            failed = 1
        else:
            print(f'ok: meson setup {" ".join(options)} refused')
    sys.exit(failed)


main()
