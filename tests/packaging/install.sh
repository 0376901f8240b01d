#!/bin/sh
# SPDX-License-Identifier: MIT
# Packaging: `make install` into a scratch DESTDIR gives a usable library
# (header, libldlm.so, libldlm.a, libldlm.pc that a program builds and links
# against), the PAM module in the PAM directory without its .la, the tool and
# the man pages; and each shared object exports only its public symbols.
set -eu
: "${LDLM_TEST_BUILDDIR:?run by make check}"
b=$LDLM_TEST_BUILDDIR
dest=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-install.XXXXXX")
trap 'rm -rf "$dest"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Exported symbols: only the API.
extra=$(nm -D --defined-only "$b/libldlm/.libs/libldlm.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' |
        sed 's/@.*//' | grep -v -E '^ldlm_[a-z]' || true)
[ -z "$extra" ] || fail "libldlm.so exports non-API symbols: $extra"
nm -D --defined-only "$b/libldlm/.libs/libldlm.so" | grep -q ' T ldlm_client_new' ||
  fail "libldlm.so does not export ldlm_client_new"
extra=$(nm -D --defined-only "$b/pam_ldlm/.libs/pam_ldlm.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' |
        sed 's/@.*//' | grep -v -E '^pam_sm_' || true)
[ -z "$extra" ] || fail "pam_ldlm.so exports more than pam_sm_*: $extra"
extra=$(nm -D --defined-only "$b/pam_ldlm/.libs/pam_ldlm_slots.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' |
        sed 's/@.*//' | grep -v -x -E 'pldlm_slots_backend_v[0-9]+' || true)
[ -z "$extra" ] || fail "pam_ldlm_slots.so exports more than its table: $extra"
# The module itself must not pull gRPC in: only its backend does, on demand.
! ldd "$b/pam_ldlm/.libs/pam_ldlm.so" | grep -q libgrpc ||
  fail "pam_ldlm.so links gRPC directly"

make -s -C "$b" install DESTDIR="$dest" >"$dest/install.log" 2>&1 ||
  { cat "$dest/install.log"; fail "make install"; }
prefix=$(sed -n 's/^prefix=//p' "$b/libldlm/libldlm.pc")
libdir=$(sed -n 's/^libdir=//p' "$b/libldlm/libldlm.pc" | sed "s|\${exec_prefix}|$prefix|")
pamdir=$(sed -n 's/^pamdir = //p' "$b/Makefile" | sed "s|\${libdir}|$libdir|; s|\$(libdir)|$libdir|")
pkglibdir=$libdir/$(sed -n 's/^PACKAGE = //p' "$b/Makefile")
for f in "$prefix/include/ldlm.h" "$libdir/libldlm.so" "$libdir/libldlm.a" \
         "$libdir/pkgconfig/libldlm.pc" "$prefix/bin/ldlm" \
         "$pamdir/pam_ldlm.so" "$prefix/share/man/man1/ldlm.1" \
         "$prefix/share/man/man8/pam_ldlm.8" "$prefix/share/man/man3/libldlm.3" "$prefix/share/man/man5/pam_ldlm.conf.5"; do
  [ -e "$dest$f" ] || fail "not installed: $f"
done
[ ! -e "$dest$pamdir/pam_ldlm.la" ] || fail "pam_ldlm.la left in $pamdir"
[ -e "$dest$pkglibdir/pam_ldlm_slots.so" ] || fail "not installed: $pkglibdir/pam_ldlm_slots.so"
[ ! -e "$dest$pkglibdir/pam_ldlm_slots.la" ] || fail "pam_ldlm_slots.la left in $pkglibdir"
# The installed module looks for its backend at the installed path.
strings "$dest$pamdir/pam_ldlm.so" | grep -q -x "$pkglibdir/pam_ldlm_slots.so" ||
  fail "pam_ldlm.so does not name $pkglibdir/pam_ldlm_slots.so"

# ldlmd: the daemon, its page, and its unit starting the installed path.
if [ -x "$b/ldlmd/ldlmd" ]; then
  sbindir=$(sed -n 's/^sbindir = //p' "$b/Makefile" | sed 's|\${exec_prefix}|'"$prefix"'|')
  unitdir=$(sed -n 's/^systemdsystemunitdir = //p' "$b/Makefile" |
            sed "s|\${libdir}|$libdir|; s|\${prefix}|$prefix|")
  for f in "$sbindir/ldlmd" "$prefix/share/man/man8/ldlmd.8" "$unitdir/ldlmd.service"; do
    [ -e "$dest$f" ] || fail "not installed: $f"
  done
  grep -qx "ExecStart=$sbindir/ldlmd" "$dest$unitdir/ldlmd.service" ||
    fail "ldlmd.service does not start $sbindir/ldlmd"
fi

# A program built the documented way: cc app.c $(pkg-config ... libldlm).
cat > "$dest/app.c" <<'APP'
#include <ldlm.h>
#include <stdio.h>
#include <string.h>
int main(void) {
    if (strcmp(ldlm_version(), LDLM_VERSION_STRING) != 0) return 1;
    ldlm_config config;
    ldlm_config_init(&config);
    config.address = "[::1";  /* refused before any connection */
    ldlm_client *client = NULL;
    ldlm_err err = ldlm_client_new(&config, &client);
    printf("%s: %s\n", ldlm_err_name(err), ldlm_last_error_message());
    return err == LDLM_ERR_INVALID_ARGUMENT && client == NULL ? 0 : 1;
}
APP
flags=$(PKG_CONFIG_PATH="$dest$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" \
        pkg-config --cflags --libs libldlm) || fail "pkg-config does not know libldlm"
san=
ldd "$b/libldlm/.libs/libldlm.so" | grep -q libasan && san="-fsanitize=address,undefined"
${CC:-cc} -std=c11 -Wall -Wextra -Werror $san -o "$dest/app" "$dest/app.c" $flags ||
  fail "cannot build against the installed library ($flags)"
LD_LIBRARY_PATH="$dest$libdir" ASAN_OPTIONS=detect_leaks=0 "$dest/app" || fail "installed library misbehaves"
echo "installed and linked: $flags"
