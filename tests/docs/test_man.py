"""Checks the manual page micrograd(1): it renders without a single warning
(groff -man -ww, and man -l when man-db is there), its title line carries the
project's version, it documents every command the program lists in --help and
every long option each command lists in its own --help, and its EXAMPLES run:
each `$ micrograd ...` line whose command this build has is run (in a folder
holding a copy of examples/) and must exit 0 and print what the page shows
("..." stands for lines left out; a line starting with a space continues the
one above).

    python3 test_man.py docs/micrograd.1 path/to/micrograd VERSION

Exits 77 (meson's "skipped") when groff is not installed. With MG_HAVE_VIZ=0
(a micrograd built without drawing) the commands and examples it refuses for
that reason count as not in this build.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
HAVE_VIZ = os.environ.get('MG_HAVE_VIZ', '1') != '0'


def refused(p):
    """Whether a finished process is a drawing command this build lacks."""
    return (not HAVE_VIZ and p.returncode == 2
            and b'this micrograd was built without drawing' in p.stderr)


def render(cmd, env=None):
    """Runs a renderer; returns its problems (non-zero exit, any warning)."""
    p = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    problems = []
    if p.returncode != 0:
        problems.append(f'{" ".join(cmd)}: exit status {p.returncode}')
    if p.stderr.strip():
        problems.append(f'{" ".join(cmd)}: warnings:\n{p.stderr.decode("utf-8", "replace")}')
    return problems, p.stdout.decode('utf-8', 'replace')


def help_text(program, *args):
    """The --help text; '' for a command this build refuses (see refused)."""
    p = subprocess.run([program, *args, '--help'], capture_output=True, timeout=60,
                       env=dict(os.environ, NO_COLOR='1'))
    if refused(p):
        return ''
    if p.returncode != 0:
        raise SystemExit(f'{program} {" ".join(args)} --help: exit status {p.returncode}')
    return p.stdout.decode('utf-8', 'replace')


def commands_of(program):
    """The command names listed under 'commands:' in the program's --help."""
    text = help_text(program)
    block = text.split('commands:\n', 1)[1].split('\n\n', 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def unroff(text):
    """The text of an .EX block as the reader sees it."""
    for escape, plain in (('\\-', '-'), ('\\(aq', "'"), ('\\(mu', '\u00d7'), ('\\&', ''),
                          ('\\e', '\\')):
        text = text.replace(escape, plain)
    return text


def example_sessions(source):
    """(command, shown output lines) for each '$ ' line of the EXAMPLES."""
    section = source.split('\n.SH EXAMPLES\n', 1)[1].split('\n.SH ', 1)[0]
    sessions = []
    for block in re.findall(r'^\.EX\n(.*?)^\.EE', section, re.M | re.S):
        lines = []
        for line in unroff(block).splitlines():
            if line.startswith(' ') and lines:
                lines[-1] += line
            else:
                lines.append(line)
        for line in lines:
            if line.startswith('$ '):
                sessions.append((line[2:], []))
            elif sessions:
                sessions[-1][1].append(line)
    return sessions


def output_matches(shown, got):
    if '...' not in shown:
        return shown == got
    cut = shown.index('...')
    head, tail = shown[:cut], shown[cut + 1:]
    return (len(got) >= len(head) + len(tail) and got[:len(head)] == head
            and got[len(got) - len(tail):] == tail)


def run_examples(source, program, problems):
    """Runs the page's example commands; returns (run, skipped)."""
    source_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, NO_COLOR='1',
               PATH=os.path.dirname(os.path.abspath(program)) + os.pathsep + os.environ['PATH'])
    ran = skipped = 0
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree(os.path.join(source_root, 'examples'), os.path.join(work, 'examples'))
        for command, shown in example_sessions(source):
            words = command.replace('|', ' ').split()
            if 'micrograd' not in words:
                skipped += 1  # not ours to run (cc ... pkg-config)
                continue
            subcommand = words[words.index('micrograd') + 1]
            if subprocess.run([program, subcommand, '--help'], capture_output=True).returncode:
                skipped += 1  # a command this build does not have yet
                continue
            p = subprocess.run(['bash', '-c', command], cwd=work, env=env, capture_output=True,
                               timeout=300)
            if refused(p):
                skipped += 1
                continue
            ran += 1
            got = p.stdout.decode('utf-8', 'replace').splitlines()
            if p.returncode != 0:
                problems.append(f'example `{command}`: exit status {p.returncode}: '
                                f'{p.stderr.decode("utf-8", "replace")}')
            elif shown and not output_matches(shown, got):
                problems.append(f'example `{command}` printed:\n' + '\n'.join(got)
                                + '\nthe page shows:\n' + '\n'.join(shown))
    return ran, skipped


def main():
    page, program, version = sys.argv[1], sys.argv[2], sys.argv[3]
    if not shutil.which('groff'):
        print('groff is not installed: skipped')
        return SKIP
    # C.UTF-8 exists on every Debian system: an unset or ungenerated locale
    # would otherwise make man warn about the locale, not about the page.
    env = dict(os.environ, LC_ALL='C.UTF-8', MANWIDTH='80', MAN_DISABLE_SECCOMP='1')
    problems, text = render(['groff', '-man', '-Tutf8', '-ww', page], env)
    if len(text.splitlines()) < 200:
        problems.append(f'groff rendered only {len(text.splitlines())} lines')
    if shutil.which('man'):
        more, _ = render(['man', '--warnings=w', '-l', page], env)
        problems += more

    with open(page, encoding='utf-8') as f:
        source = f.read()
    plain = source.replace('\\-', '-')
    title = re.search(r'^\.TH MICROGRAD 1 \S+ "micrograd-c ([^"]+)"', source, re.M)
    if not title or title.group(1) != version:
        problems.append(f'.TH line does not say version {version}')

    commands = commands_of(program)
    if 'grad' not in commands:
        problems.append(f'could not read the command list from --help: {commands}')
    for command in commands:
        if not re.search(rf'^\.SS "micrograd {command}\b', plain, re.M):
            problems.append(f'command {command!r} has no section (.SS "micrograd {command} ...")')
        if not re.search(rf'^\.SY micrograd\n\.B {command}\n', plain, re.M):
            problems.append(f'command {command!r} is missing from the SYNOPSIS')
        for option in sorted(set(re.findall(r'(?<![\w-])--[a-z][a-z0-9-]*', help_text(program, command)))):
            if not re.search(rf'{option}(?![a-z0-9-])', plain):
                problems.append(f'option {option} of {command!r} is not documented')

    ran, skipped = run_examples(source, program, problems)

    for problem in problems:
        print(problem)
    print(f'{"FAIL" if problems else "ok"}: {page}: {len(commands)} commands documented, '
          f'{ran} examples run ({skipped} not run: not micrograd, or not in this build)')
    return 1 if problems else 0


sys.exit(main())
