# SPDX-License-Identifier: MIT
# cwrap.sh - what running a program under pam_wrapper and nss_wrapper takes,
# shared by the shell tests (tests/pam, tests/nss, tests/e2e) and
# bench/run.sh. Source it (POSIX sh; safe under `set -eu`).
#
#   ldlm_cwrap_lib VAR PKG   prints the path of a cwrap library: the value
#                            of the variable VAR (make check sets it from
#                            pkg-config, tests/nss/local.mk), else what
#                            `pkg-config --libs PKG` says; returns 1, quietly,
#                            when neither names a file
#   ldlm_asan_runtime FILE   prints the ASan runtime that FILE (a program or
#                            library of a sanitizer build) is linked with,
#                            nothing for other builds: it must come first in
#                            LD_PRELOAD, before the wrappers
#   ldlm_remove_stale_pam_wrapper_dirs MARKER
#                            pam_wrapper copies the service dir to /tmp/pam.?
#                            for each process and removes it at exit; a
#                            process that is killed, or ends with _exit,
#                            leaves it behind. Removes those newer than the
#                            file MARKER whose process is gone.

ldlm_cwrap_lib() {
    eval "_ldlm_cwrap_path=\${$1:-}"
    # (pkg-config's Libs: may carry blanks around the path)
    _ldlm_cwrap_path=$(printf '%s' "$_ldlm_cwrap_path" | tr -d ' \t')
    if [ -z "$_ldlm_cwrap_path" ] && command -v pkg-config > /dev/null 2>&1; then
        _ldlm_cwrap_path=$(pkg-config --libs "$2" 2> /dev/null | tr -d ' \t')
    fi
    [ -n "$_ldlm_cwrap_path" ] && [ -f "$_ldlm_cwrap_path" ] || return 1
    printf '%s\n' "$_ldlm_cwrap_path"
}

ldlm_asan_runtime() {
    ldd "$1" 2> /dev/null |
        sed -n 's/^[[:space:]]*libasan[^ ]* => \([^ ]*\) .*/\1/p'
}

ldlm_remove_stale_pam_wrapper_dirs() {
    for _ldlm_cwrap_d in /tmp/pam.?; do
        [ -d "$_ldlm_cwrap_d" ] && [ "$_ldlm_cwrap_d" -nt "$1" ] || continue
        _ldlm_cwrap_pid=$(cat "$_ldlm_cwrap_d/pid" 2> /dev/null) || continue
        case $_ldlm_cwrap_pid in '' | *[!0-9]*) continue ;; esac
        kill -0 "$_ldlm_cwrap_pid" 2> /dev/null || rm -rf "$_ldlm_cwrap_d"
    done
}
