/* Pictures, lessons and gradient checks of Python values: the module's one
 * file that calls the viz and lesson libraries and the library's check. Each
 * works on a copy of the values (snapshot.c), never on the Values themselves. */
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <micrograd/check.h>
#include <micrograd/lesson.h>
#include <micrograd/viz.h>

void mgpy_raise_status(mg_status status, const char *message)
{
    PyObject *type = status == MG_ERR_NOMEM    ? PyExc_MemoryError
                     : status == MG_ERR_RENDER ? PyExc_RuntimeError
                                               : PyExc_ValueError;
    PyErr_SetString(type, message && *message ? message : mg_status_str(status));
}

/* A library failure of a picture or a lesson: too many values, or a PNG too
 * large to read, says how to make it anyway. */
static void raise_viz(const mg_error *err)
{
    if (err->status == MG_ERR_LIMIT)
        PyErr_Format(PyExc_ValueError, "%s; pass max_nodes=N to draw it anyway (0: no limit)",
                     err->message);
    else if (err->status == MG_ERR_UNREADABLE)
        PyErr_Format(PyExc_ValueError, "%s; draw it as SVG or PDF (format='svg'), or choose "
                     "the resolution with dpi=N", err->message);
    else
        mgpy_raise_status(err->status, err->message);
}

/* The bytes of a render as a new bytes object (freeing the render), or NULL
 * with the render's error raised. */
static PyObject *rendered(mg_status s, const mg_error *err, char *out, size_t len)
{
    if (s != MG_OK) {
        raise_viz(err);
        return NULL;
    }
    PyObject *r = PyBytes_FromStringAndSize(out, (Py_ssize_t)len);
    mg_viz_free_output(out);
    return r;
}

static mg_viz *new_viz(void)
{
    mg_viz *viz = NULL;
    mg_error err;
    if (mg_viz_new(&viz, &err) != MG_OK)
        raise_viz(&err);
    return viz;
}

/* The index of word among the n words, or -1 with ValueError "what must be
 * 'a', 'b' or 'c', not 'word'" (the CLI's options' words). */
static int pick_word(const char *what, const char *word, const char *const *words, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(word, words[i]) == 0)
            return i;
    char list[128] = "";
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s'",
                                i == 0 ? "" : i == n - 1 ? " or " : ", ", words[i]);
    PyErr_Format(PyExc_ValueError, "%s must be %s, not '%s'", what, list, word);
    return -1;
}

/* "LR"/"TB" and "light"/"dark"/"print", as the CLI's --rankdir and --theme. */
static int parse_words(const char *rankdir, const char *theme, mg_viz_options *o)
{
    static const char *const rankdirs[] = {"LR", "TB"}; /* MG_VIZ_RANKDIR_* */
    static const char *const themes[] = {"light", "dark", "print"}; /* MG_VIZ_THEME_* */
    int r = pick_word("rankdir", rankdir, rankdirs, 2);
    int t = r < 0 ? -1 : pick_word("theme", theme, themes, 3);
    if (t < 0)
        return -1;
    o->rankdir = (mg_viz_rankdir)r;
    o->theme = (mg_viz_theme)t;
    return 0;
}

static int parse_max_nodes(Py_ssize_t max_nodes, size_t *out)
{
    if (max_nodes < 0) {
        PyErr_SetString(PyExc_ValueError, "max_nodes must be 0 (no limit) or more");
        return -1;
    }
    *out = (size_t)max_nodes;
    return 0;
}

/* ---- pictures ------------------------------------------------------------------ */

/* render(snapshot, format='svg', *, rankdir='LR', precision=4, forward_only=False,
 *        theme='light', dpi=0, color_grad=False, edge_grads=False, clusters=True,
 *        title=None, max_nodes=2000) -> bytes: `micrograd draw`'s options. */
static PyObject *present_render(PyObject *module, PyObject *args, PyObject *kwds)
{
    (void)module;
    static char *keywords[] = {"snapshot", "format", "rankdir", "precision", "forward_only",
                               "theme", "dpi", "color_grad", "edge_grads", "clusters", "title",
                               "max_nodes", NULL};
    PyObject *snapshot;
    const char *format = "svg", *rankdir = "LR", *theme = "light";
    mg_viz_options o = mg_viz_options_default();
    Py_ssize_t max_nodes = MG_VIZ_MAX_NODES_DEFAULT;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|s$sipsipppzn:render", keywords, &snapshot,
                                     &format, &rankdir, &o.precision, &o.forward_only, &theme,
                                     &o.dpi, &o.color_grad, &o.edge_grads, &o.clusters, &o.title,
                                     &max_nodes))
        return NULL;
    const mgpy_copy *c = mgpy_snapshot_copy(snapshot);
    if (!c || parse_words(rankdir, theme, &o) < 0 || parse_max_nodes(max_nodes, &o.max_nodes) < 0)
        return NULL;
    mg_viz *viz = new_viz();
    if (!viz)
        return NULL;
    char *out = NULL;
    size_t len = 0;
    mg_error err;
    mg_status s;
    /* The snapshot never changes and the viz module serialises Graphviz:
     * other threads may run while dot lays out. */
    Py_BEGIN_ALLOW_THREADS
    s = mg_viz_render(viz, c->g, c->roots, c->nroots, &o, format, &out, &len, &err);
    Py_END_ALLOW_THREADS
    mg_viz_free(viz);
    return rendered(s, &err, out, len);
}

/* ---- the gradient check -------------------------------------------------------- */

/* "leaves"/"all" and "central"/"forward", as the CLI's --values and --scheme. */
static int parse_check_words(const char *values, const char *scheme, mg_check_options *o)
{
    static const char *const which[] = {"leaves", "all"};       /* MG_CHECK_LEAVES, _ALL */
    static const char *const schemes[] = {"central", "forward"}; /* MG_CHECK_CENTRAL, _FORWARD */
    int v = pick_word("values", values, which, 2);
    int s = v < 0 ? -1 : pick_word("scheme", scheme, schemes, 2);
    if (s < 0)
        return -1;
    o->values = (mg_check_values)v;
    o->scheme = (mg_check_scheme)s;
    return 0;
}

/* The results as [(index in the values, name, analytic, numeric, step, verdict)]. */
static PyObject *check_list(const mgpy_copy *c, const mg_check_report *r)
{
    PyObject *list = PyList_New((Py_ssize_t)r->count);
    for (size_t i = 0; list && i < r->count; i++) {
        const mg_check_result *x = &r->results[i];
        char name[256];
        mg_lesson_value_name(c->g, x->value, name, sizeof name);
        PyObject *item = Py_BuildValue("(nsddds)", (Py_ssize_t)x->value.index, name, x->analytic,
                                       x->numeric, x->step, mg_check_verdict_name(x->verdict));
        if (!item)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, item);
    }
    return list;
}

/* Checks c's values that are not constants (a number in an expression is
 * not checked, as in the CLI, where only named values are); a new list, or
 * NULL. */
static PyObject *check_copy(const mgpy_copy *c, mg_check_options *o)
{
    size_t n = mg_graph_size(c->g), count = 0;
    mg_value *only = PyMem_Calloc(n + 1, sizeof *only);
    if (!only)
        return PyErr_NoMemory();
    for (size_t i = 0; i < n; i++) {
        mg_value v = mg_value_at(c->g, i);
        if (mg_value_role(c->g, v) != MG_ROLE_CONST)
            only[count++] = v;
    }
    o->only = only;
    o->only_count = count;
    mg_check_report r;
    mg_error err;
    PyObject *list = NULL;
    if (mg_check(c->g, c->roots[0], o, &r, &err) == MG_OK) {
        list = check_list(c, &r);
        mg_check_report_free(&r);
    } else {
        mgpy_raise_status(err.status, err.message);
    }
    PyMem_Free(only);
    return list;
}

/* check(root, h=None, tol=1e-6, *, values='leaves', scheme='central')
 * -> (values, h, [(index, name, analytic, numeric, step, verdict)]): `micrograd
 * check` on a copy of what root depends on (the Values are not touched). h
 * None: the library's step, scaled to each value; a number: that step for
 * every value, as --h. */
static PyObject *present_check(PyObject *module, PyObject *args, PyObject *kwds)
{
    (void)module;
    static char *keywords[] = {"root", "h", "tol", "values", "scheme", NULL};
    PyObject *root, *h = Py_None;
    const char *values = "leaves", *scheme = "central";
    mg_check_options o = mg_check_options_default();
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|Od$ss:check", keywords, &root, &h, &o.tol,
                                     &values, &scheme))
        return NULL;
    if (!mgpy_is_value(root)) {
        PyErr_Format(PyExc_TypeError, "check() needs a Value, not '%.200s'",
                     Py_TYPE(root)->tp_name);
        return NULL;
    }
    if (parse_check_words(values, scheme, &o) < 0)
        return NULL;
    if (h != Py_None) {
        o.h = PyFloat_AsDouble(h);
        o.exact_step = 1;
        if (o.h == -1.0 && PyErr_Occurred())
            return NULL;
    }
    mgpy_copy c;
    if (mgpy_copy_make(root, 1, &c) < 0)
        return NULL;
    PyObject *list = check_copy(&c, &o);
    PyObject *r = list ? Py_BuildValue("(OdO)", c.values, o.h, list) : NULL;
    Py_XDECREF(list);
    mgpy_copy_free(&c);
    return r;
}

/* ---- lessons ------------------------------------------------------------------- */

/* A lesson of one root: its own copy of the values (whose grads it steps), the
 * lesson's frames and one layout for all their pictures. Used with the GIL
 * held throughout, so two threads never step it at once. */
typedef struct mgpy_lesson {
    PyObject_HEAD
    mgpy_copy copy;
    mg_lesson *lesson;
    mg_viz *viz;
    mg_viz_options options; /* the pictures' and the page's */
    mg_viz_scene *scene;
} mgpy_lesson;

/* Lesson(root, *, precision=4, rankdir='LR', max_nodes=500, quiz=False,
 * theme='light', paper='a4'): `micrograd steps` (quiz: its --quiz page;
 * paper: the handout's --paper). */
static PyObject *lesson_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"root",  "precision", "rankdir", "max_nodes",
                               "quiz",  "theme",     "paper",   NULL};
    PyObject *root;
    const char *rankdir = "LR", *theme = "light", *paper = "a4";
    mg_viz_options o = mg_viz_options_default();
    Py_ssize_t max_nodes = 500;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$isnpss:Lesson", keywords, &root,
                                     &o.precision, &rankdir, &max_nodes, &o.quiz, &theme, &paper))
        return NULL;
    if (!mgpy_is_value(root)) {
        PyErr_Format(PyExc_TypeError, "a lesson needs a Value, not '%.200s'",
                     Py_TYPE(root)->tp_name);
        return NULL;
    }
    int p = -1;
    if (parse_words(rankdir, theme, &o) < 0 || parse_max_nodes(max_nodes, &o.max_nodes) < 0 ||
        (p = pick_word("paper", paper, mg_viz_paper_names, MG_VIZ_PAPER_LETTER + 1)) < 0)
        return NULL;
    o.paper = (mg_viz_paper)p;
    mgpy_lesson *l = (mgpy_lesson *)type->tp_alloc(type, 0);
    if (!l || mgpy_copy_make(root, 0, &l->copy) < 0) {
        Py_XDECREF(l);
        return NULL;
    }
    l->options = o;
    mg_error err;
    mg_lesson_options lo = {.precision = o.precision};
    if (mg_lesson_new(l->copy.g, l->copy.roots[0], &lo, &l->lesson, &err) != MG_OK) {
        mgpy_raise_status(err.status, err.message);
        Py_CLEAR(l);
    } else if (!(l->viz = new_viz())) {
        Py_CLEAR(l);
    } else if (mg_viz_scene_new(l->viz, l->lesson, &l->options, &l->scene, &err) != MG_OK) {
        raise_viz(&err); /* laid out now: errors show where the lesson is made */
        Py_CLEAR(l);
    }
    return (PyObject *)l;
}

static void lesson_dealloc(PyObject *self)
{
    mgpy_lesson *l = (mgpy_lesson *)self;
    mg_viz_scene_free(l->scene);
    mg_viz_free(l->viz);
    mg_lesson_free(l->lesson);
    mgpy_copy_free(&l->copy);
    Py_TYPE(self)->tp_free(self);
}

static Py_ssize_t lesson_length(PyObject *self)
{
    return (Py_ssize_t)mg_lesson_frame_count(((mgpy_lesson *)self)->lesson);
}

/* The frame number i, or -1 with IndexError. */
static Py_ssize_t frame_index(mgpy_lesson *l, Py_ssize_t i)
{
    Py_ssize_t n = (Py_ssize_t)mg_lesson_frame_count(l->lesson);
    if (i < 0)
        i += n;
    if (i < 0 || i >= n) {
        PyErr_Format(PyExc_IndexError, "the lesson has %zd frames", n);
        return -1;
    }
    return i;
}

static PyObject *lesson_caption(PyObject *self, PyObject *arg)
{
    mgpy_lesson *l = (mgpy_lesson *)self;
    Py_ssize_t i = PyNumber_AsSsize_t(arg, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred())
        return NULL;
    if ((i = frame_index(l, i)) < 0)
        return NULL;
    return PyUnicode_FromString(mg_lesson_caption(l->lesson, (size_t)i));
}

/* frame(i, format='svg') -> bytes: the picture of frame i, the current value
 * and the grads it changed highlighted. */
static PyObject *lesson_frame(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"i", "format", NULL};
    mgpy_lesson *l = (mgpy_lesson *)self;
    Py_ssize_t i;
    const char *format = "svg";
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "n|s:frame", keywords, &i, &format) ||
        (i = frame_index(l, i)) < 0)
        return NULL;
    char *out = NULL;
    size_t len = 0;
    mg_error err;
    mg_status s = mg_viz_scene_render(l->scene, (size_t)i, format, &out, &len, &err);
    return rendered(s, &err, out, len);
}

/* The page or the handout of the lesson (title None: the root's name), made
 * by `make` (mg_viz_lesson_page or mg_viz_lesson_handout, one signature). */
typedef mg_status lesson_document(mg_viz *, mg_lesson *, const mg_viz_options *, const char *,
                                  char **, size_t *, mg_error *);
static PyObject *lesson_document_of(PyObject *self, PyObject *args, PyObject *kwds,
                                    const char *parse, lesson_document *make)
{
    static char *keywords[] = {"title", NULL};
    mgpy_lesson *l = (mgpy_lesson *)self;
    const char *title = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, parse, keywords, &title))
        return NULL;
    char *out = NULL;
    size_t len = 0;
    mg_error err;
    mg_status s = make(l->viz, l->lesson, &l->options, title, &out, &len, &err);
    return rendered(s, &err, out, len);
}

/* page(title=None) -> bytes: the page `micrograd steps -o x.html` writes. */
static PyObject *lesson_page(PyObject *self, PyObject *args, PyObject *kwds)
{
    return lesson_document_of(self, args, kwds, "|z:page", mg_viz_lesson_page);
}

/* handout(title=None) -> bytes: the PDF `micrograd steps -o x.pdf` writes. */
static PyObject *lesson_handout(PyObject *self, PyObject *args, PyObject *kwds)
{
    return lesson_document_of(self, args, kwds, "|z:handout", mg_viz_lesson_handout);
}

static PyMethodDef lesson_methods[] = {
    {"caption", lesson_caption, METH_O, "caption(i) -> str: the chain rule of frame i."},
    {"frame", (PyCFunction)(void (*)(void))lesson_frame, METH_VARARGS | METH_KEYWORDS,
     "frame(i, format='svg') -> bytes: the picture of frame i."},
    {"page", (PyCFunction)(void (*)(void))lesson_page, METH_VARARGS | METH_KEYWORDS,
     "page(title=None) -> bytes: the page `micrograd steps -o x.html` writes."},
    {"handout", (PyCFunction)(void (*)(void))lesson_handout, METH_VARARGS | METH_KEYWORDS,
     "handout(title=None) -> bytes: the PDF `micrograd steps -o x.pdf` writes."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods lesson_as_sequence = {.sq_length = lesson_length};

static PyTypeObject mgpy_lesson_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "micrograd_c._core.Lesson",
    .tp_doc = "Lesson(root, *, precision=4, rankdir='LR', max_nodes=500, quiz=False):\n"
              "backpropagation\n"
              "of root frame by frame, as `micrograd steps` makes it.",
    .tp_basicsize = sizeof(mgpy_lesson),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = lesson_new,
    .tp_dealloc = lesson_dealloc,
    .tp_as_sequence = &lesson_as_sequence,
    .tp_methods = lesson_methods,
};

PyMethodDef mgpy_present_methods[] = {
    {"render", (PyCFunction)(void (*)(void))present_render, METH_VARARGS | METH_KEYWORDS,
     "render(snapshot, format='svg', **options) -> bytes: the picture `micrograd draw` makes."},
    {"check", (PyCFunction)(void (*)(void))present_check, METH_VARARGS | METH_KEYWORDS,
     "check(root, h=None, tol=1e-6, *, values='leaves', scheme='central') -> (values, h,\n"
     "results): `micrograd check` of root."},
    {NULL, NULL, 0, NULL},
};

int mgpy_present_init(PyObject *module)
{
    return mgpy_add_type(module, "Lesson", &mgpy_lesson_type);
}
