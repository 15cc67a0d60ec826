"""Runs a program and checks that it exits 0, prints exactly the expected
standard output (a golden file) and nothing on standard error.

    python3 check_output.py PROGRAM EXPECTED_STDOUT_FILE
"""
import subprocess
import sys


def main():
    program, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path, 'rb') as f:
        expected = f.read()
    p = subprocess.run([program], stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    problems = []
    if p.returncode != 0:
        problems.append(f'exit status {p.returncode}, want 0')
    if p.stdout != expected:
        problems.append('standard output differs:\n--- want\n' + expected.decode('utf-8', 'replace')
                        + '--- got\n' + p.stdout.decode('utf-8', 'replace'))
    if p.stderr:
        problems.append('standard error not empty:\n' + p.stderr.decode('utf-8', 'replace'))
    for problem in problems:
        print(f'{program}: {problem}')
    print(f'{"FAIL" if problems else "ok"}: {program}')
    return 1 if problems else 0


sys.exit(main())
