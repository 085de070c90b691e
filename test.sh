#!/usr/bin/env bash
# The whole test suite, as a newcomer or CI runs it: ./test.sh
# Installs and starts what the tests need (PostgreSQL on 127.0.0.1), builds in Release, runs every test project,
# stops the services, and ends with one line "N passed, N failed, N skipped".
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Gguf").
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export HEARTH_TEST_DATA="${HEARTH_TEST_DATA:-$(cd .. && pwd)/shared}"

services_env=$(bash scripts/test-services.sh start) || { echo "could not start test services" >&2; exit 1; }
eval "$services_env"
trap 'bash scripts/test-services.sh stop' EXIT

log=$(mktemp)
dotnet build Hearth.slnx -c Release -nologo -v quiet 2>&1 | tee "$log" | grep -E "error|Warn|Elapsed" || true
if [ "${PIPESTATUS[0]}" -ne 0 ]; then echo "build failed" >&2; exit 1; fi

dotnet test Hearth.slnx -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries ("Failed: 0, Passed: 12, Skipped: 0, Total: 12") into one closing line.
awk '/Failed:[[:space:]]*[0-9]+, Passed:[[:space:]]*[0-9]+, Skipped:[[:space:]]*[0-9]+/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
