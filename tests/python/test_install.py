"""The two ways in: `meson install` puts the package where Debian's python3
finds it, and `pip install --no-build-isolation .` builds it from a checkout
with Debian's meson-python (into a venv here, made with the system's packages)."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import SOURCE_ROOT

BUILD_ROOT = os.environ.get('MG_BUILD_ROOT')

# A program using the installed module, run in a fresh interpreter.
USE = r'''
import json, micrograd_c
from micrograd_c import Value, draw_dot
from micrograd_c.nn import MLP
a = Value(2.0, label='a'); b = Value(-3.0, label='b')
L = a * b + a; L.label = 'L'
L.backward()
print(json.dumps({"file": micrograd_c.__file__, "grads": [a.grad, b.grad],
                  "svg": draw_dot(L)._repr_svg_().count('class="node value'),
                  "mlp": len(MLP(3, [4, 4, 1]).parameters())}))
'''


def use_module(python, env=None):
    r = subprocess.run([python, '-c', USE], capture_output=True, text=True, env=env,
                       cwd='/', check=False)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_meson_install_puts_it_where_python_finds_it(tmp_path):
    if not BUILD_ROOT:
        pytest.skip('MG_BUILD_ROOT is not set: run through meson test')
    dest = tmp_path / 'dest'
    r = subprocess.run(['meson', 'install', '-C', BUILD_ROOT, '--no-rebuild', '--quiet',
                        '--destdir', str(dest)], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    inits = [os.path.join(d, '__init__.py') for d, _, files in os.walk(dest)
             if os.path.basename(d) == 'micrograd_c' and '__init__.py' in files]
    assert len(inits) == 1, inits
    site = os.path.dirname(os.path.dirname(inits[0]))
    installed = '/' + os.path.relpath(site, dest)
    with open(os.path.join(BUILD_ROOT, 'meson-info', 'intro-buildoptions.json')) as f:
        prefix = next(o['value'] for o in json.load(f) if o['name'] == 'prefix')
    if prefix == '/usr/local':  # the default: a directory on this python's own path
        assert installed in sys.path, f'{installed} is not on {sys.executable}\'s sys.path'
    env = dict(os.environ, PYTHONPATH=site)
    got = use_module(sys.executable, env)
    assert got['file'] == inits[0]
    assert (got['grads'], got['svg'], got['mlp']) == ([-2.0, 2.0], 4, 41)


@pytest.mark.skipif(bool(os.environ.get('MG_SANITIZED')),
                    reason='pip builds its own, unsanitized module: run in the plain build')
def test_pip_install_from_a_checkout(tmp_path):
    src = tmp_path / 'src'
    anywhere = shutil.ignore_patterns('.git', 'node_modules', '.mesonpy-*', '__pycache__')

    def ignore(folder, names):  # a checkout: no build directories, no VCS
        skip = set(anywhere(folder, names))
        if os.path.samefile(folder, SOURCE_ROOT):
            skip |= {n for n in names if n.startswith('build') or n == 'out'}
        return skip

    shutil.copytree(SOURCE_ROOT, src, ignore=ignore)
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages', str(venv)],
                   check=True)
    python = str(venv / 'bin' / 'python')
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'PIP_USER')}
    r = subprocess.run([python, '-m', 'pip', 'install', '--no-build-isolation', '--no-deps',
                        '--no-index', '--quiet', str(src)], capture_output=True, text=True,
                       env=env, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    got = use_module(python, env)
    assert got['file'].startswith(str(venv))
    assert (got['grads'], got['svg'], got['mlp']) == ([-2.0, 2.0], 4, 41)
    files = subprocess.run([python, '-m', 'pip', 'show', '--files', 'micrograd-c'],
                           capture_output=True, text=True, env=env, check=True).stdout
    listed = [line.strip() for line in files.split('Files:')[1].splitlines() if line.strip()]
    # the package and its metadata, nothing of the C install (no program, headers, .so)
    assert all(f.startswith(('micrograd_c/', 'micrograd_c-')) for f in listed), listed
