#!/bin/sh
# SPDX-License-Identifier: MIT
# manpages.sh - one man page per public function of libldlm, saying what
# the header says:
#  - every function declared in libldlm/ldlm.h has libldlm/man/NAME.3, whose
#    NAME section starts with that name, and no page is about anything else;
#    each has NAME, SYNOPSIS, DESCRIPTION, RETURN VALUE, EXAMPLE, SEE ALSO;
#  - every prototype, typedef and #define in the SYNOPSIS of a page (and of
#    the overview libldlm.3, which lists every function) is the header's,
#    whitespace aside;
#  - every page has an EXAMPLE: one with main() is compiled and linked
#    against the built libldlm.so, any other is a fragment compiled inside
#    a function;
#  - groff formats every page without a warning and no line is wider than
#    80 columns; SEE ALSO names only section 3 pages that exist, and the
#    overview's names every function page;
#  - `make install-man` installs every page.
# Pages are read as formatted (groff -Tascii), as a reader sees them. Runs
# on the distributed tree too (make distcheck).
set -u
srcdir=${LDLM_TEST_SRCDIR:?run by make check}
builddir=${LDLM_TEST_BUILDDIR:?run by make check}
header=$srcdir/libldlm/ldlm.h
cc=${CC:-cc}
status=0
fail() { echo "FAIL: $*"; status=1; }
indent() { sed 's/^/    /' "$@"; }

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "${CI:-}" = true ]; then echo "FAIL: $1 not found ($2)"; exit 1; fi
  echo "SKIP: $1 not found ($2); under CI=true this fails"
  exit 77
}
need groff "Debian: groff-base"
need "${cc%% *}" "a C compiler, \$CC"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-manpages.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Whitespace normalisation, line by line: blank runs become one space and
# blanks next to punctuation go ("char *f(int a)" == "char* f( int a )").
normline() {
  sed -e 's/[[:space:]][[:space:]]*/ /g' -e 's/ *\([][(){}*,;=]\) */\1/g' \
      -e 's/^ //' -e 's/ $//'
}
# Joins lines ending in a backslash (macro definitions).
joinlines() { sed -e ':a' -e '/\\$/{' -e 'N' -e 's/\\\n//' -e 'ba' -e '}' "$@"; }

# The header's declarations, one statement per line: preprocessed without
# its #include lines, so that comments and macros go but bool and size_t
# stay as written.
if ! grep -v '^[[:space:]]*#[[:space:]]*include' "$header" |
     $cc -E -P -x c - >"$tmp/header.i" 2>"$tmp/cpp.err"; then
  cat "$tmp/cpp.err"
  echo "FAIL: cannot preprocess $header"
  exit 1
fi
tr '\n' ' ' <"$tmp/header.i" | tr ';' '\n' | normline | sed '/^$/d' >"$tmp/decls"
# Functions: declarations that are not typedefs; the name before the first (.
sed -e '/^typedef/d' \
    -e 's/^[^(]*[^A-Za-z0-9_(]\([A-Za-z_][A-Za-z0-9_]*\)(.*$/\1/;t' -e d \
    "$tmp/decls" | sort -u >"$tmp/functions"
joinlines "$header" | grep '^[[:space:]]*#[[:space:]]*define' | normline \
  >"$tmp/defines"
nfunctions=$(wc -l <"$tmp/functions")
[ "$nfunctions" -gt 0 ] || { echo "FAIL: found no function in $header"; exit 1; }

while read -r f; do
  [ -f "$srcdir/libldlm/man/$f.3" ] ||
    fail "$f is declared in libldlm/ldlm.h but has no page libldlm/man/$f.3"
done <"$tmp/functions"

lib=$builddir/libldlm/.libs/libldlm.so
[ -e "$lib" ] || { echo "FAIL: $lib is not built"; exit 1; }
san=
ldd "$lib" 2>/dev/null | grep -q libasan && san="-fsanitize=address,undefined"
cflags="-std=c11 -Wall -Wextra -Werror -I$srcdir/libldlm -I$builddir/proto"

# The formatted text of section $1 (a heading at column 0) of $tmp/page.txt.
section() {
  awk -v want="$1" '/^[^ \t]/ { on = ($0 == want); next } on' "$tmp/page.txt"
}

npages=0 nprograms=0 nfragments=0
for page in "$srcdir/libldlm/libldlm.3" "$srcdir"/libldlm/man/*.3; do
  [ -f "$page" ] || continue
  npages=$((npages + 1))
  rel=${page#"$srcdir"/}
  name=$(basename "$page" .3)
  overview=false
  [ "$name" = libldlm ] && overview=true

  head -n 1 "$page" | grep -q 'SPDX-License-Identifier: MIT' ||
    fail "$rel: the first line is not its SPDX-License-Identifier line"

  # Formatting: no warning, nothing wider than a terminal.
  if ! groff -man -Tascii -ww -rcR=1 -P-cbou "$page" >"$tmp/page.txt" 2>"$tmp/warn"; then
    fail "$rel: groff cannot format it:"; indent "$tmp/warn"; continue
  fi
  if [ -s "$tmp/warn" ]; then
    fail "$rel: groff -man -ww warns:"; indent "$tmp/warn"
  fi
  if awk 'length > 80 { exit 1 }' "$tmp/page.txt"; then :; else
    fail "$rel: formatted lines wider than 80 columns:"
    awk 'length > 80' "$tmp/page.txt" | indent
  fi

  # The sections every page has (the overview has its own layout).
  if ! $overview; then
    for s in NAME SYNOPSIS DESCRIPTION "RETURN VALUE" EXAMPLE "SEE ALSO"; do
      grep -qx "$s" "$tmp/page.txt" || fail "$rel: no $s section"
    done
  fi

  # NAME: parseable by mandb (what whatis and apropos show), and for a
  # function page, the function it is named after, declared in the header.
  if command -v lexgrog >/dev/null 2>&1 && ! lexgrog "$page" >"$tmp/lexgrog" 2>&1; then
    fail "$rel: lexgrog cannot read its NAME section:"; indent "$tmp/lexgrog"
  fi
  if ! $overview; then
    grep -qx "$name" "$tmp/functions" ||
      fail "$rel: libldlm/ldlm.h declares no function $name"
    section NAME | tr -s ' \n' '  ' | grep -Eq "^ ?$name[ ,]" ||
      fail "$rel: its NAME section does not start with $name"
  fi

  # SYNOPSIS: #include <ldlm.h>, then the header's own declarations.
  section SYNOPSIS | joinlines >"$tmp/synopsis"
  grep -q '^[[:space:]]*#include <ldlm.h>[[:space:]]*$' "$tmp/synopsis" ||
    fail "$rel: SYNOPSIS lacks #include <ldlm.h>"
  grep '^[[:space:]]*#[[:space:]]*define' "$tmp/synopsis" | normline >"$tmp/page.defines"
  while read -r d; do
    grep -Fqx -- "$d" "$tmp/defines" && continue
    macro=$(printf '%s\n' "$d" | sed 's/^#define \([A-Za-z0-9_]*\).*/\1/')
    fail "$rel: SYNOPSIS defines $macro unlike libldlm/ldlm.h:"
    echo "    page:   $d"
    echo "    header: $(grep "^#define $macro[( ]" "$tmp/defines" || echo '(none)')"
  done <"$tmp/page.defines"
  # Statements with a parenthesis are code; prose such as "Link with ..." is not.
  grep -v '^[[:space:]]*#' "$tmp/synopsis" | tr '\n' ' ' | tr ';' '\n' |
    normline | grep '(' >"$tmp/page.decls"
  while read -r d; do
    grep -Fqx -- "$d" "$tmp/decls" && continue
    f=$(printf '%s\n' "$d" | sed 's/^[^(]*[^A-Za-z0-9_(]\([A-Za-z_][A-Za-z0-9_]*\)(.*$/\1/')
    fail "$rel: SYNOPSIS declares $f unlike libldlm/ldlm.h (whitespace normalised):"
    echo "    page:   $d"
    echo "    header: $(grep -E "[^A-Za-z0-9_]$f\(" "$tmp/decls" || echo '(none)')"
  done <"$tmp/page.decls"
  if $overview; then
    while read -r f; do
      grep -Eq "[^A-Za-z0-9_]$f\(" "$tmp/page.decls" ||
        fail "$rel: SYNOPSIS does not list $f"
    done <"$tmp/functions"
  else
    grep -Eq "[^A-Za-z0-9_]$name\(" "$tmp/page.decls" ||
      fail "$rel: SYNOPSIS does not declare $name"
  fi

  # EXAMPLE: a program is compiled and linked, a fragment compiled.
  section EXAMPLE >"$tmp/example"
  if ! grep -q '[^[:space:]]' "$tmp/example"; then
    fail "$rel: no EXAMPLE section"
  elif grep -q '[^A-Za-z0-9_]main(' "$tmp/example"; then
    nprograms=$((nprograms + 1))
    cp "$tmp/example" "$tmp/$name.c"
    # shellcheck disable=SC2086 # $cc, $cflags and $san are word lists
    if ! $cc $cflags $san -pthread -o "$tmp/$name" "$tmp/$name.c" "$lib" \
         >"$tmp/cc.out" 2>&1; then
      fail "$rel: the EXAMPLE program does not compile and link against $lib:"
      indent "$tmp/cc.out"; nl -ba "$tmp/$name.c" | indent
    fi
  else
    nfragments=$((nfragments + 1))
    { printf '#include <stdbool.h>\n#include <stdio.h>\n#include <stdlib.h>\n'
      printf '#include <string.h>\n#include <ldlm.h>\n'
      printf 'void example_fragment(void);\nvoid example_fragment(void)\n{\n'
      cat "$tmp/example"
      printf '}\n'; } >"$tmp/$name.c"
    # shellcheck disable=SC2086
    if ! $cc $cflags -c -o "$tmp/$name.o" "$tmp/$name.c" >"$tmp/cc.out" 2>&1; then
      fail "$rel: the EXAMPLE fragment does not compile inside a function:"
      indent "$tmp/cc.out"; nl -ba "$tmp/$name.c" | indent
    fi
  fi

  # SEE ALSO: section 3 references are pages of ours that exist.
  section "SEE ALSO" | tr -s ' \n,' '\n\n\n' | sed -n 's/^\([A-Za-z0-9_.]*\)(3)$/\1/p' \
    >"$tmp/seealso"
  [ -s "$tmp/seealso" ] || fail "$rel: no SEE ALSO section naming a section 3 page"
  while read -r ref; do
    [ "$ref" = libldlm ] || [ -f "$srcdir/libldlm/man/$ref.3" ] ||
      fail "$rel: SEE ALSO names $ref(3), which is not a page of libldlm/man"
  done <"$tmp/seealso"
  if $overview; then
    for p in "$srcdir"/libldlm/man/*.3; do
      ref=$(basename "$p" .3)
      grep -qx "$ref" "$tmp/seealso" || fail "$rel: SEE ALSO does not name $ref(3)"
    done
  fi
done
[ "$npages" -gt 1 ] || fail "no page in $srcdir/libldlm/man"

# Installation: `make install-man` puts every page in man3.
if make -s -C "$builddir" install-man DESTDIR="$tmp/inst" >"$tmp/install.log" 2>&1; then
  for page in "$srcdir/libldlm/libldlm.3" "$srcdir"/libldlm/man/*.3; do
    base=$(basename "$page")
    find "$tmp/inst" -type f -path "*/man3/$base" | grep -q . ||
      fail "make install-man does not install $base in man3"
  done
else
  fail "make install-man failed:"; indent "$tmp/install.log"
fi

[ "$status" -eq 0 ] &&
  echo "ok: $nfunctions functions, $npages pages: synopses match ldlm.h, $nprograms example programs link, $nfragments fragments compile, groff is silent, all installed"
exit "$status"
