#!/usr/bin/env bash
# Regenerates the ground station's screenshots (docs/screenshots/*.png): runs the demo with its window
# on a virtual X display; the window photographs itself at cruise, just after the first failover and
# after the failback, then closes, and the demo lands and ends.
#   scripts/screenshots.sh [DIR [DEMO OPTIONS...]]   (default docs/screenshots; e.g. --period-ms 40 on a busy machine)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$HERE"
DIR=${1:-docs/screenshots}
shift || true
"$HERE/scripts/install-ui.sh"
mkdir -p "$DIR"
exec xvfb-run -a -s "-screen 0 1280x800x24" ./pstr demo --ui --api-port 0 \
  --ui-arg=--screenshots --ui-arg="$(cd "$DIR" && pwd)" "$@"
