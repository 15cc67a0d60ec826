#!/bin/bash
# Installs the build into a temporary DESTDIR and uses it as a C programmer
# would: compiles and runs a program against the installed micrograd.pc with
# `pkg-config --cflags --libs micrograd`, and checks what landed where.
#
#   test_install.sh BUILD_DIR VERSION CC [SANITIZE]
#
# SANITIZE is meson's b_sanitize ('none' or e.g. 'address,undefined'): a
# sanitized library needs the same -fsanitize flags in the program linking it.
set -euo pipefail

build=$1 version=$2 cc=$3 sanitize=${4:-none}
dest=$(mktemp -d "${TMPDIR:-/tmp}/micrograd-install.XXXXXX")
trap 'rm -rf "$dest"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$dest.log" 2>&1 ||
    { cat "$dest.log"; rm -f "$dest.log"; fail "meson install"; }
rm -f "$dest.log"

pc=$(find "$dest" -name micrograd.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$pc" ] || fail "no micrograd.pc installed"
prefix=$(sed -n 's/^prefix=//p' "$pc")
libdir_rel=$(dirname "$(dirname "${pc#"$dest"}")")
root=$dest$prefix
echo "installed under $root (micrograd.pc in $(dirname "${pc#"$dest"}"))"

# What must be there: headers, umbrella, library with soname, program, man page.
for f in include/micrograd/micrograd.h include/micrograd/engine.h \
         include/micrograd/parse.h include/micrograd/export.h \
         bin/micrograd share/man/man1/micrograd.1; do
    [ -e "$root/$f" ] || fail "$f is not installed"
done
lib=$dest$libdir_rel
[ -L "$lib/libmicrograd.so" ] || fail "no libmicrograd.so development link"
[ -e "$lib/libmicrograd.so.$version" ] || fail "no libmicrograd.so.$version"
soname=$(objdump -p "$lib/libmicrograd.so.$version" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "libmicrograd.so.${version%%.*}" ] || fail "soname is '$soname'"
[ -e "$lib/$soname" ] || fail "no $soname link"

# Only mg_ symbols are exported.
if others=$(nm -D --defined-only "$lib/libmicrograd.so.$version" | awk '{ print $3 }' |
            grep -v -e '^mg_' -e '^_init$' -e '^_fini$' -e '^_edata$' -e '^_end$' -e '^__bss_start$'); then
    fail "exported symbols without the mg_ prefix: $others"
fi

# The program a user writes: the umbrella header and nothing else.
cat >"$dest/user.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <micrograd/micrograd.h>

int main(void)
{
    mg_graph *g = mg_graph_new();
    const char *src = "a = 2.0; b = -3.0; c = 10\ne = a*b; d = e + c; f = -2.0\nL = d * f\n";
    mg_program *p;
    mg_error err;
    if (mg_parse(g, src, strlen(src), &p, &err) != MG_OK) {
        printf("parse error %d:%d: %s\n", err.line, err.col, err.message);
        return 1;
    }
    mg_backward(g, mg_program_value(p, mg_program_root(p)));
    for (size_t i = 0; i < mg_program_count(p); i++)
        printf("%s %g %g\n", mg_program_name(p, i), mg_data(g, mg_program_value(p, i)),
               mg_grad(g, mg_program_value(p, i)));
    mg_program_free(p);
    mg_graph_free(g);
    return 0;
}
C

PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR=$dest
pkg-config --exists micrograd || fail "pkg-config cannot find micrograd"
[ "$(pkg-config --modversion micrograd)" = "$version" ] || fail "pkg-config version is not $version"
flags=$(pkg-config --cflags --libs micrograd)
echo "pkg-config --cflags --libs micrograd: $flags"
extra=()
[ "$sanitize" = none ] || extra=("-fsanitize=$sanitize")
# The flags are a list of words: split them.
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror "${extra[@]}" "$dest/user.c" -o "$dest/user" $flags ||
    fail "compiling against the installed library"

want=$'a 2 6\nb -3 -4\nc 10 -2\ne -6 -2\nd 4 -2\nf -2 4\nL -8 1'
got=$(LD_LIBRARY_PATH=$lib "$dest/user") || fail "the program exited with status $?"
[ "$got" = "$want" ] || fail "the program printed:"$'\n'"$got"$'\n'"want:"$'\n'"$want"
ldd_lib=$(LD_LIBRARY_PATH=$lib ldd "$dest/user" | awk '/libmicrograd/ { print $3 }')
[ "$ldd_lib" = "$lib/$soname" ] || fail "the program loads '$ldd_lib', not the installed library"

got=$(LD_LIBRARY_PATH=$lib "$root/bin/micrograd" --version) || fail "installed micrograd --version"
[ "$got" = "micrograd $version" ] || fail "installed micrograd --version printed '$got'"
echo "ok: installed, linked with pkg-config and ran"
