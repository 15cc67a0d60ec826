"""A real Jupyter kernel (ipykernel, driven by nbclient) runs a notebook that
builds the lecture's L example and displays draw_dot(L) and lesson(L): the
executed notebook holds the picture and the page, as a reader would see them."""
import html
import json
import os
import sys

import nbclient
import nbformat

CELLS = [
    'from micrograd_c import Value, draw_dot, lesson',
    # the lecture's cell, unchanged
    "a = Value(2.0, label='a')\n"
    "b = Value(-3.0, label='b')\n"
    "c = Value(10.0, label='c')\n"
    "e = a*b; e.label = 'e'\n"
    "d = e + c; d.label = 'd'\n"
    "f = Value(-2.0, label='f')\n"
    "L = d * f; L.label = 'L'\n"
    "L.backward()\n"
    "L",
    'draw_dot(L)',
    'lesson(L)',
]


def kernel_for_this_python(tmp_path):
    """A kernelspec running this interpreter (the one with the module on its
    path), whatever `python3` is first on PATH."""
    spec = tmp_path / 'kernels' / 'micrograd-test'
    spec.mkdir(parents=True)
    (spec / 'kernel.json').write_text(json.dumps({
        'argv': [sys.executable, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
        'display_name': 'micrograd_c test', 'language': 'python'}))
    return str(tmp_path)


def outputs_of(cell):
    return [o for o in cell.outputs if o.output_type in ('execute_result', 'display_data')]


def test_notebook_shows_the_picture_and_the_lesson(tmp_path, monkeypatch):
    monkeypatch.setenv('JUPYTER_PATH', kernel_for_this_python(tmp_path))
    monkeypatch.setenv('JUPYTER_RUNTIME_DIR', str(tmp_path / 'runtime'))
    monkeypatch.setenv('IPYTHONDIR', str(tmp_path / 'ipython'))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = nbclient.NotebookClient(nb, kernel_name='micrograd-test', timeout=300,
                                     resources={'metadata': {'path': str(tmp_path)}})
    client.execute()
    errors = [o for cell in nb.cells for o in cell.outputs if o.output_type == 'error']
    assert not errors, errors

    (result,) = outputs_of(nb.cells[1])
    assert result.data['text/plain'] == 'Value(data=-8.0, grad=1)'

    (picture,) = outputs_of(nb.cells[2])
    svg = picture.data['image/svg+xml']
    assert svg.count('class="node value') == 7  # the seven boxes: a b c e d f L
    for box in ('a', 'b', 'c', 'e', 'd', 'f', 'L'):
        assert f'>{box}</text>' in svg, box
    assert 'image/png' not in picture.data  # only the drawing's own format is drawn

    (page,) = outputs_of(nb.cells[3])
    inline = page.data['text/html']
    assert inline.startswith('<iframe srcdoc="')  # the page, on its own in an iframe
    doc = html.unescape(inline.split('"')[1])  # the library's page, whole
    assert doc.startswith('<!DOCTYPE html>') and doc.endswith('</html>\n')
    # 5 frames; the picture, and top to bottom for a phone held upright
    assert doc.count('<figcaption class="caption') == 5 and doc.count('<svg') == 2
    assert '<span id="counter" aria-live="polite">step 1 of 5</span>' in doc
    for control in ('<button id="prev" type="button" disabled>← Previous</button>',
                    '<input id="slider" type="range" min="0" max="4" value="0"',
                    '<button id="next" type="button">Next →</button>',
                    '<button id="zoom" type="button" aria-pressed="false"',
                    "document.getElementById('counter')"):
        assert control in doc, control
    assert '<span class="head">L.grad <span class="nb">= 1:</span></span> dL/dL <span class="nb">= 1,</span>' in doc
    assert ('<span class="term">a.grad <span class="nb">+= b.data × e.grad</span> <span class="nb">'
            '= -3.0000 × -2.0000</span> <span class="nb">= 6.0000</span></span>') in doc

    path = tmp_path / 'L.ipynb'
    nbformat.write(nb, str(path))
    assert nbformat.read(str(path), as_version=4).cells[2].outputs
    assert os.path.getsize(path) > len(svg)
