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

status=0 passed=0 failed=0
for suite in "${suites[@]}"; do
  start=$(date +%s)
  "$here/run-vm.sh" "$suite" || status=1
  results="$project/target/vm-results/$suite"
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
  echo "vm[$suite]: $(( $(date +%s) - start )) s"
done
echo "vm: $passed passed, $failed failed"
exit $status
