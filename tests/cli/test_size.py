"""Size through the CLI: a 1,000,000-term expression and a 1,000,000-deep
chain of unary minus, with exact results and the child's peak memory bounded."""
import json
import resource

import clitest
from clitest import expect, expect_true, run, test

N = 1000000


def grad_json(src):
    r = run(['grad', '--json', '-'], stdin=src, timeout=60)
    expect(r.err, '', 'stderr')
    expect(r.status, 0, 'exit')
    return json.loads(r.out)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


@test
def sum_of_a_million_terms():
    # a*1 + a*2 + ... + a*N with a = 1: N(N+1)/2 exactly, and so is d/da.
    src = b'a = 1\nb = ' + b' + '.join(b'a*%d' % i for i in range(1, N + 1)) + b'\n'
    total = float(N * (N + 1) // 2)
    expect(grad_json(src), {'root': 'b', 'values': [{'name': 'a', 'data': 1.0, 'grad': total},
                                                    {'name': 'b', 'data': total, 'grad': 1.0}]})
    # 2N values of 32 bytes, 8.9 MB of text: far under 400 MB
    expect_true(peak_rss_mb() < 400, f'peak RSS {peak_rss_mb()} MB')


@test
def a_million_nested_signs():
    # N minus signs: an even count gives back a, each one a value in the chain.
    src = b'a = 2\nb = ' + b'-' * N + b'a\n'
    expect(grad_json(src), {'root': 'b', 'values': [{'name': 'a', 'data': 2.0, 'grad': 1.0},
                                                    {'name': 'b', 'data': 2.0, 'grad': 1.0}]})
    expect_true(peak_rss_mb() < 400, f'peak RSS {peak_rss_mb()} MB')


clitest.main()
