#!/bin/bash
# Guest half of the VM suite; the image's confine-vm-runner.service runs it as root at boot from
# the 9p share, then powers the guest off. It runs the tests tagged "vm" as root (system
# manager) and as the unprivileged, lingering user "tester" in a real login session (user
# manager), then those tagged "vm-delegated" as tester with the delegation drop-in, and leaves
# JUnit XML reports in target/vm-results/SUITE/ for the host.
# With a file target/vm-results/SUITE/command it runs that shell command line instead, with the
# project's bin/ first in PATH (bin/confine-vm uses this to run `confine …` in the guest).
set -u
project=/mnt/project
suite=$(sed -n 's/.*confine\.suite=\([a-z]*\).*/\1/p' /proc/cmdline)
results=$project/target/vm-results/$suite
log() { echo "confine-vm: $*"; }
# The host's newer JDK, when run-vm.sh shares one.
mkdir -p /opt/jdk
mount -t 9p -o trans=virtio,version=9p2000.L,ro jdk /opt/jdk 2>/dev/null || rmdir /opt/jdk

for _ in $(seq 300); do
  [ -S /run/user/1000/bus ] && systemctl is-active -q user@1000.service && break
  sleep 0.2
done
log "systemd $(systemctl --version | head -n1 | cut -d' ' -f2), kernel $(uname -r)," \
  "user@1000.service $(systemctl is-active user@1000.service), user controllers:" \
  "$(cat /sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers)"

# as_user CMD...: runs CMD as tester in a login session (pam_systemd: XDG_RUNTIME_DIR, bus address).
as_user() { su -l tester -c "$(printf '%q ' "$@")"; }

if [ -f "$results/command" ]; then
  command="export PATH=$project/bin:\$PATH; cd /tmp; $(cat "$results/command")"
  users=$(sed -n 's/.*confine\.users=\([a-z,]*\).*/\1/p' /proc/cmdline | tr , ' ')
  for who in ${users:-root tester}; do
    log "as $who: $(cat "$results/command")"
    if [ $who = root ]; then bash -c "$command"; else as_user bash -c "$command"; fi \
      > "$results/stdout-$who" 2> "$results/stderr-$who" < /dev/null
    status=$?
    echo $status > "$results/status-$who"
    log "as $who: exit status $status"
  done
else
  # A pass that hangs prints its threads (SIGQUIT) after 40 minutes and is killed 30 s later. Root's
  # pass takes 12 to 28 minutes, depending on the host (measured: 1619 s on a slow one).
  java=(timeout -s QUIT -k 30 2400 java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dconfine.home=$project)
  # Classes by @Order: ClassDataVmTest first, so that the class-data archives it makes (and checks)
  # are the ones every later confine call maps.
  launcher=(-jar $project/target/vm-lib/junit-console.jar execute --disable-banner
            --details=tree --class-path "$project/target/test-classes:$project/target/confine.jar"
            --config=junit.jupiter.testclass.order.default='org.junit.jupiter.api.ClassOrderer$OrderAnnotation'
            --select-package dev.confine)
  for who in root tester tester-delegated; do
    rm -rf /tmp/reports-$who
    if [ $who = tester-delegated ]; then
      # The delegated pass installs the drop-in as users are told to: confine setup delegation.
      "$project/bin/confine" setup delegation 2>&1 | sed 's/^/confine-vm: /'
      systemctl restart user@1000.service
      for _ in $(seq 300); do
        [ -S /run/user/1000/bus ] && systemctl is-active -q user@1000.service && break; sleep 0.2
      done
      log "user controllers with delegate.conf:" \
        "$(cat /sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers)"
      run=("${java[@]}" -Dconfine.vm.delegation-extended=true "${launcher[@]}" --include-tag vm-delegated)
    else
      # Tests tagged vm-root install system units or polkit rules: root's pass only; tests
      # tagged vm-user behave alike for both managers: the user's pass only.
      run=("${java[@]}" "${launcher[@]}" --include-tag vm)
      if [ $who = root ]; then run+=(--exclude-tag vm-user); else run+=(--exclude-tag vm-root); fi
      # Tests tagged vm-bookworm or vm-trixie run on that version only (see Test74VmTest).
      for other in bookworm trixie; do [ $other = "$suite" ] || run+=(--exclude-tag "vm-$other"); done
    fi
    log "running the vm tests as $who"
    start=$(date +%s)
    if [ $who = root ]; then (cd /tmp && "${run[@]}" --reports-dir /tmp/reports-$who); else
      as_user bash -c "cd /tmp && $(printf '%q ' "${run[@]}") --reports-dir /tmp/reports-$who"; fi
    log "vm tests as $who: exit status $? in $(( $(date +%s) - start )) s"
    for report in /tmp/reports-$who/TEST-*.xml; do
      [ -f "$report" ] && cp "$report" "$results/$(basename "$report" .xml)-$who.xml"
    done
  done
  # Start-up cost against systemd-run, measured in this same VM run.
  as_user bash "$project/src/test/vm/guest/bench.sh" 7 2>&1 | sed 's/^/confine-vm: /'
  # Nothing may be left behind: no failed units, no confine units (this runner aside), no
  # scope gates or temporary files of confine or the tests.
  log "left behind (failed system units): $(systemctl list-units --failed --plain --no-legend | grep -c .)"
  log "left behind (failed user units): $(as_user systemctl --user list-units --failed --plain --no-legend | grep -c .)"
  for manager in system user; do
    if [ $manager = system ]; then units=$(systemctl list-units --all --plain --no-legend 'confine-*')
    else units=$(as_user systemctl --user list-units --all --plain --no-legend 'confine-*'); fi
    units=$(grep -v '^confine-vm-runner\.service' <<< "$units")
    log "left behind ($manager confine units): $(grep -c . <<< "$units") $(cut -d' ' -f1 <<< "$units" | tr '\n' ' ')"
  done
  left=$(ls -d /tmp/confine-* /run/user/*/confine-* 2>/dev/null)
  log "left behind (gates and temporary files): $(grep -c . <<< "$left") $(tr '\n' ' ' <<< "$left")"
fi
touch "$results/done"
