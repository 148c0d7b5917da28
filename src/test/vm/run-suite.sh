#!/usr/bin/env bash
# Runs the real-systemd suite in the test VM for each SUITE (default: bookworm trixie) and checks
# the JUnit reports the guest left: every suite must have run its tests as root, as the
# unprivileged user, and as that user again with io and cpuset delegated, with no failure, error
# or skipped test. Needs `mvn package` done first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../../.." && pwd)
suites=("$@"); [ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie)
[ -f "$project/target/confine.jar" ] && [ -d "$project/target/test-classes" ] \
  || { echo "run-suite: build first (mvn package)" >&2; exit 1; }

# Images are built one after the other (each build is heavy on disk and network), then the
# suites boot side by side: each VM runs on one host thread (single-threaded TCG).
for suite in "${suites[@]}"; do "$here/image.sh" "$suite" >/dev/null; done
start=$(date +%s)
mkdir -p "$project/target"
for suite in "${suites[@]}"; do
  ( code=0; "$here/run-vm.sh" "$suite" > "$project/target/vm-$suite.log" 2>&1 || code=$?
    echo $code > "$project/target/vm-$suite.status" ) &
done
wait

status=0 passed=0 failed=0
for suite in "${suites[@]}"; do
  results="$project/target/vm-results/$suite"
  cat "$project/target/vm-$suite.log"
  [ "$(cat "$project/target/vm-$suite.status")" = 0 ] || status=1
  grep -a "confine-vm:" "$results/console.log" | sed 's/^.*confine-vm: /  /' || true
  # The guest counts what the tests left at the end: failed units, units, temporary files.
  if grep -aE "left behind \([a-z ]*\): [1-9]" "$results/console.log" >/dev/null; then
    echo "vm[$suite]: the tests left things behind"; status=1; failed=$((failed + 1))
  fi
  for who in root tester tester-delegated; do
    report="$results/TEST-junit-jupiter-$who.xml"
    if [ ! -f "$report" ]; then
      echo "vm[$suite/$who]: no test report (see $results/console.log)"; status=1; failed=$((failed + 1)); continue
    fi
    read -r tests failures errors skipped < <(sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)"[^>]*skipped="\([0-9]*\)"[^>]*failures="\([0-9]*\)"[^>]*errors="\([0-9]*\)".*/\1 \3 \4 \2/p' "$report" | head -n1)
    echo "vm[$suite/$who]: $tests tests, $failures failures, $errors errors, $skipped skipped"
    bad=$((failures + errors + skipped))
    passed=$((passed + tests - bad)); failed=$((failed + bad))
    if [ "$tests" -eq 0 ] || [ "$bad" -ne 0 ]; then status=1 suite_failed=1; fi
  done
  if [ -n "${suite_failed:-}" ]; then
    grep -aE "✘|\[X\]|=> " "$results/console.log" | sed 's/^.*sh\[[0-9]*\]: /    /' | head -n 60 || true
    unset suite_failed
  fi
done
echo "vm: all suites in $(( $(date +%s) - start )) s"
echo "vm: $passed passed, $failed failed"
exit $status
