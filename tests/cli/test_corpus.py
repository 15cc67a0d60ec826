"""The fuzzing seed corpus (tests/fuzz/corpus/parse) through `micrograd grad`:
ok_* files succeed with one JSON object; err_* and crash_* files fail with exit
2 and exactly one 'FILE:LINE:COL: error: ...' line (then the line and a caret);
nothing ever crashes. The fuzzer's findings are kept there, so this replays
them in every build."""
import json
import os
import re

import clitest
from clitest import expect, expect_true, run, source, test

CORPUS = source('tests', 'fuzz', 'corpus', 'parse')
FILES = sorted(os.listdir(CORPUS))


@test
def corpus_has_both_kinds():
    expect_true(sum(f.startswith('ok_') for f in FILES) >= 10, 'ok_ files')
    expect_true(sum(f.startswith('err_') for f in FILES) >= 10, 'err_ files')
    expect(sorted(f for f in FILES if not re.match(r'(ok|err|crash)_', f)), [], 'unprefixed files')


def make_case(name):
    path = os.path.join(CORPUS, name)

    def case():
        r = run(['grad', '--json', path])
        if name.startswith('ok_'):
            expect(r.status, 0, name)
            # at most a warning for a NaN or infinite value, with its line and caret
            expect_true(re.fullmatch('(' + re.escape(path) + r':\d+:\d+: warning: [^\n]+\n'
                                     r'(    [^\n]*\n    [ \t]*\^\n)?)?', r.err) is not None,
                        f'{name}: {r.err!r}')
            values = json.loads(r.out)['values']
            expect_true(len(values) >= 1, name)
        else:
            expect(r.status, 2, name)
            expect(r.out, b'', name)
            expect_true(re.fullmatch(re.escape(path) + r':\d+:\d+: error: [^\n]+\n'
                                     r'(    [^\n]*\n    [ \t]*\^\n)?', r.err) is not None,
                        f'{name}: {r.err!r}')
    case.__name__ = 'corpus_' + name
    return case


for f in FILES:
    test(make_case(f))

clitest.main()
