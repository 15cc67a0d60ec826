"""draw_dot, lesson and check: pictures, step-by-step lessons and gradient
checks of Values, made in-process by the micrograd-c libraries (no graphviz
package, no dot program). Each works on a copy of the graph taken when it is
called: later changes to the Values do not show in it.
"""
import html
import os
import secrets
from collections import namedtuple

from . import _core

__all__ = ['draw_dot', 'lesson', 'check', 'Drawing', 'Lesson', 'GradCheck', 'ValueCheck']

_MIME_TYPES = {'svg': 'image/svg+xml', 'png': 'image/png', 'pdf': 'application/pdf'}
_FORMAT_OF_EXTENSION = {'.svg': 'svg', '.png': 'png', '.pdf': 'pdf', '.dot': 'dot',
                        '.gv': 'dot', '.html': 'html', '.htm': 'html'}


def _format_of(path, format, allowed):
    """The format of a file to write: format if given, else from the extension."""
    if format is None:
        ext = os.path.splitext(os.fspath(path))[1].lower()
        format = _FORMAT_OF_EXTENSION.get(ext)
        if format is None:
            raise ValueError(f"cannot tell the format of {os.fspath(path)!r} from its extension: "
                             f"use one of {', '.join('.' + f for f in allowed)} or pass format=")
    if format not in allowed:
        raise ValueError(f"format must be one of {', '.join(repr(f) for f in allowed)}, "
                         f"not {format!r}")
    return format


def _write_atomically(path, data):
    """Writes the bytes to a temporary file beside path, then renames it into
    place: a failure leaves no half-written file and the old one untouched."""
    path = os.fspath(path)
    folder, name = os.path.split(path)
    for _ in range(100):
        tmp = os.path.join(folder, f'.{name}.{secrets.token_hex(4)}.tmp')
        try:  # 0o666 less the umask, as any new file
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f'no free temporary name beside {path!r}')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


# ---- pictures -------------------------------------------------------------------

class Drawing:
    """A picture of a graph, as `micrograd draw` makes it: Jupyter shows it
    inline (in the format it was drawn in), .save(path) writes it, .source is
    its DOT text, .pipe(format) its bytes in any format."""

    _FORMATS = ('svg', 'png', 'pdf', 'dot', 'plain')

    def __init__(self, snapshot, format, options):
        self._snapshot = snapshot
        self._options = options
        self._cache = {}
        self.format = format
        self.pipe(format)  # draws now, so that errors show where draw_dot is called

    def pipe(self, format=None):
        """The picture as bytes in format (default: the drawing's format)."""
        format = self.format if format is None else format
        if format not in self._cache:
            self._cache[format] = _core.render(self._snapshot, format, **self._options)
        return self._cache[format]

    @property
    def source(self):
        """The DOT text of the graph (before layout), as `micrograd draw -T dot`."""
        return self.pipe('dot').decode('utf-8')

    def save(self, path, format=None):
        """Writes the picture to path, in the format its extension names (.svg,
        .png, .pdf, .dot) unless format is given; returns path."""
        format = _format_of(path, format, ('svg', 'png', 'pdf', 'dot'))
        return _write_atomically(path, self.pipe(format))

    def render(self, filename='Digraph.gv', directory=None, format=None, cleanup=False):
        """As graphviz's Digraph.render: the DOT source to filename (unless
        cleanup) and the picture to filename + '.' + format; returns the
        picture's path."""
        format = self.format if format is None else format
        path = os.path.join(directory, filename) if directory else filename
        if not cleanup:
            _write_atomically(path, self.pipe('dot'))
        return _write_atomically(f'{path}.{format}', self.pipe(format))

    def _repr_svg_(self):
        return self.pipe('svg').decode('utf-8')

    def _repr_png_(self):
        return self.pipe('png')

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = self.pipe()
        bundle = {'text/plain': repr(self)}
        mime = _MIME_TYPES.get(self.format)
        if mime:
            bundle[mime] = data.decode('utf-8') if self.format == 'svg' else data
        return bundle

    def _ipython_display_(self):
        # Only the drawing's own format: IPython would otherwise call every
        # _repr_*_ and draw the PNG of an SVG drawing for nothing.
        from IPython.display import display
        display(self._repr_mimebundle_(), raw=True)

    def __repr__(self):
        return f"<micrograd_c.Drawing of {len(self._snapshot)} values, format {self.format!r}>"


def draw_dot(root, format='svg', rankdir='LR', *, precision=4, forward_only=False,
             theme='light', dpi=0, color_grad=False, edge_grads=False, clusters=True,
             title=None, max_nodes=2000):
    """The picture of root's graph (a Value, or a list of Values), as micrograd's
    draw_dot (trace_graph.ipynb, same arguments) draws it, with `micrograd
    draw`'s options too: every value a box
    { label | data | grad }, every op a small node. rankdir 'LR' or 'TB';
    format 'svg', 'png', 'pdf', 'dot' or 'plain'; precision digits after the
    point; forward_only: no grads; theme 'light', 'dark' or 'print'; dpi for
    PNG (0: automatic); color_grad colours values by grad; edge_grads labels
    edges with what they carry back; title above the graph; max_nodes refuses
    larger graphs (0: no limit). Draws the grads as they are: call
    root.backward() first to see them."""
    options = dict(rankdir=rankdir, precision=precision, forward_only=forward_only,
                   theme=theme, dpi=dpi, color_grad=color_grad, edge_grads=edge_grads,
                   clusters=clusters, title=title, max_nodes=max_nodes)
    return Drawing(_core.Snapshot(root), format, options)


# ---- lessons ------------------------------------------------------------------

class Lesson:
    """Backpropagation of a root, one step a frame, as `micrograd steps`
    makes it: frame 0 the forward pass with every grad 0, frame 1 the root's
    grad set to 1, then one frame per op value in the order backward runs.
    Jupyter shows the lesson's page inline; .save(path) writes it, or the
    printable handout for a .pdf path."""

    def __init__(self, core, title):
        self._core = core
        self.title = title
        self._page = None

    def __len__(self):
        return len(self._core)

    @property
    def captions(self):
        """The caption of every frame: the chain rule written out with numbers."""
        return [self._core.caption(i) for i in range(len(self._core))]

    def frame(self, i, format='svg'):
        """The picture of frame i (svg or png bytes)."""
        return self._core.frame(i, format)

    def page(self):
        """The page `micrograd steps -o x.html` writes (UTF-8 bytes): every
        frame with its caption, the buttons, slider and keys to step them."""
        if self._page is None:
            self._page = self._core.page(self.title)
        return self._page

    def _repr_html_(self):
        # The page styles <body> and finds its controls by id, so it needs a
        # document of its own: an iframe, whose srcdoc needs & and " escaped.
        doc = self.page().decode('utf-8').replace('&', '&amp;').replace('"', '&quot;')
        title = html.escape(self.title if self.title is not None else 'lesson')
        return (f'<iframe srcdoc="{doc}" title="{title}" '
                'style="width: 100%; height: 640px; border: none"></iframe>')

    def handout(self):
        """The handout `micrograd steps -o x.pdf` writes (PDF bytes): one
        page per frame (A4, or the lesson's paper), its picture and its
        caption."""
        return self._core.handout(self.title)

    def save(self, path):
        """Writes the page (.html or .htm) or the handout (.pdf) to path;
        returns path."""
        if _format_of(path, None, ('html', 'pdf')) == 'pdf':
            return _write_atomically(path, self.handout())
        return _write_atomically(path, self.page())

    def __repr__(self):
        return f"<micrograd_c.Lesson {self.title!r}: {len(self)} frames>"


def lesson(root, *, title='backpropagation', precision=4, rankdir='LR', max_nodes=500,
           quiz=False, theme='light', paper='a4'):
    """The step-by-step lesson of root's backward pass, with `micrograd
    steps`'s options: title the page's heading (None: root's label),
    precision digits in pictures and captions, rankdir 'LR' or 'TB',
    max_nodes refuses larger graphs (0: no limit), quiz makes the page ask
    for each step's grads (--quiz), theme 'light', 'dark' or 'print' (the
    page, its frames and the handout), paper 'a4' or 'letter' (the
    handout's sheets, --paper). The Values are not touched: the lesson
    steps grads of a copy."""
    return Lesson(_core.Lesson(root, precision=precision, rankdir=rankdir,
                               max_nodes=max_nodes, quiz=quiz, theme=theme, paper=paper),
                  title)


# ---- the gradient check -------------------------------------------------------

class ValueCheck(namedtuple('ValueCheck', 'value name analytic numeric step verdict')):
    """One value of a gradient check: its Value and name, d root / d value by
    backward (analytic) and by the finite difference (numeric) with the step
    it took, and the verdict: 'ok', 'FAIL', or 'kink' (they differ because
    the root is not differentiable there, as relu at 0)."""

    __slots__ = ()

    @property
    def ok(self):
        """False only for a failure (a kink is not one), as --json's "ok"."""
        return self.verdict != 'FAIL'

    @property
    def differentiable(self):
        return self.verdict != 'kink'


class GradCheck:
    """The result of check(): .results (a ValueCheck each), .ok, .failed and
    .kinks (how many), true when ok. Its repr is what `micrograd check`
    prints."""

    def __init__(self, results, values, scheme, h, tol):
        self.results = results
        self.values = values
        self.scheme = scheme
        self.h = h
        self.tol = tol
        self.failed = sum(r.verdict == 'FAIL' for r in results)
        self.kinks = sum(r.verdict == 'kink' for r in results)
        self.ok = self.failed == 0

    def __bool__(self):
        return self.ok

    def __repr__(self):
        lines = [f"{r.verdict:<4} {r.name}: analytic {r.analytic!r}, numeric {r.numeric!r}"
                 + ('' if r.differentiable else ' (not differentiable here)')
                 for r in self.results]
        n = len(self.results)
        unit = ('value' if n == 1 else 'values') if self.values == 'all' else \
            ('leaf' if n == 1 else 'leaves')
        kinks = f' ({self.kinks} not differentiable)' if self.kinks else ''
        lines.append(f"{'ok' if self.ok else 'FAILED'}: {n} {unit}{kinks}, h = {self.h:g}")
        return '\n'.join(lines)


def check(root, h=None, tol=1e-6, *, values='leaves', scheme='central'):
    """`micrograd check` of root: each value's grad by backward against a
    finite difference of root, passing when they differ by at most tol *
    max(1, |analytic|, |numeric|). values 'leaves' (the default) or 'all'
    (every value root depends on, root included); scheme 'central' ((f(x+s) -
    f(x-s)) / 2s) or 'forward' ((f(x+s) - f(x)) / s, the lecture's nudge); h
    None: a step of 1e-6 scaled to each value, a number: that step for every
    value (--h). Constants (numbers in an expression) are not checked. Runs
    on a copy: the Values' data and grads stay as they are."""
    copied, h_used, results = _core.check(root, h, tol, values=values, scheme=scheme)
    return GradCheck([ValueCheck(copied[i], *rest) for i, *rest in results],
                     values, scheme, h_used, tol)
