"""Every command the README shows is run here, so the README cannot rot: each
`$ micrograd ...` line of a ```console block runs (in a scratch folder holding
the repository's examples/ and tests/data/), and the lines under it, when there
are any, are its exact output. The C program the README shows must be
examples/L.c, which the examples test builds and runs."""
import os
import re
import shutil
import subprocess

import clitest
from clitest import PROGRAM, expect, source, test

README = open(source('README.md'), encoding='utf-8').read()


def console_commands():
    """(command, expected output lines or None) for every `$ ` line."""
    out = []
    for block in re.findall(r'```console\n(.*?)```', README, re.S):
        current = None
        for line in block.splitlines():
            if line.startswith('$ '):
                current = [line[2:], []]
                out.append(current)
            elif current is not None:
                current[1].append(line)
    return [(cmd, lines or None) for cmd, lines in out]


def scratch():
    d = clitest.tempdir()
    shutil.copytree(source('examples'), os.path.join(d, 'examples'))
    shutil.copytree(source('tests', 'data'), os.path.join(d, 'tests', 'data'))
    return d


@test
def readme_shows_commands():
    expect(len(console_commands()) >= 12, True, 'number of README commands')


@test
def every_console_command_runs_as_shown():
    d = scratch()
    bindir = clitest.tempdir()
    os.symlink(PROGRAM, os.path.join(bindir, 'micrograd'))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ['PATH'], NO_COLOR='1')
    for cmd, want in console_commands():
        words = cmd.replace('|', ' ').split()
        refused = not clitest.HAVE_VIZ and clitest.refusal(words[words.index('micrograd') + 1:])
        if refused:
            want = refused.splitlines()  # a micrograd built without drawing says so
        # pipefail: `micrograd ... | head` has micrograd's exit status, not head's
        p = subprocess.run(['bash', '-o', 'pipefail', '-c', cmd], cwd=d, env=env, capture_output=True,
                           timeout=300 * clitest.SLOWDOWN)
        got = (p.stdout + p.stderr).decode('utf-8')
        if want is None:
            expect(p.returncode, 0, f'`{cmd}` exit status ({p.stderr[:300]!r})')
        else:
            expect(got.splitlines(), want, f'`{cmd}` output')
            expect(p.returncode, 2 if 'error:' in got else 0, f'`{cmd}` exit status')


@test
def readme_c_program_is_examples_L_c():
    block = re.search(r'```c\n(.*?)```', README, re.S).group(1)
    with open(source('examples', 'L.c'), encoding='utf-8') as f:
        body = f.read()
    # The file may open with a comment the README leaves out.
    expect(body.endswith(block), True, 'README C block == the end of examples/L.c')


clitest.main()
