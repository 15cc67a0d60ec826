"""Picture tests of networks, read from the geometry of the SVG Graphviz
writes (each node's polygon or ellipse and its texts): neurons in order down
each layer, every neuron of a layer starting at the same x, the layers' boxes
starting at the same top (LR), the inputs side by side in one column, the same node positions with and without --edge-grads, and
what PNGs may be.
"""
import os
import re
import struct
import xml.etree.ElementTree as ET

import clitest
from clitest import expect, expect_true, run, source, tempdir, test

NS = '{http://www.w3.org/2000/svg}'
NEURON_MG = source('examples', 'neuron.mg')


def numbers(text):
    return [float(x) for x in re.findall(r'-?\d+(?:\.\d+)?(?:e-?\d+)?', text)]


def box_of(shape):
    """(x0, y0, x1, y1) of a polygon, path or ellipse element."""
    if shape.tag == NS + 'ellipse':
        cx, cy = float(shape.get('cx')), float(shape.get('cy'))
        rx, ry = float(shape.get('rx')), float(shape.get('ry'))
        return (cx - rx, cy - ry, cx + rx, cy + ry)
    n = numbers(shape.get('points') or shape.get('d'))
    xs, ys = n[0::2], n[1::2]
    return (min(xs), min(ys), max(xs), max(ys))


class Picture:
    """Node boxes (x0, y0, x1, y1) and texts by node id."""

    def __init__(self, svg):
        root = ET.fromstring(svg)
        self.nodes, self.texts = {}, {}
        for g in root.iter(NS + 'g'):
            cls = g.get('class', '')
            shapes = [e for e in g.iter() if e.tag in (NS + 'polygon', NS + 'ellipse', NS + 'path')]
            if cls.startswith('node') and shapes:
                self.nodes[g.get('id')] = box_of(shapes[0])
                self.texts[g.get('id')] = [t.text for t in g.iter(NS + 'text')]

    def center(self, node):
        x0, y0, x1, y1 = self.nodes[node]
        return ((x0 + x1) / 2, (y0 + y1) / 2)


def draw_svg(args):
    r = run(['draw'] + args + ['-T', 'svg'])
    expect(r.status, 0, f'draw {args} exit ({r.err!r})')
    return Picture(r.out)


def mlp_layers(sizes):
    """Per layer, per neuron: the ids of its product op nodes, as the library
    numbers values (creation order: every parameter first, neuron by neuron,
    weights then bias; then the inputs; then each neuron's w*x, sum, ...)."""
    n = 0
    for l in range(1, len(sizes)):
        n += (sizes[l - 1] + 1) * sizes[l]
    n += sizes[0]  # the inputs
    inputs = list(range(n - sizes[0], n))
    layers = []
    for l in range(1, len(sizes)):
        nin, layer = sizes[l - 1], []
        for j in range(sizes[l]):
            # w1*x1, b + it, then per further input: w*x, sum; then tanh
            prods = [n]
            n += 2
            for i in range(1, nin):
                prods.append(n)
                n += 2
            n += 1  # the activation
            layer.append([f'v{p}_op' for p in prods])
        layers.append(layer)
    return [f'v{i}' for i in inputs], layers


NETS = [('3,4,4,1', '2,3,-1'), ('2,3,1', '1,-2'), ('2,4,3,2', '0.5,-1')]


@test
def neurons_are_in_order_down_each_layer():
    for sizes, x in NETS:
        pic = draw_svg(['--mlp', sizes, '--input', x])
        _, layers = mlp_layers([int(s) for s in sizes.split(',')])
        for l, layer in enumerate(layers):
            ys = [min(pic.nodes[p][1] for p in prods) for prods in layer]
            expect(ys, sorted(ys), f'MLP {sizes} layer {l + 1}: the neurons\' top y, in order')
            for j, prods in enumerate(layer):  # w1 * x1 above w2 * x2 above ...
                ys = [pic.center(p)[1] for p in prods]
                expect_true(all(a < b for a, b in zip(ys, ys[1:])),
                            f'MLP {sizes} layer {l + 1} neuron {j + 1}: its products\' y {ys}')
            for j in range(len(layer) - 1):  # every product of j above every one of j+1
                expect_true(max(pic.nodes[p][3] for p in layer[j]) <
                            min(pic.nodes[p][1] for p in layer[j + 1]),
                            f'MLP {sizes} layer {l + 1}: neuron {j + 1} above neuron {j + 2}')


@test
def every_neuron_of_a_layer_starts_at_the_same_x():
    for sizes, x in NETS:
        pic = draw_svg(['--mlp', sizes, '--input', x])
        _, layers = mlp_layers([int(s) for s in sizes.split(',')])
        for l, layer in enumerate(layers):
            xs = {round(pic.center(p)[0], 2) for prods in layer for p in prods}
            expect(len(xs), 1, f'MLP {sizes} layer {l + 1}: the x of its products {sorted(xs)}')
        for l in range(len(layers) - 1):  # and the layers follow each other
            a = pic.center(layers[l][0][0])[0]
            b = pic.center(layers[l + 1][0][0])[0]
            expect_true(a < b, f'MLP {sizes}: layer {l + 1} left of layer {l + 2}')


@test
def the_inputs_stand_together_in_one_column():
    for sizes, x in NETS:
        pic = draw_svg(['--mlp', sizes, '--input', x])
        inputs, _ = mlp_layers([int(s) for s in sizes.split(',')])
        xs = {round(pic.center(i)[0], 2) for i in inputs}
        expect(len(xs), 1, f'MLP {sizes}: the inputs\' x')
        top = min(pic.nodes[i][1] for i in inputs)
        bottom = max(pic.nodes[i][3] for i in inputs)
        # nothing else in that column between the first input and the last
        col = next(iter(xs))
        others = [n for n, b in pic.nodes.items() if n not in inputs and b[0] <= col <= b[2]
                  and b[3] > top and b[1] < bottom]
        expect(others, [], f'MLP {sizes}: nodes between the inputs')


def cluster_labels(root):
    """Each cluster title's text box (x0, y0, x1, y1): its font size high,
    0.6 of it wide per character (wider than Helvetica's average glyph)."""
    out = []
    for g in root.iter(NS + 'g'):
        if g.get('class') != 'cluster':
            continue
        for t in g.iter(NS + 'text'):
            x, y, size = float(t.get('x')), float(t.get('y')), float(t.get('font-size'))
            w = len(t.text) * size * 0.6
            x0 = {'start': x, 'middle': x - w / 2, 'end': x - w}[t.get('text-anchor', 'start')]
            out.append((t.text, (x0, y - 0.8 * size, x0 + w, y + 0.25 * size)))
    return out


def label_crossings(svg):
    """(edge, cluster title) for every edge whose path passes over a title."""
    labels, out = cluster_labels(ET.fromstring(svg)), set()
    for edge, pts, _ in edge_parts(svg):
        for text, (x0, y0, x1, y1) in labels:
            if any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in pts):
                out.add((edge, text))
    return sorted(out)


@test
def no_edge_crosses_a_cluster_title():
    # an edge used to strike through "neuron 1" of layer 3 and "layer 2"
    for sizes, x in NETS + [('2,2,1', '1,2'), ('1,3,3,1', '1'), ('4,8,8,1', '1,2,3,4')]:
        for view in ([], ['--view', 'neurons'], ['--rankdir', 'TB']):
            r = run(['draw', '--mlp', sizes, '--input', x] + view + ['-T', 'svg'])
            expect(r.status, 0, 'exit')
            titles = [t for t, _ in cluster_labels(ET.fromstring(r.out))]
            expect_true(len(titles) >= len(sizes.split(',')) - 1, f'MLP {sizes} {view}: {titles}')
            expect(label_crossings(r.out), [], f'MLP {sizes} {view}: edges over titles')


def cluster_boxes(svg):
    """(title, (x0, y0, x1, y1)) of every cluster's outline, in SVG order."""
    out = []
    for g in ET.fromstring(svg).iter(NS + 'g'):
        if g.get('class') == 'cluster':
            outline = next(e for e in g.iter() if e.tag in (NS + 'path', NS + 'polygon'))
            out.append((next(g.iter(NS + 'text')).text, box_of(outline)))
    return out


@test
def layers_start_at_the_same_top_in_lr():
    # every layer's box used to sit lower than the one before (a staircase:
    # 3,4,4,1 at y -1727, -1038, -478). Each layer's first neuron now runs
    # straight along the top of its box, and those lines are one line, so
    # the boxes share their top edge. (Bounded layouts, past 2,000 layout
    # nodes, are not exact: 4,8,8,1 is left out.)
    for sizes, x in NETS + [('2,2,1', '1,2'), ('1,3,3,1', '1')]:
        y = ','.join(['1'] * int(sizes.split(',')[-1]))
        for extra in ([], ['--target', y], ['--edge-grads', '--target', y]):
            r = run(['draw', '--mlp', sizes, '--input', x] + extra + ['-T', 'svg'])
            expect(r.status, 0, 'exit')
            tops = [round(b[1], 2) for t, b in cluster_boxes(r.out) if t.startswith('layer ')]
            expect(len(tops), len(sizes.split(',')) - 1, f'MLP {sizes} {extra}: layers')
            expect_true(max(tops) - min(tops) <= 1, f'MLP {sizes} {extra}: the layers\' tops {tops}')


@test
def layers_nearly_start_at_the_same_left_in_tb():
    # TB: the staircase was 514 to 1,194 pt a layer (3,4,4,1 at x 8, 1202,
    # 2441); the first neurons' lines align there too, but the boxes' left
    # sides still step by up to 17 pt a layer (the chain's value boxes are
    # wider than its ops, and dot sets the line before the widest), 128 pt in
    # MLP(1, [3, 3, 1])
    for sizes, x in NETS + [('2,2,1', '1,2')]:
        r = run(['draw', '--mlp', sizes, '--input', x, '--rankdir', 'TB', '-T', 'svg'])
        expect(r.status, 0, 'exit')
        lefts = [b[0] for t, b in cluster_boxes(r.out) if t.startswith('layer ')]
        steps = [b - a for a, b in zip(lefts, lefts[1:])]
        expect_true(all(abs(d) <= 20 for d in steps), f'MLP {sizes} TB: the layers\' left sides {lefts}')


def png_size(data):
    expect(data[:8], b'\x89PNG\r\n\x1a\n', 'PNG signature')
    return struct.unpack('>II', data[16:24])


def svg_size(svg):
    """The SVG's width and height in points."""
    m = re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return float(m.group(1)), float(m.group(2))


@test
def an_automatic_png_keeps_its_text_readable():
    # the boxes' text is 13 pt: at least 1 px per pt makes it 13 px high
    # (the network used to come out at 0.75 px per pt, 9.8 px text)
    args = ['draw', '--mlp', '3,4,4,1', '--input', '2,3,-1']
    png, svg = run(args + ['-T', 'png']), run(args + ['-T', 'svg'])
    expect((png.status, svg.status), (0, 0), 'exit')
    (w, h), (sw, sh) = png_size(png.out), svg_size(svg.out)
    expect_true(w / sw >= 1 and h / sh >= 0.99, f'{w}x{h} px for {sw}x{sh} pt')
    expect_true(w * h <= 16e6, f'{w}x{h} px within 16 megapixels')


def long_chain(n):
    return '\n'.join(['x0 = 0.5'] + [f'x{i} = tanh(x{i - 1}*0.9 + {i})' for i in range(1, n)]) + '\n'


@test
def an_unreadable_png_is_refused_saying_what_to_do():
    d = tempdir()
    src = f'{d}/chain.mg'
    with open(src, 'w') as f:
        f.write(long_chain(400))
    r = run(['draw', src, '-o', f'{d}/chain.png'])
    expect(r.status, 2, 'exit')
    # the width depends on the fonts' metrics; the height is 400 ranks of boxes
    want = (r'micrograd: error: a PNG of this graph with readable text \(13 px, at 72 dpi\) '
            r'would be 37\d{4} x 22444 pixels, more than the 24 megapixels drawn at an '
            r'automatic resolution; within them its text would be 0\.7 px high; draw it as '
            r'SVG or PDF \(-T svg\), or choose the resolution with --dpi N\n')
    expect_true(re.fullmatch(want, r.err), f'message: {r.err!r}')
    expect(os.path.exists(f'{d}/chain.png'), False, 'no file written')
    # what the message offers works
    expect(run(['draw', src, '-o', f'{d}/chain.svg']).status, 0, 'as SVG')
    r = run(['draw', src, '--dpi', '5', '-o', f'{d}/chain.png'])
    expect(r.status, 0, 'with --dpi')
    expect(png_size(open(f'{d}/chain.png', 'rb').read())[0] < 30000, True, 'its width')
    # a network offers its neuron view too
    r = run(['draw', '--mlp', '3,30,30,1', '--input', '1,2,3', '--max-nodes', '0', '-T', 'png'])
    expect(r.status, 2, 'exit of the wide network')
    expect_true(r.err.endswith('; draw it as SVG or PDF (-T svg), one node per neuron (--view '
                               'neurons), or choose the resolution with --dpi N\n'), r.err)
    r = run(['draw', '--mlp', '3,30,30,1', '--input', '1,2,3', '--view', 'neurons', '-T', 'png'])
    expect(r.status, 0, 'its neuron view')


@test
def train_draws_a_readable_png_by_default():
    d = tempdir()
    r = run(['train', '--draw', f'{d}/net.png'])
    expect(r.status, 0, f'exit ({r.err!r})')
    w, h = png_size(open(f'{d}/net.png', 'rb').read())
    # the whole loss graph needs 8811 x 7722 px at 72 dpi: too large, so
    # the picture is example 1's graph (as with more data), at 72 dpi or more
    expect_true(w * h <= 16e6, f'{w}x{h} px within 16 megapixels')
    r = run(['train', '--draw', f'{d}/net.svg'])
    sw, sh = svg_size(open(f'{d}/net.svg', 'rb').read())
    expect_true(w / sw < 1, 'not the whole loss graph (that SVG is larger)')


def node_geometry(svg):
    """Every node's shapes and texts with their coordinates, by node id."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(NS + 'g'):
        if g.get('class', '').startswith('node'):
            out[g.get('id')] = [(e.tag, sorted(e.attrib.items())) for e in g.iter()
                                if e.tag in (NS + 'polygon', NS + 'ellipse', NS + 'polyline',
                                             NS + 'text', NS + 'path')]
    return out


@test
def edge_grads_move_no_node():
    for args in (['draw', NEURON_MG], ['draw', '--mlp', '2,3,1', '--input', '1,-2', '--target', '1'],
                 ['draw', NEURON_MG, '--rankdir', 'TB']):
        plain, labelled = run(args + ['-T', 'svg']), run(args + ['--edge-grads', '-T', 'svg'])
        expect((plain.status, labelled.status), (0, 0), f'{args} exit')
        a, b = node_geometry(plain.out), node_geometry(labelled.out)
        expect(sorted(a), sorted(b), f'{args}: the nodes')
        for n in a:
            expect(b[n], a[n], f'{args}: node {n} with and without --edge-grads')


def edge_parts(svg):
    """Per edge: its path (sampled points) and its labels (text, x, y, size)."""
    root = ET.fromstring(svg)
    out = []
    for g in root.iter(NS + 'g'):
        if g.get('class') != 'edge':
            continue
        path = next(g.iter(NS + 'path')).get('d')
        n = numbers(path)
        pts = list(zip(n[0::2], n[1::2]))
        dense = []
        for i in range(1, len(pts) - 2, 3):  # cubic Béziers
            p0, p1, p2, p3 = pts[i - 1:i + 3]
            for k in range(41):
                t = k / 40
                w = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3)
                dense.append((sum(c * q[0] for c, q in zip(w, (p0, p1, p2, p3))),
                              sum(c * q[1] for c, q in zip(w, (p0, p1, p2, p3)))))
        labels = [(t.text, float(t.get('x')), float(t.get('y')), float(t.get('font-size')))
                  for t in g.iter(NS + 'text')]
        out.append((g.get('id'), dense, labels))
    return out


@test
def edge_grad_labels_are_readable_and_beside_their_own_edge():
    r = run(['draw', NEURON_MG, '--edge-grads', '-T', 'svg'])
    expect(r.status, 0, 'exit')
    edges = edge_parts(r.out)
    labels = [(e, t) for e, _, ts in edges for t in ts]
    expect(len(labels), 9, 'one label per operand edge (4 products, 2 sums of 2, tanh)')
    for edge, (text, x, y, size) in labels:
        expect(size, 12.0, f'{edge} label size (the boxes: 13)')
        cx, cy = x, y - size / 3  # the middle of the text
        def dist(pts):
            return min(((px - cx) ** 2 + (py - cy) ** 2) ** 0.5 for px, py in pts)
        own = dist(next(d for e, d, _ in edges if e == edge))
        other = min(dist(d) for e, d, _ in edges if e != edge)
        expect_true(own < other, f'{edge} label {text} is {own:.1f} pt from its edge and '
                                 f'{other:.1f} pt from another')


def corner_marks(svg, node):
    """The diagonal strokes across a box's corners (Graphviz's 'diagonals')."""
    root = ET.fromstring(svg)
    g = next(g for g in root.iter(NS + 'g') if g.get('id') == node)
    marks = 0
    for p in g.iter(NS + 'polyline'):
        n = numbers(p.get('points'))
        marks += n[0] != n[2] and n[1] != n[3]
    return marks


@test
def color_grad_has_a_scale_and_a_sign_cue_in_black_and_white():
    r = run(['draw', NEURON_MG, '--color-grad', '--theme', 'print', '-T', 'svg'])
    expect(r.status, 0, 'exit')
    root = ET.fromstring(r.out)
    key = next(g for g in root.iter(NS + 'g') if g.get('id') == 'grad_scale')
    texts = [t.text for t in key.iter(NS + 'text')]
    # from -max to +max: the neuron's largest |grad| is x1's 1.5
    expect(texts, ['fill: grad (square-root scale)', '-1.5000', '-0.3750', '0.0000', '0.3750',
                   '1.5000', 'corners cut: grad < 0'], 'the scale')
    fills = [p.get('fill') for p in key.iter(NS + 'polygon') if p.get('stroke') == 'transparent']
    expect(fills, ['#999999', '#cccccc', '#ffffff', '#cccccc', '#999999'],
           'in print, -g and +g are the same grey')
    # so the sign is in the corners: x1 (grad -1.5) has them, x2 (+0.5) has not
    expect(corner_marks(r.out, 'v0'), 4, 'x1: grad -1.5')
    expect(corner_marks(r.out, 'v1'), 0, 'x2: grad 0.5')
    plain = run(['draw', NEURON_MG, '--theme', 'print', '-T', 'svg'])
    expect(b'grad_scale' in plain.out, False, 'no scale without --color-grad')
    expect(corner_marks(plain.out, 'v0'), 0, 'no corners without --color-grad')


@test
def the_neuron_view_has_a_key_and_edges_meet_boxes_at_their_sides():
    r = run(['draw', '--mlp', '3,4,4,1', '--input', '2,3,-1', '--view', 'neurons', '-T', 'svg'])
    expect(r.status, 0, 'exit')
    root = ET.fromstring(r.out)
    key = next(g for g in root.iter(NS + 'g') if g.get('id') == 'weight_key')
    expect([t.text for t in key.iter(NS + 'text')],
           ['an edge is a weight w:', '\u2014\u2014\u2014 solid: w > 0', '- - - dashed: w < 0',
            'width: |w|, thickest 0.9743'], 'the key')
    pic = Picture(r.out)
    weights = 0
    for g in root.iter(NS + 'g'):
        if g.get('class') != 'edge':
            continue
        tail, head = (end.split(':')[0] for end in g.find(NS + 'title').text.split('->'))
        start = numbers(next(g.iter(NS + 'path')).get('d'))[:2]
        tip = max(numbers(next(g.iter(NS + 'polygon')).get('points'))[0::2])
        expect_true(abs(start[0] - pic.nodes[tail][2]) <= 1.5, f'{tail}->{head} leaves its right side')
        expect_true(abs(tip - pic.nodes[head][0]) <= 2, f'{tail}->{head} enters the left side')
        weights += 1
    expect(weights, 3 * 4 + 4 * 4 + 4, 'weights')


if __name__ == '__main__':
    clitest.main()
