"""CLI tests of output safety: writing through links, devices written in
place, mode, owner and hard links, long names, temporaries removed on a
signal, and outputs that appear only when the whole command succeeds. The
owner cases run as root and as the unprivileged user 'nobody'."""
import os
import pwd
import shutil
import signal
import stat
import subprocess
import time

import clitest
from clitest import PROGRAM, expect, expect_true, run, source, tempdir, test

L = source('examples', 'L.mg')


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)
    return path


def is_svg(path):
    with open(path) as f:
        return f.read().rstrip().endswith('</svg>')


@test
def symlink_target_replaced_link_kept():
    d = tempdir()
    write(os.path.join(d, 'target.svg'), 'old')
    os.symlink('target.svg', os.path.join(d, 'link.svg'))
    r = run(['draw', L, '-o', os.path.join(d, 'link.svg')])
    expect(r.status, 0, f'exit ({r.err})')
    expect(os.readlink(os.path.join(d, 'link.svg')), 'target.svg', 'the link stays')
    expect_true(is_svg(os.path.join(d, 'target.svg')), 'the target is written')
    expect(sorted(os.listdir(d)), ['link.svg', 'target.svg'], 'no temporaries')


@test
def symlink_chain_into_another_folder():
    d = tempdir()
    os.mkdir(os.path.join(d, 'real'))
    write(os.path.join(d, 'real', 't.svg'), 'old')
    os.symlink('real/t.svg', os.path.join(d, 'a.svg'))
    os.symlink(os.path.join(d, 'a.svg'), os.path.join(d, 'b.svg'))
    r = run(['draw', L, '-o', os.path.join(d, 'b.svg')])
    expect(r.status, 0, f'exit ({r.err})')
    expect_true(is_svg(os.path.join(d, 'real', 't.svg')), 'the final target is written')
    expect(sorted(os.listdir(os.path.join(d, 'real'))), ['t.svg'], 'temporary beside the target')
    expect_true(os.path.islink(os.path.join(d, 'a.svg')) and os.path.islink(os.path.join(d, 'b.svg')),
                'links kept')


@test
def dangling_symlink_creates_its_target():
    d = tempdir()
    os.mkdir(os.path.join(d, 'sub'))
    os.symlink('sub/new.svg', os.path.join(d, 'dangling.svg'))
    r = run(['draw', L, '-o', os.path.join(d, 'dangling.svg')])
    expect(r.status, 0, f'exit ({r.err})')
    expect_true(os.path.islink(os.path.join(d, 'dangling.svg')), 'still a link')
    expect_true(is_svg(os.path.join(d, 'sub', 'new.svg')), 'target created')


@test
def symlink_loop_refused():
    d = tempdir()
    os.symlink('b.svg', os.path.join(d, 'a.svg'))
    os.symlink('a.svg', os.path.join(d, 'b.svg'))
    r = run(['draw', L, '-o', os.path.join(d, 'a.svg')])
    expect(r.status, 1, 'exit')
    expect(r.err, f"micrograd: error: cannot write '{d}/a.svg': "
           'Too many levels of symbolic links\n')
    expect(sorted(os.listdir(d)), ['a.svg', 'b.svg'])


@test
def devices_and_fifos_written_in_place():
    # /dev/stdout with standard output closed must not become a regular file
    before = os.lstat('/dev/stdout')
    p = subprocess.run([PROGRAM, 'draw', L, '-T', 'dot', '-o', '/dev/stdout'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       preexec_fn=lambda: os.close(1))
    expect(p.returncode, 1, 'exit with stdout closed')
    after = os.lstat('/dev/stdout')
    if stat.S_ISLNK(before.st_mode) and not stat.S_ISLNK(after.st_mode):
        os.unlink('/dev/stdout')  # put the system's link back before failing
        os.symlink(os.readlink('/dev/stderr').replace('2', '1'), '/dev/stdout')
    expect((after.st_mode, after.st_ino), (before.st_mode, before.st_ino), '/dev/stdout unchanged')
    d = tempdir()
    out = os.path.join(d, 'out.dot')
    with open(out, 'wb') as f:
        p = subprocess.run([PROGRAM, 'draw', L, '-T', 'dot', '-o', '/dev/stdout'], stdout=f)
    expect(p.returncode, 0, 'exit')
    expect_true(open(out).read().startswith('digraph'), 'written through /dev/stdout')
    r = run(['draw', L, '-T', 'svg', '-o', '/dev/full'])
    expect(r.status, 1, 'exit')
    expect(r.err, "micrograd: error: cannot write '/dev/full': No space left on device\n")
    expect_true(stat.S_ISCHR(os.stat('/dev/full').st_mode), '/dev/full is still a device')
    fifo = os.path.join(d, 'pipe')
    os.mkfifo(fifo)
    reader = subprocess.Popen(['cat', fifo], stdout=subprocess.PIPE)
    r = run(['draw', L, '-T', 'dot', '-o', fifo])
    got = reader.communicate(timeout=30)[0]
    expect(r.status, 0, f'exit ({r.err})')
    expect_true(got.startswith(b'digraph'), 'through the FIFO')
    expect_true(stat.S_ISFIFO(os.lstat(fifo).st_mode), 'still a FIFO')


@test
def mode_kept_on_overwrite():
    d = tempdir()
    keep = write(os.path.join(d, 'keep.svg'), 'old')
    os.chmod(keep, 0o600)
    r = run(['draw', L, '-o', keep])
    expect(r.status, 0, f'exit ({r.err})')
    expect(stat.S_IMODE(os.stat(keep).st_mode), 0o600, 'mode')
    expect(r.err, '', 'nothing to say')
    os.chmod(keep, 0o640)
    r = run(['draw', L, '-o', keep])
    expect(stat.S_IMODE(os.stat(keep).st_mode), 0o640, 'mode again')
    new = os.path.join(d, 'new.svg')
    r = run(['draw', L, '-o', new])
    mask = os.umask(0)
    os.umask(mask)
    expect(stat.S_IMODE(os.stat(new).st_mode), 0o666 & ~mask, 'a new file: 0666 less the umask')


def nobody():
    try:
        return pwd.getpwnam('nobody')
    except KeyError:
        return None


def as_nobody(args):
    """Runs the program as the user nobody (we are root)."""
    env = dict(os.environ, NO_COLOR='1')
    p = subprocess.run(['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups',
                        PROGRAM] + args, capture_output=True, env=env, timeout=120)
    return p.returncode, p.stderr.decode('utf-8', 'replace')


@test
def owner_kept_or_said():
    if os.geteuid() != 0 or not nobody() or not shutil.which('setpriv'):
        print('skipped: needs root, the user nobody and setpriv')
        return
    pw = nobody()
    d = tempdir()
    os.chmod(d, 0o777)
    # root overwrites a file of nobody's: the owner stays
    theirs = write(os.path.join(d, 'theirs.svg'), 'old')
    os.chown(theirs, pw.pw_uid, pw.pw_gid)
    os.chmod(theirs, 0o604)
    r = run(['draw', L, '-o', theirs])
    expect(r.status, 0, f'exit ({r.err})')
    st = os.stat(theirs)
    expect((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (pw.pw_uid, pw.pw_gid, 0o604),
           'owner, group and mode kept')
    # nobody overwrites root's world-writable file in a shared folder: the
    # owner cannot be kept, and the write says so
    mine = write(os.path.join(d, 'roots.svg'), 'old')
    os.chmod(mine, 0o666)
    status, err = as_nobody(['draw', L, '-o', mine])
    expect(status, 0, f'exit ({err})')
    expect(err, f"micrograd: warning: '{mine}' now belongs to you and your group: its owner "
           '(uid 0) can only be kept by root\n')
    expect(os.stat(mine).st_uid, pw.pw_uid, 'now nobody\'s')
    expect_true(is_svg(mine), 'written')
    # nobody cannot write in a folder of root's: nothing changes
    closed = tempdir()
    os.chmod(closed, 0o755)
    target = write(os.path.join(closed, 'x.svg'), 'old')
    os.chmod(target, 0o666)
    status, err = as_nobody(['draw', L, '-o', target])
    expect(status, 1, 'exit')
    expect(err, f"micrograd: error: cannot write '{target}': Permission denied\n")
    expect(open(target).read(), 'old', 'untouched')


@test
def hard_links_said():
    d = tempdir()
    a = write(os.path.join(d, 'a.svg'), 'old')
    os.link(a, os.path.join(d, 'b.svg'))
    r = run(['draw', L, '-o', a])
    expect(r.status, 0, 'exit')
    expect(r.err, f"micrograd: warning: '{a}' was replaced by a new file: its 1 other hard "
           'link(s) keep the old contents\n')
    expect_true(is_svg(a), 'written')
    expect(open(os.path.join(d, 'b.svg')).read(), 'old', 'the other link keeps the old contents')


@test
def longest_names_work():
    d = tempdir()
    name = 'a' * 251 + '.svg'  # 255 bytes: NAME_MAX
    r = run(['draw', L, '-o', os.path.join(d, name)])
    expect(r.status, 0, f'exit ({r.err})')
    expect(os.listdir(d), [name])
    r = run(['draw', L, '-o', os.path.join(d, name)])  # replacing it too
    expect(r.status, 0, f'exit ({r.err})')
    expect(os.listdir(d), [name])


@test
def outputs_only_when_the_command_succeeds():
    d = tempdir()
    plot = os.path.join(d, 'tp.png')
    r = run(['train', '--steps', '2', '--plot', plot, '--draw', os.path.join(d, 'nodir', 'x.svg')])
    expect(r.status, 1, 'exit')
    expect(r.err.splitlines()[-1],
           f"micrograd: error: cannot write '{d}/nodir/x.svg': No such file or directory")
    expect(os.listdir(d), [], 'no plot, no temporaries')
    keep = write(plot, 'old')
    os.mkdir(os.path.join(d, 'dir.svg'))
    r = run(['train', '--steps', '2', '--plot', plot, '--draw', os.path.join(d, 'dir.svg')])
    expect(r.status, 1, 'exit')
    expect(open(keep).read(), 'old', 'the old plot untouched')
    expect(sorted(os.listdir(d)), ['dir.svg', 'tp.png'])
    drawing = os.path.join(d, 'x.svg')
    r = run(['train', '--steps', '2', '--plot', plot, '--draw', drawing])
    expect(r.status, 0, f'exit ({r.err})')
    expect_true(open(plot, 'rb').read().startswith(b'\x89PNG') and is_svg(drawing), 'both written')


def tree(d):
    """Every file under d with its bytes."""
    out = {}
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            p = os.path.join(root, n)
            out[os.path.relpath(p, d)] = None if os.path.isdir(p) else open(p, 'rb').read()
    return out


@test
def lesson_folder_replaced_whole_or_untouched():
    d = tempdir()
    les = os.path.join(d, 'les')
    r = run(['steps', L, '-o', les])
    expect(r.status, 0, f'exit ({r.err})')
    os.unlink(os.path.join(les, 'step-003.svg'))
    os.mkdir(os.path.join(les, 'step-003.svg'))  # in the way of the new lesson
    before = tree(d)
    r = run(['steps', source('examples', 'neuron.mg'), '-o', les])
    expect(r.status, 1, 'exit')
    expect(r.err, f"micrograd: error: cannot write '{les}/step-003.svg': it is not a regular "
           'file\n')
    expect(tree(d), before, 'wholly untouched')


@test
def lesson_folder_removes_exactly_the_old_lesson():
    d = tempdir()
    r = run(['steps', source('examples', 'neuron.mg'), '-o', d, '-T', 'png'])  # 7 frames
    expect(r.status, 0, f'exit ({r.err})')
    for other in ('step-1234.svg', 'step-000.svg.bak', 'notes.txt'):
        write(os.path.join(d, other), 'mine')
    r = run(['steps', L, '-o', d])  # 5 SVG frames replace 7 PNG ones
    expect(r.status, 0, f'exit ({r.err})')
    expect(sorted(os.listdir(d)), ['captions.txt', 'notes.txt', 'step-000.svg.bak',
                                   'step-001.svg', 'step-002.svg', 'step-003.svg',
                                   'step-004.svg', 'step-005.svg', 'step-1234.svg'])


@test
def lesson_folders_with_the_longest_names():
    d = tempdir()
    les = os.path.join(d, 'l' * 255)
    for _ in range(2):  # made, then replaced
        r = run(['steps', L, '-o', les])
        expect(r.status, 0, f'exit ({r.err})')
        expect(os.listdir(d), ['l' * 255])
        expect(len(os.listdir(les)), 6, 'captions and 5 frames')


def default_signals():
    # A signal ignored when the command starts stays ignored (so `nohup` works):
    # under nohup (or a runner that ignores SIGINT) the child must start with
    # the default actions for these tests to send it anything.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


@test
def lesson_staging_removed_on_signals():
    # PNG frames of a longer chain take a while: stop the command while it
    # writes them, into a new folder and into an existing one
    chain = write(os.path.join(tempdir(), 'c.mg'), 'a = 0.5\nv0 = a\n' + ''.join(
        f'v{i} = tanh(v{i - 1} + {i})\n' for i in range(1, 12)))
    for sig, existing in ((signal.SIGTERM, False), (signal.SIGINT, True), (signal.SIGHUP, True)):
        d = tempdir()
        les = os.path.join(d, 'les')
        if existing:
            os.mkdir(les)
            write(os.path.join(les, 'mine.txt'), 'mine')
        before = tree(d)
        p = subprocess.Popen([PROGRAM, 'steps', chain, '-o', les, '-T', 'png'],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             preexec_fn=default_signals)
        where = les if existing else d
        deadline = time.monotonic() + 60
        seen = False
        while not seen and p.poll() is None and time.monotonic() < deadline:
            stage = [n for n in os.listdir(where) if n.startswith('.mg')]
            seen = bool(stage) and len(os.listdir(os.path.join(where, stage[0]))) >= 3
            time.sleep(0.005)
        expect_true(seen, 'frames were being staged')
        p.send_signal(sig)
        expect(p.wait(timeout=60), -sig, f'died of signal {sig}')
        expect(tree(d), before, f'nothing left after signal {sig}')


@test
def temporaries_removed_on_signals():
    # train stages its plot (a temporary beside it), then lays out its
    # drawing for a second or more: a signal then must remove the temporary
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        d = tempdir()
        args = [PROGRAM, 'train', '--data', 'moons', '--steps', '1', '--plot',
                os.path.join(d, 'p.png'), '--draw', os.path.join(d, 'x.svg')]
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             preexec_fn=default_signals)
        seen = []
        deadline = time.monotonic() + 60
        while not seen and p.poll() is None and time.monotonic() < deadline:
            seen = [n for n in os.listdir(d) if n.startswith('.mg')]
            time.sleep(0.005)
        expect_true(seen, 'the staged temporary was seen')
        p.send_signal(sig)
        expect(p.wait(timeout=60), -sig, f'died of signal {sig}')
        expect(os.listdir(d), [], f'nothing left after signal {sig}')


clitest.main()
