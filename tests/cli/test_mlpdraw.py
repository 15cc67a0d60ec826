"""CLI tests of drawing networks: `micrograd draw --mlp` and `micrograd train
--draw`: clusters per neuron and layer, node and edge counts, parameter styling,
values checked against an independent forward pass, errors and output files.

The golden file tests/golden/mlp_2_1.dot is the exact output of this build;
after a deliberate change to the picture, rewrite it with MG_UPDATE_GOLDEN=1.
"""
import math
import os
import re
import xml.etree.ElementTree as ET

import clitest
from clitest import expect, expect_true, golden, run, source, tempdir, test

SVG_NS = '{http://www.w3.org/2000/svg}'
L_MG = source('examples', 'L.mg')


def svg_parts(svg_bytes):
    """Clusters (their titles), nodes ({id: (class, [texts])}) and edge count."""
    root = ET.fromstring(svg_bytes)
    clusters, nodes, edges = [], {}, 0
    for g in root.iter(SVG_NS + 'g'):
        cls = g.get('class', '')
        texts = [t.text for t in g.iter(SVG_NS + 'text')]
        if cls == 'cluster':
            clusters.append(texts[0] if texts else '')
        elif cls.startswith('node'):
            nodes[g.get('id')] = (cls, texts)
        elif cls == 'edge':
            edges += 1
    return clusters, nodes, edges


def mlp_counts(sizes, activation='tanh', target=False):
    """Values, op nodes and edges of the forward graph micrograd's MLP builds
    on one input: per neuron nin products and nin sums (the sum starts from
    the bias), then the activation (none for a linear output)."""
    inputs, params, ops, edges = sizes[0], 0, 0, 0
    for l in range(1, len(sizes)):
        nin, nout = sizes[l - 1], sizes[l]
        params += (nin + 1) * nout
        act = activation == 'tanh' or l < len(sizes) - 1
        ops += nout * (2 * nin + (1 if act else 0))
        edges += nout * (4 * nin + (1 if act else 0))  # operand edges
    if target:  # per output: a constant y, ypred - y, **2; then the sum
        n = sizes[-1]
        ops += 2 * n + (n - 1)
        edges += 3 * n + 2 * (n - 1)
        inputs += n  # the constants
    return inputs + params + ops, ops, edges + ops  # + one op -> value edge per op


@test
def mlp_clusters_one_per_neuron_and_one_per_layer():
    r = run(['draw', '--mlp', '3,4,4,1', '--input', '2,3,-1'])
    expect(r.status, 0, 'exit')
    expect(r.err, '', 'stderr')
    expect(r.out.count(b'class="cluster"'), 3 + 4 + 4 + 1, 'cluster groups')
    clusters, nodes, edges = svg_parts(r.out)
    expect(clusters, ['layer 1', 'neuron 1', 'neuron 2', 'neuron 3', 'neuron 4',
                      'layer 2', 'neuron 1', 'neuron 2', 'neuron 3', 'neuron 4',
                      'layer 3', 'neuron 1'], 'cluster titles')
    values, ops, n_edges = mlp_counts([3, 4, 4, 1])
    expect((values, ops, n_edges), (117, 73, 210), 'hand count')
    records = [n for n in nodes.values() if n[0].startswith('node value')]
    expect(len(records), values, 'value records')
    expect(len(nodes), values + ops, 'nodes')
    expect(edges, n_edges, 'edges')


@test
def mlp_parameters_inputs_and_output_are_styled():
    r = run(['draw', '--mlp', '3,4,4,1', '--input', '2,3,-1'])
    _, nodes, _ = svg_parts(r.out)
    params = [t for c, t in nodes.values() if c == 'node value param']
    expect(len(params), 41, 'parameters')
    expect(sorted({t[0] for t in params}), ['b', 'w1', 'w2', 'w3', 'w4'], 'parameter labels')
    inputs = sorted(t for c, t in nodes.values() if c == 'node value input')
    expect(inputs, [['x1', 'data 2.0000'], ['x2', 'data 3.0000'], ['x3', 'data -1.0000']], 'inputs')
    roots = [t for c, t in nodes.values() if c == 'node value result root']
    expect(len(roots), 1, 'one root')
    expect(roots[0][0], 'ypred', 'the output is labelled')
    # parameters: bold amber boxes; no grads without --target
    expect_true(re.search(rb'<g id="v0" class="node value param">.*?fill="#fde7b0" stroke="#a15c00" stroke-width="2.4"',
                          r.out, re.S), 'parameter style')
    expect_true(not any(x.startswith('grad ') for _, t in nodes.values() for x in t),
                'no grads without --target')
    expect_true(b'>MLP(3, [4, 4, 1]), tanh, x = [2.0, 3.0, &#45;1.0]</text>' in r.out, 'title')


def dot_values(dot_text):
    """{label: (data, grad)} of the labelled boxes of a DOT text."""
    out = {}
    for fields in dot_records(dot_text).values():
        if len(fields) < 2 or not re.fullmatch(r'\w+', fields[0]) or not fields[1].startswith('data '):
            continue
        numbers = dict(f.split(' ', 1) for f in fields[1:])
        out[fields[0]] = (float(numbers['data']), float(numbers['grad']) if 'grad' in numbers else None)
    return out


@test
def mlp_with_target_matches_an_independent_forward_and_backward():
    r = run(['draw', '--mlp', '2,1', '--input', '1,2', '--seed', '1', '--target', '0.5',
             '--precision', '17', '-T', 'dot'])
    expect(r.status, 0, 'exit')
    v = dot_values(r.text)
    w1, w2, b = v['w1'][0], v['w2'][0], v['b'][0]
    x1, x2, y = 1.0, 2.0, 0.5
    ypred = math.tanh((b + w1 * x1) + w2 * x2)
    loss = (ypred - y) ** 2
    dy = 2 * (ypred - y)
    dn = dy * (1 - ypred ** 2)
    expect_true(abs(v['ypred'][0] - ypred) < 1e-15, f"ypred {v['ypred']} vs {ypred}")
    expect_true(abs(v['loss'][0] - loss) < 1e-15, f"loss {v['loss']} vs {loss}")
    expect(v['loss'][1], 1.0, 'loss grad')
    for name, want in (('ypred', dy), ('w1', dn * x1), ('w2', dn * x2), ('b', dn),
                       ('x1', dn * w1), ('x2', dn * w2)):
        expect_true(abs(v[name][1] - want) < 1e-15, f'{name} grad {v[name][1]} vs {want}')
    # the weights come from the seed: another seed, other weights
    other = dot_values(run(['draw', '--mlp', '2,1', '--input', '1,2', '--seed', '2', '-T', 'dot']).text)
    expect_true(other['w1'][0] != round(w1, 4), 'seed changes the weights')


@test
def mlp_with_target_draws_the_loss_and_grads():
    r = run(['draw', '--mlp', '3,4,4,1', '--input', '2,3,-1', '--target', '1'])
    expect(r.status, 0, 'exit')
    clusters, nodes, edges = svg_parts(r.out)
    values, ops, n_edges = mlp_counts([3, 4, 4, 1], target=True)
    expect((len(nodes), edges), (values + ops, n_edges), 'nodes and edges with the loss')
    expect(len(clusters), 12, 'clusters')
    roots = [t for c, t in nodes.values() if c == 'node value result root']
    expect((roots[0][0], roots[0][2]), ('loss', 'grad 1.0000'), 'the loss is the root')
    expect_true(all(len(t) == 3 and t[2].startswith('grad ') for c, t in nodes.values()
                    if c == 'node value param'), 'every parameter shows its grad')
    expect_true(b', y = [1.0]: loss = sum((ypred &#45; y)**2)</text>' in r.out, 'title names the loss')
    targets = [t[:2] for c, t in nodes.values() if c == 'node value const']
    expect(targets, [['y', 'data 1.0000']], 'the target is a constant named y')


@test
def mlp_relu_has_a_linear_output():
    r = run(['draw', '--mlp', '2,3,2', '--input', '1,-1', '--activation', 'relu'])
    expect(r.status, 0, 'exit')
    clusters, nodes, edges = svg_parts(r.out)
    values, ops, n_edges = mlp_counts([2, 3, 2], activation='relu')
    expect((len(nodes), edges), (values + ops, n_edges), 'nodes and edges')
    op_texts = [t[0] for c, t in nodes.values() if c == 'node op']
    expect((op_texts.count('relu'), op_texts.count('tanh')), (3, 0), 'relu in the hidden layer only')
    roots = sorted(t[0] for c, t in nodes.values() if 'root' in c)
    expect(roots, ['ypred1', 'ypred2'], 'two outputs, both drawn')
    expect(len(clusters), 2 + 3 + 2, 'clusters')


@test
def golden_dot_of_a_tiny_mlp():
    r = run(['draw', '--mlp', '2,1', '--input', '1,2', '--seed', '1', '-T', 'dot'])
    expect(r.status, 0, 'exit')
    golden('mlp_2_1.dot', r.out)


@test
def mlp_output_is_byte_identical_run_after_run():
    for fmt in ('svg', 'png'):
        a = run(['draw', '--mlp', '3,4,4,1', '--input', '2,3,-1', '-T', fmt, '-o', '-'])
        b = run(['draw', '--mlp', '3,4,4,1', '--input', '2,3,-1', '-T', fmt, '-o', '-'])
        expect_true(a.out == b.out and len(a.out) > 1000, f'{fmt} differs between runs')


@test
def mlp_usage_errors_exit_2_and_write_nothing():
    pre = 'micrograd: error: draw: '
    post = " (see 'micrograd draw --help')\n"
    cases = [
        (['--mlp', '3,0,1', '--input', '1,2,3'], "--mlp wants the inputs then each layer's width (3,4,4,1): 2 to 33 whole numbers from 1 to 100000, not '3,0,1'"),
        (['--mlp', '3,4.5,1', '--input', '1,2,3'], "--mlp wants the inputs then each layer's width (3,4,4,1): 2 to 33 whole numbers from 1 to 100000, not '3,4.5,1'"),
        (['--mlp', '3', '--input', '1,2,3'], "--mlp wants the inputs then each layer's width (3,4,4,1): 2 to 33 whole numbers from 1 to 100000, not '3'"),
        (['--mlp', 'a,b', '--input', '1'], "--mlp wants the inputs then each layer's width (3,4,4,1): 2 to 33 whole numbers from 1 to 100000, not 'a,b'"),
        (['--mlp', '3,4,,1', '--input', '1,2,3'], "--mlp wants the inputs then each layer's width (3,4,4,1): 2 to 33 whole numbers from 1 to 100000, not '3,4,,1'"),
        (['--mlp', '3,4,4,1', '--input', '2,3'], '--input has 2 numbers, but --mlp 3,4,4,1 takes 3 inputs'),
        (['--mlp', '3,4,4,1', '--input', '2,3,-1,5'], '--input has 4 numbers, but --mlp 3,4,4,1 takes 3 inputs'),
        (['--mlp', '3,4,4,1', '--input', '2,nan,1'], "--input wants 1 to 100000 finite numbers separated by commas, not '2,nan,1'"),
        (['--mlp', '3,4,4,1'], '--mlp needs --input (3 numbers)'),
        (['--mlp', '3,4,2', '--input', '1,2,3', '--target', '1'], '--target has 1 numbers, but --mlp 3,4,2 has 2 outputs'),
        (['--mlp', '3,1', '--input', '1,2,3', '--activation', 'sigmoid'], "--activation must be tanh or relu, not 'sigmoid'"),
        (['--mlp', '3,1', '--input', '1,2,3', '--root', 'L'], '--root goes with FILE, not with --mlp'),
        (['--mlp', '3000,3000,3000', '--input', '1'], '--mlp 3000,3000,3000 has 18006000 parameters; at most 10000000 can be drawn'),
        (['--mlp', '1,2000,1', '--input', '1'], '--mlp 1,2000,1 has 6001 parameters, more values than the limit of 2000; '
         'use --view neurons, or --max-nodes N to draw it anyway (--max-nodes 0: no limit)'),
        ([L_MG, '--mlp', '3,1', '--input', '1,2,3'], 'FILE and --mlp exclude each other: draw one or the other'),
        ([L_MG, '--input', '1,2,3'], '--input goes with --mlp, not with FILE'),
        ([L_MG, '--seed', '3'], '--seed goes with --mlp, not with FILE'),
        ([], 'missing FILE (use - for standard input) or --mlp SIZES'),
    ]
    d = tempdir()
    out = os.path.join(d, 'keep.svg')
    with open(out, 'w') as f:
        f.write('keep')
    for args, message in cases:
        r = run(['draw'] + args + ['-o', out])
        expect(r.status, 2, ' '.join(args))
        expect(r.err, pre + message + post, ' '.join(args))
        expect(r.out, b'', 'stdout')
    with open(out) as f:
        expect(f.read(), 'keep', 'existing output untouched')
    expect(os.listdir(d), ['keep.svg'], 'no other file')


@test
def mlp_over_the_node_limit_is_refused_without_a_file():
    d = tempdir()
    out = os.path.join(d, 'big.svg')
    # MLP(2, [30, 30, 1]): 2 inputs, 1,051 parameters, 30*5 + 30*61 + 61 forward values
    r = run(['draw', '--mlp', '2,30,30,1', '--input', '1,2', '-o', out])
    expect(r.status, 2, 'exit')
    expect(r.err, 'micrograd: error: the graph has 3094 values, more than the limit of 2000; '
           'use --max-nodes N to draw it anyway (--max-nodes 0: no limit)\n')
    expect(os.listdir(d), [], 'no file')
    expect(mlp_counts([2, 30, 30, 1])[0], 3094, 'hand count')


@test
def train_draws_the_whole_tiny_loss_graph():
    d = tempdir()
    out = os.path.join(d, 'tiny.svg')
    r = run(['train', '--draw', out, '--steps', '3'])
    expect(r.status, 0, 'exit')
    expect_true(r.text.startswith('tiny: MLP(3, [4, 4, 1]), mse loss, 3 steps'), r.text)
    with open(out, 'rb') as f:
        svg = f.read()
    clusters, nodes, edges = svg_parts(svg)
    # the four examples share the parameters, hence the clusters
    expect(len(clusters), 12, 'clusters')
    params = [t for c, t in nodes.values() if c == 'node value param']
    expect(len(params), 41, 'parameters')
    inputs = [t for c, t in nodes.values() if c == 'node value input']
    expect(len(inputs), 12, 'inputs of the four examples')
    roots = [t for c, t in nodes.values() if 'root' in c]
    expect((len(roots), roots[0][0], roots[0][2]), (1, 'loss', 'grad 1.0000'), 'the loss')
    # 4 forward graphs of 117 - 41 values, the 41 parameters, then per example
    # a constant, ypred - y and **2, and 3 sums
    values = 4 * (117 - 41) + 41 + 4 * 3 + 3
    expect(len([1 for c, _ in nodes.values() if c.startswith('node value')]), values, 'values')
    expect_true(b'tiny: MLP(3, [4, 4, 1]) after 3 steps: the mse loss over all 4 examples' in svg, 'title')


@test
def train_draws_one_example_when_the_loss_graph_is_large():
    d = tempdir()
    out = os.path.join(d, 'moons.dot')
    r = run(['train', '--data', 'moons', '--sizes', '2,4,1', '--steps', '2', '--draw', out])
    expect(r.status, 0, 'exit')
    with open(out) as f:
        dot = f.read()
    expect_true('label="moons: MLP(2, [4, 1]) after 2 steps: example 1 of 100 and its svm loss"' in dot, 'title')
    expect(dot.count('subgraph cluster_'), 2 + 4 + 1, 'clusters')
    # one example: 2 inputs, 17 parameters, 4*(4+1) + 4*2 forward values, then
    # -y*score (constant and product), 1 + ... (constant and sum), relu, * 1/n
    expect(len(re.findall(r'^\t+v\d+\t', dot, re.M)), 2 + 17 + 20 + 8 + 7, 'values')
    expect_true(re.search(r'label="\{ loss \| data [0-9.]+ \| grad 1\.0000 \}"', dot), 'the loss')


@test
def train_draw_errors():
    d = tempdir()
    r = run(['train', '--draw', os.path.join(d, 'net.txt')])
    expect(r.status, 2, 'exit')
    expect(r.err, f"micrograd: error: train: --draw '{d}/net.txt': unknown extension '.txt' (.svg, .png, "
           ".pdf, .dot or .gv) (see 'micrograd train --help')\n")
    expect(r.out, b'', 'no training output')
    r = run(['train', '--draw', '-'])
    expect(r.status, 2, 'stdout')
    expect(r.err, "micrograd: error: train: --draw wants a file name, not standard output "
           "(see 'micrograd train --help')\n")
    expect(os.listdir(d), [], 'no file')


@test
def train_draws_one_node_per_neuron_past_the_node_limit():
    # one example of MLP(2, [40, 40, 1]) has 2 inputs, 1,801 parameters,
    # 40*5 + 40*81 + 80 forward values and 7 for the loss: 5,330 > 2,000
    d = tempdir()
    out = os.path.join(d, 'big.svg')
    r = run(['train', '--data', 'moons', '--sizes', '2,40,40,1', '--steps', '2', '--draw', out])
    expect(r.status, 0, 'exit')
    with open(out, 'rb') as f:
        svg = f.read()
    clusters, nodes, edges = svg_parts(svg)
    expect(clusters, ['inputs', 'layer 1 (relu)', 'layer 2 (relu)', 'layer 3 (linear)'], 'clusters')
    expect(len(nodes), 2 + 40 + 40 + 1 + 1 + 1, 'inputs, neurons, the loss and the key')
    expect(edges, 2 * 40 + 40 * 40 + 40 + 1, 'edges')
    expect_true(b'example 1 of 100 and its svm loss, one node per neuron</text>' in svg, 'title')


def dot_records(dot_text):
    """{node name: [fields]} of a DOT text's value boxes: record labels, and
    the one-row tables of the weights beside their products (HTML-like
    labels, for the flat edge record shapes lose)."""
    out = {}
    for m in re.finditer(r'^\t+(v\d+)\t\[[^]]*?label="\{ ([^"]*) \}"', dot_text, re.M | re.S):
        out[m.group(1)] = m.group(2).split(' | ')
    for m in re.finditer(r'^\t+(v\d+)\t\[[^]]*?label=<<TABLE[^>]*><TR>(.*?)</TR>', dot_text, re.M | re.S):
        out[m.group(1)] = re.findall(r'<TD[^>]*>([^<]*)</TD>', m.group(2))
    return out


@test
def neuron_view_one_node_per_neuron_one_cluster_per_layer():
    args = ['draw', '--mlp', '3,4,4,1', '--input', '2,3,-1', '--target', '1']
    r = run(args + ['--view', 'neurons'])
    expect(r.status, 0, 'exit')
    expect(r.err, '', 'stderr')
    expect(r.out.count(b'class="cluster"'), 4, 'inputs and three layers')
    clusters, nodes, edges = svg_parts(r.out)
    expect(clusters, ['inputs', 'layer 1 (tanh)', 'layer 2 (tanh)', 'layer 3 (tanh)'], 'cluster titles')
    expect(len(nodes), 3 + 4 + 4 + 1 + 1 + 1, 'inputs, neurons, the loss and the key')
    expect(edges, 3 * 4 + 4 * 4 + 4 * 1 + 1, 'edges: adjacent layers fully connected, then the loss')
    neurons = [t for c, t in nodes.values() if 'neuron' in c.split()]
    expect([t[0] for t in neurons], [f'neuron {j}' for j in (1, 2, 3, 4, 1, 2, 3, 4, 1)], 'in order')
    # the same numbers as the scalar picture: each neuron's output is a tanh
    # value there, and the output neuron is ypred
    scalar = dot_records(run(args + ['-T', 'dot', '--precision', '17']).text)
    view = dot_records(run(args + ['--view', 'neurons', '-T', 'dot', '--precision', '17']).text)
    tanh_outputs = [scalar[name] for name in sorted(scalar, key=lambda v: int(v[1:]))
                    if re.search(r'\t%s_op\t\[[^]]*label=tanh' % name,
                                 run(args + ['-T', 'dot']).text)]
    got = [f for f in view.values() if f[0].startswith('neuron ')]
    expect([f[1:] for f in got], [f[-2:] for f in tanh_outputs], 'neuron data and grads')
    expect(scalar['v40'][0], 'b', 'the last parameter')
    # each weight's edge: dashed when negative
    weights = [float(f[1].split()[1]) for name, f in scalar.items() if f[0].startswith('w')]
    dot = run(args + ['--view', 'neurons', '-T', 'dot']).text
    expect(dot.count('style=dashed'), sum(1 for w in weights if w < 0), 'negative weights dashed')
    expect(len(re.findall(r'tooltip="w = ', dot)), len(weights), 'a tooltip per weight')


@test
def neuron_view_usage_errors():
    for args, message in (
            ([L_MG, '--view', 'neurons'], '--view neurons goes with --mlp, not with FILE'),
            (['--mlp', '2,1', '--input', '1,2', '--view', 'layers'], "--view must be scalar or neurons, not 'layers'")):
        r = run(['draw'] + args)
        expect(r.status, 2, ' '.join(args))
        expect(r.err, f"micrograd: error: draw: {message} (see 'micrograd draw --help')\n")


@test
def help_mentions_mlp_and_draw():
    r = run(['draw', '--help'])
    for word in (b'--mlp SIZES', b'--input X', b'--target Y', b'--activation', b'tanh in every layer',
                 b'draw --mlp 3,4,4,1 --input 2,3,-1'):
        expect_true(word in r.out, f'{word!r} in draw --help')
    r = run(['train', '--help'])
    expect_true(b'--draw OUT' in r.out, 'train --help')


clitest.main()
