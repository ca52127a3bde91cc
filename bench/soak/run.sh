#!/usr/bin/env bash
# Soak benchmark (root): portsentinel watch and PortSentry 1.2 under a random-source SYN flood with a real scanner.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/clean-env.sh
npm run build >/dev/null
exec node dist/bench/soak/run.js "$@"
