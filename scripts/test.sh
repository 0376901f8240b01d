#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite, as CI runs it (as root, on Debian 12):
#   1. installs the build and test dependencies (scripts/install-deps.sh);
#   2. installs the real LDLM server v1.2.2 with `go install`, else builds it
#      from its upstream source in ../shared/vendor (cached); without it the
#      tests that need it skip on a developer's machine and fail under CI=true;
#   3. builds with -Werror and runs `make check` (unit, integration, PAM,
#      CLI and OpenSSH end-to-end tests);
#   4. runs the unit tests under valgrind;
#   5. rebuilds with AddressSanitizer + UndefinedBehaviorSanitizer and runs
#      `make check` again;
#   6. builds libldlm alone (--disable-pam --disable-cli) and runs its unit
#      tests;
#   7. fuzzes each target of tests/fuzz/ and ldlmd's request decoder for
#      60 s each (LDLM_FUZZ_SECONDS);
#   8. `make distcheck`;
#   and runs the benchmark in quick mode (bench/run.sh --quick).
# Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${LDLM_TEST_OUT:-$top/build-test}
cd "$top"

"$top/scripts/install-deps.sh" || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

export LDLM_TEST_CACHE=${LDLM_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test}
# Where `go install` is refused, the server (and the Go client of bench/) is
# built from its upstream source beside the clone.
[ -d "$top/../shared/vendor" ] && export LDLM_VENDOR_DIR=${LDLM_VENDOR_DIR:-$(cd "$top/../shared/vendor" && pwd)}
if ! "$top/tests/harness/install-server.sh"; then
  if [ "${CI:-}" = true ]; then
    echo "NOTE: the real LDLM server is not installed; under CI=true every test that needs it FAILS."
  else
    echo "NOTE: the real LDLM server is not installed; tests that need it will SKIP."
  fi
fi

(cd "$top" && autoreconf -fi >/dev/null 2>&1) || { echo "autoreconf failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0 skipped=0
tally() { # tally LOGFILE: adds the counts of an automake test-suite.log
  local f=$1 p=0 fl=0 s=0 x=0 e=0
  if [ -f "$f" ]; then
    p=$(sed -n 's/^# PASS: *//p' "$f" | head -1)
    fl=$(sed -n 's/^# FAIL: *//p' "$f" | head -1)
    s=$(sed -n 's/^# SKIP: *//p' "$f" | head -1)
    x=$(sed -n 's/^# XPASS: *//p' "$f" | head -1)
    e=$(sed -n 's/^# ERROR: *//p' "$f" | head -1)
  else
    fl=1
  fi
  passed=$((passed + ${p:-0})); failed=$((failed + ${fl:-0} + ${x:-0} + ${e:-0}))
  skipped=$((skipped + ${s:-0}))
}
stage() { # stage NAME COMMAND...: runs a step that is one test of its own
  local name=$1; shift
  echo "=== $name"
  if "$@"; then passed=$((passed + 1)); echo "=== $name: ok"
  else failed=$((failed + 1)); echo "=== $name: FAILED"; fi
}
show_failures() { # prints the logs of failed tests
  local dir=$1
  grep -l -E '^:test-result: (FAIL|ERROR)' $(find "$dir" -name '*.trs' 2>/dev/null) 2>/dev/null |
    while read -r trs; do echo "----- ${trs%.trs}.log"; tail -n 60 "${trs%.trs}.log"; done
}

# Plain build, all tests.
rm -rf "$out"; mkdir -p "$out"
if "$top/scripts/build.sh" "$out/plain" >"$out/plain-build.log" 2>&1; then
  (cd "$out/plain" && make -j2 check >"$out/plain-check.log" 2>&1)
  tally "$out/plain/test-suite.log"; show_failures "$out/plain"
  grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):' "$out/plain-check.log"
  stage "unit tests under valgrind" make -C "$out/plain" check-valgrind
else
  tail -n 40 "$out/plain-build.log"; failed=$((failed + 1))
fi

# The benchmark keeps working (quick mode; figures are printed, never judged).
if [ -d "$out/plain" ]; then
  stage "benchmark (quick mode)" bash "$top/bench/run.sh" --quick --build-dir "$out/plain"
fi

# Sanitizer build, all tests again.
if "$top/scripts/build.sh" "$out/asan" --enable-sanitizers >"$out/asan-build.log" 2>&1; then
  (cd "$out/asan" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     make -j2 check >"$out/asan-check.log" 2>&1)
  tally "$out/asan/test-suite.log"; show_failures "$out/asan"
  grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):' "$out/asan-check.log" | sed 's/^/asan /'
else
  tail -n 40 "$out/asan-build.log"; failed=$((failed + 1))
fi

# libldlm alone: ./configure --disable-pam --disable-cli builds the library
# without the PAM module, the tool or libpam, and its own tests pass.
library_alone() {
  local dir=$out/library-alone
  "$top/scripts/build.sh" "$dir" --disable-pam --disable-cli >"$out/library-alone-build.log" 2>&1 ||
    { tail -n 30 "$out/library-alone-build.log"; return 1; }
  [ -e "$dir/libldlm/.libs/libldlm.so" ] || { echo "libldlm.so was not built"; return 1; }
  if [ -e "$dir/pam_ldlm/.libs/pam_ldlm.so" ] || [ -e "$dir/cli/ldlm" ]; then
    echo "--disable-pam --disable-cli still built the module or the tool"; return 1
  fi
  if grep -q -- '-lpam' "$dir/Makefile" && [ -n "$(sed -n 's/^PAM_LIBS = //p' "$dir/Makefile")" ]; then
    echo "--disable-pam still links libpam"; return 1
  fi
  make -C "$dir" -j2 check TESTS="tests/unit/test_pure tests/unit/test_keeper_schedule tests/unit/test_client_offline" \
    >"$out/library-alone-check.log" 2>&1 || { tail -n 30 "$out/library-alone-check.log"; return 1; }
}
stage "libldlm alone (--disable-pam --disable-cli)" library_alone

# Fuzzing: each target of tests/fuzz/ for a bounded time with libFuzzer
# (clang), one stage each; a finding is printed with its input (make check
# has already replayed the seed corpora and the regression inputs).
fuzz_seconds=${LDLM_FUZZ_SECONDS:-60}
for target in conf options lock_name messages; do
  stage "fuzz $target (${fuzz_seconds} s)" "$top/tests/fuzz/run.sh" \
    --seconds "$fuzz_seconds" --work "$out/fuzz" "$target"
done
# ldlmd's local-protocol decoder (ldlmd/fuzz_request.c): built by
# `make ldlmd-fuzz` in the plain build, run the same way from its corpus.
fuzz_ldlmd_request() {
  local dir=$out/fuzz/ldlmd_request status=0 found
  mkdir -p "$out/fuzz"
  make -C "$out/plain" ldlmd-fuzz >"$out/fuzz/ldlmd_request.build.log" 2>&1 ||
    { tail -n 30 "$out/fuzz/ldlmd_request.build.log"; return 1; }
  rm -rf "$dir"; mkdir -p "$dir/corpus" "$dir/found"
  cp "$top"/ldlmd/fuzz-corpus/* "$dir/corpus/"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$out/plain/ldlmd/fuzz_request" -max_total_time="$fuzz_seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$dir/found/" "$dir/corpus" >"$out/fuzz/ldlmd_request.log" 2>&1 || status=$?
  grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' \
    "$out/fuzz/ldlmd_request.log" | sed 's/^/fuzz ldlmd_request: /'
  found=$(find "$dir/found" -type f | head -n 5)
  if [ "$status" -ne 0 ] || [ -n "$found" ] || grep -q 'runtime error:' "$out/fuzz/ldlmd_request.log"; then
    echo "fuzz ldlmd_request: FOUND something (exit status $status); the end of its log:"
    tail -n 60 "$out/fuzz/ldlmd_request.log"
    for f in $found; do echo "fuzz ldlmd_request: input in $f"; od -A d -t x1 "$f" | head -n 20; done
    return 1
  fi
}
stage "fuzz ldlmd_request (${fuzz_seconds} s)" fuzz_ldlmd_request

# The release tarball builds, installs and uninstalls cleanly, and passes its
# own tests, but for the two long runs already made on the tree above (the
# fault-injection run and the long-lived host), which would add minutes and
# prove nothing new about the tarball.
# (Test names from the plain run's .trs files; automake drops ".sh" there.)
distcheck_tests=$(cd "$out/plain" 2>/dev/null && find tests examples -name '*.trs' 2>/dev/null |
  sed 's/\.trs$//' | grep -v -e '^tests/faults/' -e '/long_lived' | sort |
  while read -r t; do if [ -f "$top/$t.sh" ]; then echo "$t.sh"; else echo "$t"; fi; done | tr '\n' ' ')
if [ -n "$distcheck_tests" ]; then
  stage "make distcheck" make -C "$out/plain" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
    TESTS="$distcheck_tests"
else
  stage "make distcheck" make -C "$out/plain" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror
fi

# The Debian packages: built from a clean clone, lintian-clean, installed,
# enabled with pam-auth-update, used by a real sshd login, purged; in a
# scratch root (an overlay of /), so the machine keeps its own state.
if [ "$(id -u)" = 0 ]; then
  stage "Debian packages (build, lintian, install, enable, sshd login, purge)" \
    bash "$top/tests/packaging/debian.sh"
else
  echo "=== Debian packages: skipped (needs root)"; skipped=$((skipped + 1))
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
