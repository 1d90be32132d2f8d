#!/usr/bin/env bash
# Installs FlightGear and what it needs to run without a screen (Xvfb, a D-Bus session) from Debian's
# packages. Idempotent: installs only what is missing. About 1.8 GB to download the first time.
#   scripts/install-flightgear.sh          install if missing
#   scripts/install-flightgear.sh --check  only report what is missing (exit 1 if anything is)
set -euo pipefail
need=()
[[ -x /usr/games/fgfs ]] || command -v fgfs >/dev/null || need+=(flightgear)
command -v xvfb-run >/dev/null || need+=(xvfb)
command -v dbus-run-session >/dev/null || need+=(dbus)
command -v xauth >/dev/null || need+=(xauth)
if [[ ${1:-} == --check ]]; then
  if (( ${#need[@]} )); then echo "install-flightgear: missing ${need[*]}" >&2; exit 1; fi
  echo "install-flightgear: nothing missing" >&2; exit 0
fi
if (( ${#need[@]} )); then
  if [[ $(id -u) -ne 0 ]]; then
    SUDO=sudo
    command -v sudo >/dev/null || { echo "install-flightgear: need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
  else
    SUDO=
  fi
  echo "install-flightgear: installing ${need[*]} (FlightGear is about 1.8 GB; a minute or two)" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
fgfs=$(command -v fgfs || echo /usr/games/fgfs)
version=$(dpkg-query -W -f='${Version}' flightgear 2>/dev/null || echo "not from Debian's package")
echo "install-flightgear: FlightGear $version at $fgfs; xvfb-run and dbus-run-session ready" >&2
