#!/usr/bin/env bash
# Prints tests/graphviz.supp (the one list of Graphviz's own leaks and bugs, in
# LeakSanitizer's format) as valgrind suppressions, by the rules in that file:
#   tests/valgrind_supp.sh tests/graphviz.supp > graphviz.valgrind.supp
set -euo pipefail
supp=${1:?usage: valgrind_supp.sh GRAPHVIZ.SUPP}
sed -n 's/^leak:\(.*\)$/\1/p' "$supp" | while read -r pattern; do
    case $pattern in
        lib*) frame="obj:*$pattern*" ;;
        *) frame="fun:*$pattern*" ;;
    esac
    printf '{\n   graphviz:%s\n   Memcheck:Leak\n   ...\n   %s\n   ...\n}\n' \
        "$pattern" "$frame"
done
sed -n 's/^# asan: interceptor_via_lib:\(.*\)$/\1/p' "$supp" | while read -r pattern; do
    for size in 1 2 4 8 16 32; do
        printf '{\n   graphviz:%s:Addr%s\n   Memcheck:Addr%s\n   fun:*\n   obj:*%s*\n}\n' \
            "$pattern" "$size" "$size" "$pattern"
    done
done
