"""Each public header compiles on its own: for every header given, a .c that
includes only it, as a user would (<micrograd/NAME>), and has an empty main
(export.h declares nothing, and a translation unit must not be empty), compiled
with -std=c11 -Wall -Wextra -Werror -pedantic and none of the project's flags.
A header that leans on an include it does not make, on a macro of the build, or
on an extension fails here.

    test_headers.py --include DIR... -- CC... -- HEADER...
"""
import os
import subprocess
import sys
import tempfile

FLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic', '-fsyntax-only']


def parse(argv):
    includes, rest = [], list(argv)
    while rest and rest[0] == '--include':
        includes.append(rest[1])
        rest = rest[2:]
    if not rest or rest[0] != '--' or '--' not in rest[1:]:
        raise SystemExit(__doc__)
    cut = rest.index('--', 1)
    return includes, rest[1:cut], rest[cut + 1:]


def main():
    includes, cc, headers = parse(sys.argv[1:])
    if not cc or not headers:
        raise SystemExit(__doc__)
    failed = 0
    print(f'1..{len(headers)}')
    with tempfile.TemporaryDirectory() as work:
        for i, header in enumerate(headers, 1):
            name = os.path.basename(header)
            c_file = os.path.join(work, 'include_' + name.replace('.', '_') + '.c')
            with open(c_file, 'w', encoding='utf-8') as f:
                f.write(f'#include <micrograd/{name}>\nint main(void) {{ return 0; }}\n')
            cmd = cc + FLAGS + ['-I' + d for d in includes] + [c_file]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            if p.returncode == 0 and not p.stderr:
                print(f'ok {i} - micrograd/{name}')
                continue
            failed += 1
            print(f'not ok {i} - micrograd/{name}: {" ".join(cmd)}')
            for line in (p.stdout + p.stderr).splitlines():
                print('# ' + line)
    print(f'{len(headers) - failed} passed, {failed} failed')
    return 1 if failed else 0


sys.exit(main())
