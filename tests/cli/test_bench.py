"""CLI tests of `micrograd bench`: the JSON's shape and the moons replay's
arithmetic. Correctness only: no timing is ever judged here."""
import json
import math
import os
import shutil

import clitest
from clitest import expect, expect_true, run, test

# micrograd's own run (its notebook, Python floats): losses of step 0 and 99.
MOONS_LOSS_STEP0 = 0.8958441028683222
MOONS_FINAL_LOSS = 0.010978370135492717

TIMINGS = ['chain_ns_per_value', 'chain_yardstick_ns_per_value', 'chain_ratio',
           'sum_ns_per_value', 'sum_yardstick_ns_per_value', 'sum_ratio',
           'chain10m_ms', 'chain10m_backward_ms', 'chain10m_warm_ms', 'moons_step_ms', 'moons_train_ms',
           'moons_yardstick_ms', 'moons_ratio', 'seconds']
CHECKS = ['yardstick_agrees', 'moons_loss_ok', 'moons_yardstick_agrees', 'moons_bytes_flat']
RENDER_TIMINGS = ['render_context_ms', 'render_first_svg_ms', 'render_svg_ms', 'render_png_ms',
                  'render_png_megapixels', 'render400_svg_ms', 'render400_png_ms',
                  'render400_png_megapixels', 'lesson400_ms', 'draw_spawn_svg_ms']
# Present only when a dot program can be spawned.
SPAWN_TIMINGS = ['dot_spawn_svg_ms', 'dot_spawn_ratio', 'dot_spawn_draw_ratio',
                 'dot_spawn400_svg_ms', 'dot_spawn400_ratio']
HAVE_DOT = (os.access('/usr/bin/dot', os.X_OK) or shutil.which('dot') is not None) \
    if os.environ.get('MICROGRAD_DOT') is None else os.access(os.environ['MICROGRAD_DOT'], os.X_OK)

_quick = []


def quick_json():
    """One `bench --quick --json` run, shared by the tests below."""
    if not _quick:
        _quick.append(run(['bench', '--quick', '--json'], timeout=300))
    return _quick[0]


@test
def quick_json_is_one_object_with_every_figure():
    r = quick_json()
    expect(r.status, 0, 'exit')
    expect(r.err, '', 'stderr')
    expect_true(r.out.endswith(b'}\n') and r.out.count(b'\n') == 1, f'one line: {r.out!r}')
    d = json.loads(r.out)
    timings = TIMINGS + RENDER_TIMINGS + (SPAWN_TIMINGS if HAVE_DOT else [])
    want = timings + CHECKS + [
        'chain_values', 'sum_values', 'bytes_per_value', 'chain10m_values',
        'chain10m_peak_bytes', 'moons_values_per_step', 'moons_loss_step0', 'moons_final_loss',
        'moons_accuracy', 'moons_graph_bytes', 'max_rss_bytes', 'quick',
        'render_values', 'render400_values', 'dot_found',
        'lesson400_values', 'lesson400_frames', 'lesson400_page_bytes']
    expect(sorted(d), sorted(want), 'keys')
    # examples/mlp_loss.mg: its lesson page is one picture and the frames' changes
    expect((d['lesson400_values'], d['lesson400_frames']), (360, 305), 'the lesson of the 400-value graph')
    expect_true(100_000 < d['lesson400_page_bytes'] < 3_000_000, f"page of {d['lesson400_page_bytes']} bytes")
    expect(d['dot_found'], HAVE_DOT, 'dot_found')
    for key in timings:
        expect_true(isinstance(d[key], float) and math.isfinite(d[key]) and d[key] > 0,
                    f'{key} is a positive number: {d[key]!r}')
    for key in CHECKS + ['quick']:
        expect(d[key], True, key)


@test
def quick_json_sizes_are_the_documented_ones():
    d = json.loads(quick_json().out)
    # y = y*k + c: three leaves, then two values a link, at least 1,000,000.
    expect(d['chain_values'], 1000001, 'chain_values')
    expect(d['chain10m_values'], 10000001, 'chain10m_values')
    # 1,000,000 terms of fresh leaves x_i*w_i: 4 values a term, less the first add.
    expect(d['sum_values'], 3999999, 'sum_values')
    # the library's moons loss for MLP(2,[16,16,1]) on 100 points, parameters
    # included: micrograd's 65,818 less the two Value(0) its sum() starts from
    # and the two additions of them (the library's sums start from their first term).
    expect(d['moons_values_per_step'], 65814, 'moons_values_per_step')
    # Memory is deterministic: the chain's arena doubled to 2^20 values of 32 bytes.
    expect_true(d['bytes_per_value'] <= 64, f"bytes_per_value {d['bytes_per_value']}")
    expect_true(d['chain10m_peak_bytes'] >= 32 * d['chain10m_values'], 'chain10m_peak_bytes')
    # the neuron of the video: x1 x2 w1 w2 b x1w1 x2w2 x1w1x2w2 n o
    expect(d['render_values'], 10, 'render_values')
    # MLP(3,[4,4,1]) over 4 examples: 41 parameters, 4 x (3 inputs + 73 neuron
    # values + ypred - y with its constant + **2), and 3 sums
    expect(d['render400_values'], 41 + 4 * (3 + 73 + 3) + 3, 'render400_values')


@test
def moons_replay_matches_micrograd():
    d = json.loads(quick_json().out)
    expect_true(abs(d['moons_loss_step0'] - MOONS_LOSS_STEP0) <= 1e-9,
                f"step 0 loss {d['moons_loss_step0']!r}")
    expect_true(abs(d['moons_final_loss'] - MOONS_FINAL_LOSS) <= 1e-9,
                f"final loss {d['moons_final_loss']!r}")
    expect(d['moons_accuracy'], 1.0, 'accuracy')


@test
def plain_output_is_a_table_with_units():
    r = run(['bench', '--quick'], timeout=300)
    expect(r.status, 0, 'exit')
    lines = r.text.splitlines()
    expect(lines[0].split(), ['figure', 'value', 'unit', 'what'], 'header')
    rows = {line.split()[0]: line for line in lines[1:] if not line.startswith('note: ')}
    expect(len(rows), len(lines) - 1 - (0 if HAVE_DOT else 1), 'one row per figure')
    expect_true(set(json.loads(quick_json().out)) == set(rows), 'the same figures as --json')
    expect_true(' ns/value ' in rows['chain_ns_per_value'], rows['chain_ns_per_value'])
    expect_true(' ms ' in rows['moons_train_ms'], rows['moons_train_ms'])
    expect(rows['moons_final_loss'].split()[1], '0.010978370135492717', 'final loss')
    expect(rows['moons_loss_ok'].split()[1], 'yes', 'loss ok')
    expect_true(' ms ' in rows['render400_png_ms'], rows['render400_png_ms'])
    if not HAVE_DOT:
        expect_true('note: no dot program' in r.text, 'a note when dot is missing')


@test
def without_dot_the_spawn_figures_are_skipped_with_a_note():
    r = run(['bench', '--quick'], env={'MICROGRAD_DOT': ''}, timeout=300)
    expect(r.status, 0, 'exit')
    lines = r.text.splitlines()
    expect(lines[-1], 'note: no dot program (MICROGRAD_DOT, /usr/bin/dot or dot on PATH): '
                      'the dot_spawn figures are skipped', 'note')
    keys = {line.split()[0] for line in lines[1:-1]}
    expect(keys & set(SPAWN_TIMINGS), set(), 'no spawn figures')
    expect_true('render400_svg_ms' in keys, 'in-process figures still there')
    expect_true([l for l in lines if l.startswith('dot_found ')][0].split()[1] == 'NO', 'dot_found NO')


@test
def help_describes_the_options():
    r = run(['bench', '--help'])
    expect(r.status, 0, 'exit')
    expect_true(r.out.startswith(b'usage: micrograd bench [--json] [--quick]\n'), r.out[:80])
    for word in (b'--json', b'--quick', b'0.010978370135492717'):
        expect_true(word in r.out, f'{word!r} in help')


@test
def bad_usage_exits_2_without_measuring():
    r = run(['bench', '--fast'])
    expect(r.status, 2, 'exit')
    expect(r.out, b'')
    expect(r.err, "micrograd: error: bench: unknown option '--fast' (see 'micrograd bench --help')\n")
    r = run(['bench', 'moons'])
    expect(r.status, 2, 'exit')
    expect(r.err, "micrograd: error: bench: takes no FILE ('moons' is extra) "
                  "(see 'micrograd bench --help')\n")


clitest.main()
