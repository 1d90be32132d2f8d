#!/usr/bin/env bash
# Installs what a real ground-station window needs on a Debian machine without a desktop: GTK 3 for
# JavaFX's glass toolkit and Xvfb (with xvfb-run and xauth) for a virtual display. The headless UI tests
# do not need any of this (they use Monocle); the screenshots and `./pstr ui` on a server do.
# Idempotent: installs only what is missing.
set -euo pipefail
need=()
dpkg -s libgtk-3-0 >/dev/null 2>&1 || need+=(libgtk-3-0)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xauth >/dev/null || need+=(xauth)
if (( ${#need[@]} )); then
  if [[ $(id -u) -ne 0 ]]; then
    SUDO=sudo
    command -v sudo >/dev/null || { echo "install-ui: need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
  else
    SUDO=
  fi
  echo "install-ui: installing ${need[*]}" >&2
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "install-ui: GTK 3 and Xvfb ready" >&2
