#!/usr/bin/env bash
# ExecStopPost of systemd/sharpeyes.service. The unit stops with KillMode=process, so systemd
# signals only the daemon itself: the GPIO output holders (gateway/rooms/devices/transport/
# gpio-holder.py) must outlive it, or a relay-held exit would drop at every stop or restart.
# Whatever else the daemon left in the unit's control group (an ffmpeg after a crash or kill -9)
# is stopped here: SIGTERM, then SIGKILL after 5 s. The holders are spared; the next daemon
# adopts them.
set -u
# The unit's control group: cgroup v2 (Debian 12), the hybrid layout's unified tree, or
# systemd's own v1 hierarchy.
procs=
for tree in /sys/fs/cgroup /sys/fs/cgroup/unified; do
  cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
  [ -n "$cg" ] && [ -r "$tree$cg/cgroup.procs" ] && [ -r "$tree/cgroup.controllers" ] && { procs=$tree$cg/cgroup.procs; break; }
done
if [ -z "$procs" ]; then
  cg=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup)
  procs=/sys/fs/cgroup/systemd$cg/cgroup.procs
fi
# Never sweep a root group (a wrong guess must not reach processes outside the unit).
[ -n "$cg" ] && [ "$cg" != "/" ] && [ -r "$procs" ] || exit 0
mapfile -t pids < "$procs" # a snapshot, before this script starts any process of its own
victims=()
for pid in "${pids[@]}"; do
  { [ "$pid" = "$$" ] || [ "$pid" = "$PPID" ]; } && continue # itself, and who ran it
  [ -r "/proc/$pid/cmdline" ] || continue
  grep -qa 'gpio-holder.py' "/proc/$pid/cmdline" && continue
  victims+=("$pid")
done
[ "${#victims[@]}" -eq 0 ] && exit 0
echo "sharpeyes: stopping ${#victims[@]} process(es) the daemon left: ${victims[*]}"
kill -TERM "${victims[@]}" 2>/dev/null
for _ in $(seq 50); do
  alive=()
  for pid in "${victims[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  [ "${#alive[@]}" -eq 0 ] && exit 0
  sleep 0.1
done
kill -KILL "${alive[@]}" 2>/dev/null
exit 0
