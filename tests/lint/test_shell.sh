#!/bin/sh
# Runs shellcheck over the project's shell scripts (the front door and CI):
# any warning fails. Exits 77 (meson's "skipped") when shellcheck is missing;
# .ci/run installs it.
#
#   test_shell.sh SCRIPT...
command -v shellcheck >/dev/null 2>&1 || { echo "shellcheck is not installed: skipped"; exit 77; }
shellcheck --shell=bash --severity=style "$@" && echo "ok: $# scripts"
