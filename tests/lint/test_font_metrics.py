"""viz/font_metrics.h is what viz/font_metrics.py writes from the installed
Liberation Sans (fonts-liberation2): the checked-in table and its generator
stay in step, and a changed font shows here first.

    test_font_metrics.py SOURCE_DIR FONT"""
import os
import subprocess
import sys
import tempfile


def main():
    source, font = sys.argv[1], sys.argv[2]
    if not os.path.exists(font):
        print(f'1..0 # SKIP {font} is missing (Debian: fonts-liberation2)')
        return 77
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, 'font_metrics.h')
        run = subprocess.run([sys.executable, os.path.join(source, 'viz', 'font_metrics.py'), font, out],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(f'FAIL: font_metrics.py exited {run.returncode}\n{run.stdout}{run.stderr}')
            return 1
        with open(out, encoding='utf-8') as f:
            made = f.read()
    with open(os.path.join(source, 'viz', 'font_metrics.h'), encoding='utf-8') as f:
        kept = f.read()
    if made != kept:
        print('FAIL: viz/font_metrics.h differs from what viz/font_metrics.py writes now; '
              'run: python3 viz/font_metrics.py ' + font + ' viz/font_metrics.h')
        return 1
    print('1..1\nok 1 - viz/font_metrics.h is the generator\'s output (' + run.stdout.strip() + ')')
    return 0


if __name__ == '__main__':
    sys.exit(main())
