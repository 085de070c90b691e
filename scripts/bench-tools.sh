#!/usr/bin/env bash
# Installs (with apt, when missing) what the end-to-end benchmarks use besides the .NET SDK:
#   nginx — the reference reverse proxy of `hearth bench gateway` (started by the benchmark itself on 127.0.0.1, never as a service).
# Usage: bash scripts/bench-tools.sh
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "[bench-tools] installing nginx with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q >&2 || true
  # The package's own service is not wanted: the benchmark starts nginx with its own config on a free loopback port.
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
    made_policy=1
  fi
  as_root apt-get install -y -q --no-install-recommends nginx-light >&2 || as_root apt-get install -y -q --no-install-recommends nginx >&2
  if [ "$made_policy" = 1 ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
fi
echo "[bench-tools] nginx: $( (/usr/sbin/nginx -v 2>&1 || nginx -v 2>&1) | head -n 1)" >&2
