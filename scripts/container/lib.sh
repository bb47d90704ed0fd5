# shellcheck shell=bash
# Helpers shared by scripts/container/*.sh (sourced, not executed).
# Why the podman settings are what they are: docs/container.md (the stand-in base).

# Run as root directly, or through passwordless sudo when available.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

# Install podman, runc and debootstrap from Debian if any is missing.
# Returns non-zero (quietly) when that is not possible on this machine.
ensure_container_tools() {
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing+=(runc)
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null 2>&1 || return 1
  command -v podman >/dev/null 2>&1
}

# Write a containers.conf that lets rootful podman run containers on these VMs and
# export CONTAINERS_CONF pointing at it. $1: directory to write into.
#  - runc + cgroupfs: crun refuses the hybrid cgroup layout of these machines.
#  - default_ulimits: without CAP_SYS_RESOURCE podman cannot raise limits above the
#    hard limits it inherits, so pin both to what this shell already has. Podman
#    replaces the whole list when any --ulimit is given, so both are set here.
write_containers_conf() {
  local dir=$1 nofile nproc pid_max
  nofile=$(ulimit -Hn)
  [ "$nofile" = unlimited ] && nofile=$(cat /proc/sys/fs/nr_open)
  pid_max=$(cat /proc/sys/kernel/pid_max)
  nproc=$(ulimit -Hu)
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then nproc=$pid_max; fi
  cat >"$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
  export CONTAINERS_CONF="$dir/containers.conf"
}

# Milliseconds since the epoch (GNU date).
now_ms() { date +%s%3N; }
