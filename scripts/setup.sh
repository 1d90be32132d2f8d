#!/usr/bin/env bash
# Installs what the tests and the demo need beyond a JDK 17 and Maven, from Debian's packages.
# Idempotent: installs only what is missing.
set -euo pipefail
need=()
command -v socat >/dev/null || need+=(socat)
command -v kill >/dev/null || need+=(procps)
# a C compiler for pstr-core's JNI library (the futex calls; without it they go through JNA, slower)
command -v cc >/dev/null || need+=(gcc libc6-dev)
if (( ${#need[@]} )); then
  if [[ $(id -u) -ne 0 ]]; then
    SUDO=sudo
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
  else
    SUDO=
  fi
  echo "setup: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "setup: socat $(socat -V 2>/dev/null | awk '/socat version/{print $3; exit}') ready" >&2
# FlightGear (about 1.8 GB) for the FlightGear bridge's integration test; PSTR_SKIP_FLIGHTGEAR=1 skips it
# (that test is then skipped, not failed).
if [[ ${PSTR_SKIP_FLIGHTGEAR:-0} != 1 ]]; then
  "$(dirname "${BASH_SOURCE[0]}")/install-flightgear.sh"
fi
