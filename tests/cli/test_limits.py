"""CLI tests of the limits: every command on hostile shapes either finishes or
refuses within its budget (large coordinates, graphs whose layout would run
away, memory a step would need)."""
import os
import random
import re
import resource
import time
import subprocess
import xml.dom.minidom

import clitest
from clitest import expect, expect_true, run, tempdir, test


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)
    return path


def cpu_of_children():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def timed(args, budget, **kw):
    """Runs args and checks that it used less than budget seconds of CPU (the
    clock would judge the machine's load, not the work)."""
    before = cpu_of_children()
    r = run(args, timeout=budget * 20 + 60, **kw)
    took = cpu_of_children() - before
    expect_true(took < budget, f'{args[:3]} took {took:.1f} s of CPU, budget {budget} s '
                f'({r.err[-300:]})')
    return r


def shared_chain(n):
    """a = 0.5; v1 = a * a; v2 = v1 * a; ...: one value feeds every op."""
    return 'a = 0.5\nv1 = a * a\n' + ''.join(f'v{i} = v{i - 1} * a\n' for i in range(2, n + 1))


def tanh_chain(n):
    """v_i = tanh(v_{i-1} * a + i): a shared value along a long chain."""
    return 'a = 0.5\nv0 = a\n' + ''.join(f'v{i} = tanh(v{i - 1} * a + {i})\n'
                                           for i in range(1, n + 1))


def fan_sum(n):
    """s_i = s_{i-1} + a * i: one leaf used n times, the uses a chain apart."""
    return 'a = 0.5\ns0 = a\n' + ''.join(f's{i} = s{i - 1} + a * {i}\n' for i in range(1, n + 1))


LIMIT = 'micrograd: error: the graph\'s layout would place '

# Each worst shape found (bench/README.md has the times they took before the
# limit): drawn within a few seconds, or refused at once naming the limit.
SHAPES = [
    ('shared chain of 99', shared_chain(99), 'refused'),
    ('shared chain of 30', shared_chain(30), 'drawn'),
    ('tanh chain of 25', tanh_chain(25), 'drawn'),
    ('tanh chain of 50', tanh_chain(50), 'drawn'),
    ('tanh chain of 100', tanh_chain(100), 'refused'),
    ('tanh chain of 200', tanh_chain(200), 'refused'),
    ('fan of 150', fan_sum(150), 'refused'),
    ('fan of 40', fan_sum(40), 'drawn'),
]


@test
def worst_graph_shapes_draw_or_refuse_in_budget():
    d = tempdir()
    for name, text, want in SHAPES:
        src = write(os.path.join(d, 'g.mg'), text)
        out = os.path.join(d, 'g.svg')
        r = timed(['draw', src, '-o', out], 8)
        if want == 'drawn':
            expect(r.status, 0, f'{name}: exit ({r.err})')
            xml.dom.minidom.parse(out)
            os.unlink(out)
        else:
            expect(r.status, 2, f'{name}: exit')
            expect_true(r.err.startswith(LIMIT) and r.err.endswith(
                '; use --max-nodes N to draw it anyway (--max-nodes 0: no limit)\n'), r.err)
            expect_true(not os.path.exists(out), f'{name}: no output')


@test
def limit_message_names_what_costs():
    d = tempdir()
    src = write(os.path.join(d, 'g.mg'), shared_chain(99))
    r = run(['draw', src, '-T', 'dot'])
    expect(r.err, LIMIT + '19900 nodes, 19404 of them where edges cross up to 197 ranks (a value '
           'used far from where it is made), more than the 16000 that the limit of 2000 values '
           'allows; use --max-nodes N to draw it anyway (--max-nodes 0: no limit)\n')
    r = run(['draw', src, '-T', 'dot', '--max-nodes', '0'])
    expect(r.status, 0, 'no limit: the DOT text at once')


def inputs(n):
    return ','.join(['0.5'] * n)


@test
def dense_neuron_views_in_budget():
    r = timed(['draw', '--mlp', '300,300,300,1', '--input', inputs(300), '--view', 'neurons',
               '-T', 'svg'], 5)
    expect(r.status, 2, 'exit')
    expect(r.err, LIMIT + '181203 nodes (one for each of its 180301 edges), more than the '
           '16000 that the limit of 2000 values allows; use --max-nodes N to draw it anyway '
           '(--max-nodes 0: no limit)\n')
    r = timed(['draw', '--mlp', '900,1000,1', '--input', inputs(900), '--view', 'neurons',
               '-T', 'svg'], 10)
    expect(r.status, 2, 'exit')
    r = timed(['draw', '--mlp', '40,40,40,1', '--input', inputs(40), '--view', 'neurons',
               '-T', 'svg'], 8)
    expect(r.status, 0, f'exit ({r.err})')
    r = timed(['train', '--sizes', '3,200,200,1', '--steps', '1', '--draw',
               os.path.join(tempdir(), 'x.svg')], 10)
    expect(r.status, 1, 'exit')
    expect(r.err.splitlines()[-1], 'micrograd: error: cannot draw the network: ' + LIMIT[18:] +
           '41206 nodes (one for each of its 40801 edges), more than the 16000 that the limit '
           'of 2000 values allows')


@test
def lessons_of_worst_shapes_in_budget():
    d = tempdir()
    # a page lays the graph out once, as draw does, under draw's limit; a
    # folder of frames is a layout per frame, under a lower one
    for text, out, want in ((tanh_chain(50), 'l.html', 0), (shared_chain(99), 'l.html', 2),
                            (tanh_chain(300), 'l.html', 2), (tanh_chain(8), 'l.html', 0),
                            (tanh_chain(50), 'frames', 2), (tanh_chain(8), 'frames', 0)):
        src = write(os.path.join(d, 'g.mg'), text)
        r = timed(['steps', src, '-o', os.path.join(d, out)], 10)
        expect(r.status, want, f'exit ({r.err})')


@test
def train_refuses_a_step_that_cannot_fit():
    # 100,000 rows of a 2-16-16-1 network: a full-batch step needs ~2.3 GB;
    # under a 1 GB data limit it must be refused at once, not die
    # out of memory minutes later
    d = tempdir()
    rng = random.Random(1)
    data = write(os.path.join(d, 'rows.csv'), ''.join(
        f'{rng.random():.3f},{rng.random():.3f},{rng.choice([-1, 1])}\n' for _ in range(100000)))

    def limit():
        # the data limit (ulimit -d), not the address space: sanitizer builds
        # reserve terabytes of address space for their shadow memory
        resource.setrlimit(resource.RLIMIT_DATA, (1_000_000_000, resource.RLIM_INFINITY))
    before = cpu_of_children()
    p = subprocess.run([clitest.PROGRAM, 'train', '--data', data, '--steps', '1'],
                       capture_output=True, preexec_fn=limit, timeout=300)
    took = cpu_of_children() - before
    err = p.stderr.decode()
    if p.returncode < 0 and 'Sanitizer' in err:
        print('skipped: a sanitizer build cannot start under a memory limit')
        return
    expect(p.returncode, 1, f'exit ({err})')
    expect_true(re.fullmatch(r'micrograd: error: one training step over all 100000 rows needs '
                             r'about 2\.[0-9] GB of memory, more than the 1\.0 GB there is; train '
                             r'on a random batch of rows each step with --batch \(about [0-9]+ '
                             r'rows fit\)\n', err), err)
    expect_true(took < 5, f'refused in {took:.1f} s of CPU')
    expect(p.stdout, b'', 'no output')
    # a batch too large for the memory is refused the same way
    p = subprocess.run([clitest.PROGRAM, 'train', '--data', data, '--steps', '1', '--batch', '90000'],
                       capture_output=True, preexec_fn=limit, timeout=300)
    err = p.stderr.decode()
    expect(p.returncode, 1, f'exit ({err})')
    expect_true(re.fullmatch(r'micrograd: error: one training step over a batch of 90000 rows '
                             r'needs about 2\.[0-9] GB of memory, more than the 1\.0 GB there is; '
                             r'use a smaller --batch \(about [0-9]+ rows fit\)\n', err), err)
    # and the same 100,000 rows train under the same limit with a small batch
    p = subprocess.run([clitest.PROGRAM, 'train', '--data', data, '--steps', '20', '--batch', '32'],
                       capture_output=True, preexec_fn=limit, timeout=300)
    expect(p.returncode, 0, f'--batch 32 fits ({p.stderr.decode()})')
    small = write(os.path.join(d, 'small.csv'), ''.join(
        f'{rng.random():.3f},{rng.random():.3f},{rng.choice([-1, 1])}\n' for _ in range(2000)))
    p = subprocess.run([clitest.PROGRAM, 'train', '--data', small, '--steps', '1'],
                       capture_output=True, preexec_fn=limit, timeout=300)
    expect(p.returncode, 0, f'a step that fits runs ({p.stderr.decode()})')


@test
@clitest.drawing
def train_batch_draw_stays_small():
    # --draw beside --batch on many rows draws one example's graph without
    # first building the loss over every row (10,000 rows: ~230 MB)
    d = tempdir()
    rng = random.Random(2)
    data = write(os.path.join(d, 'rows.csv'), ''.join(
        f'{rng.random():.3f},{rng.random():.3f},{rng.choice([-1, 1])}\n' for _ in range(10000)))
    out = os.path.join(d, 'net.svg')

    def limit():
        resource.setrlimit(resource.RLIMIT_DATA, (150_000_000, resource.RLIM_INFINITY))
    p = subprocess.run([clitest.PROGRAM, 'train', '--data', data, '--steps', '2', '--batch', '32',
                        '--draw', out], capture_output=True, preexec_fn=limit, timeout=300)
    err = p.stderr.decode()
    if p.returncode < 0 and 'Sanitizer' in err:
        print('skipped: a sanitizer build cannot start under a memory limit')
        return
    expect(p.returncode, 0, f'exit ({err})')
    expect_true('example 1 of 10000 and its svm loss' in open(out).read(), 'one example drawn')


@test
def layout_past_its_budget_is_given_up():
    # within a raised limit, a layout that runs past its CPU budget ends with
    # an error and leaves nothing behind
    d = tempdir()
    src = write(os.path.join(d, 'g.mg'), tanh_chain(100))
    out = os.path.join(d, 'g.svg')
    r = timed(['draw', src, '--max-nodes', '100000', '-o', out], 5,
              env={'MICROGRAD_LAYOUT_BUDGET': '1'})
    expect(r.status, 1, 'exit')
    expect(r.err, 'micrograd: error: the layout ran past its time budget of 1 s of CPU time and '
           'was given up; use --max-nodes 0 to wait as long as it takes\n')
    expect(os.listdir(d), ['g.mg'], 'no output, no temporaries')


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
