#!/bin/sh
# SPDX-License-Identifier: MIT
# check_selftest.sh - check.py on made-up records whose answer is known: it
# must find two holders of a size-1 lock at once, three of a size-2 lock,
# excuse an overlap only when its holder was frozen through it and learnt
# of the loss as soon as it was continued, and pass clean records. Needs
# no server; a few seconds.
set -u
srcdir=${LDLM_TEST_SRCDIR:?run by make check}
if ! command -v python3 > /dev/null 2>&1; then
    if [ "${CI:-}" = true ]; then echo "FAIL: python3 not found"; exit 1; fi
    echo "SKIP: python3 not found (under CI=true this fails)"
    exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-check-selftest.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
status=0

# case NAME EXPECTED-EXIT GREP-PATTERN: runs check.py on $T/NAME.
case_() {
    got=0
    python3 "$srcdir/tests/faults/check.py" "$T/$1" --min-acquisitions 0 \
        > "$T/$1.out" 2>&1 || got=$?
    if [ "$got" -ne "$2" ]; then
        echo "FAIL: $1: check.py exited $got, expected $2"
        cat "$T/$1.out"
        status=1
    elif ! grep -q -- "$3" "$T/$1.out"; then
        echo "FAIL: $1: no line matching '$3'"
        cat "$T/$1.out"
        status=1
    else
        echo "ok: $1"
    fi
}

# setup NAME: clients A, B (lib) on size-1 "m", C, D, E (lib) on size-2
# "s"; a fault to make the report non-trivial.
setup() {
    mkdir -p "$T/$1"
    printf '%s\n' "client A lib m 1 3 near" "client B lib m 1 3 near" \
        "client C lib s 2 3 near" "client D lib s 2 3 near" \
        "client E run s 2 3 near" > "$T/$1/clients.txt"
    echo "fault server-stop 500 900 server 0.4s" > "$T/$1/faults.log"
    : > "$T/$1/A.rec"
}
hold() { # DIR ID LOCK SIZE ACQ LAST_OK END HOW
    echo "hold $2 1 $3 $4 $5 $6 $7 $8 -" >> "$T/$1/$2.rec"
}

setup clean
hold clean A m 1 1000 1900 1900 released
hold clean B m 1 2000 2900 2900 released
hold clean C s 2 1000 2900 3000 released
hold clean D s 2 1500 2000 2100 released
hold clean E s 2 2200 3500 3600 released
case_ clean 0 "overlaps (more holders than the lock's size at once): 0"

setup pair
hold pair A m 1 1000 1900 2100 lost-check
hold pair B m 1 2000 2900 2900 released
case_ pair 1 "VIOLATION m (size 1)"

setup three
hold three C s 2 1000 2900 3000 released
hold three D s 2 1500 2000 2100 released
hold three E s 2 2000 3500 3600 terminated
case_ three 1 "VIOLATION s (size 2)"

# A frozen from 1500 to 5000 us, learnt at 5100 (0.1 ms later): excused.
setup frozen
echo "fault client-stop 1500 5000 A 3.5ms_long" >> "$T/frozen/faults.log"
hold frozen A m 1 1000 1400 5100 lost-check
hold frozen B m 1 3000 4000 6000 released
case_ frozen 0 "excused): 1 holders"

# The same, but A's check after the freeze still said held: a violation.
setup held_after
echo "fault client-stop 1500 5000 A 3.5ms_long" >> "$T/held_after/faults.log"
hold held_after A m 1 1000 5050 5100 lost-check
hold held_after B m 1 3000 4000 6000 released
case_ held_after 1 "VIOLATION m"

# The overlap began before the freeze: no excuse.
setup before
echo "fault client-stop 1500 5000 A 3.5ms_long" >> "$T/before/faults.log"
hold before A m 1 1000 1400 5100 lost-check
hold before B m 1 1200 4000 6000 released
case_ before 1 "VIOLATION m"
exit "$status"
