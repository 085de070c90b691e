#!/usr/bin/env bash
# Builds the hearth command once (Release) and puts a `hearth` launcher on the PATH, so each later command starts the built
# executable (~0.3 s) instead of `dotnet run` (~3.7 s: it checks the whole build every time).
#
#   scripts/install.sh                 build with progress, then install ~/.local/bin/hearth
#   scripts/install.sh --no-build      install the launcher for an existing Release build
#   HEARTH_BIN=/some/dir scripts/install.sh   install the launcher somewhere else
#
# The launcher runs the build's own executable (its apphost) in place: rebuild (this script, or `dotnet build -c Release
# src/Hearth.Cli`) after pulling new code. Nothing is written outside the repository except the launcher.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${HEARTH_BIN:-$HOME/.local/bin}"
exe="$repo/src/Hearth.Cli/bin/Release/net10.0/hearth"
build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install.sh: 'dotnet' is not on the PATH; install the .NET 10 SDK first (https://dot.net)." >&2
  exit 1
fi

if [[ $build == 1 ]]; then
  # The first build restores packages and compiles five projects: about a minute on a laptop, longer on a busy machine.
  # Each project prints a line as it finishes, so the wait is visible; later builds only redo what changed.
  echo "Building hearth (Release). The first build takes about a minute; each finished project is listed below." >&2
  started=$SECONDS
  # Restoring and up-to-date checks print nothing for a while: a line every 15 s shows the build is alive.
  ( while sleep 15; do printf '  [%3ss] still working...\n' "$((SECONDS - started))" >&2; done ) &
  ticker=$!
  trap 'kill "$ticker" 2>/dev/null || true' EXIT
  printf '  [%3ss] restoring packages\n' 0 >&2
  if ! dotnet restore "$repo/src/Hearth.Cli" -nologo -v quiet >&2; then
    echo "install.sh: 'dotnet restore' failed; the errors are above (NuGet must be reachable for the first build)." >&2
    exit 1
  fi
  printf '  [%3ss] restored; compiling\n' "$((SECONDS - started))" >&2
  set +e
  dotnet build "$repo/src/Hearth.Cli" -c Release --no-restore -nologo -v minimal -tl:off \
    | while IFS= read -r line; do
        case "$line" in
          *" -> "*) project="${line%% -> *}"; printf '  [%3ss] built %s\n' "$((SECONDS - started))" "${project##* }" >&2 ;;
          *error*|*warning*) printf '%s\n' "$line" >&2 ;;
        esac
      done
  status=${PIPESTATUS[0]}
  set -e
  kill "$ticker" 2>/dev/null || true
  if [[ $status != 0 ]]; then
    echo "install.sh: the build failed (exit $status); the errors are above." >&2
    exit "$status"
  fi
  echo "Built in $((SECONDS - started)) s." >&2
fi

if [[ ! -x "$exe" ]]; then
  echo "install.sh: $exe does not exist; run scripts/install.sh without --no-build." >&2
  exit 1
fi

# The apphost finds the .NET runtime through DOTNET_ROOT when dotnet is not in a default location (e.g. ~/.dotnet).
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
mkdir -p "$bin"
cat > "$bin/hearth" <<LAUNCHER
#!/bin/sh
# Installed by $repo/scripts/install.sh: runs the Release build of the hearth command.
export DOTNET_ROOT="\${DOTNET_ROOT:-$dotnet_root}"
exec "$exe" "\$@"
LAUNCHER
chmod +x "$bin/hearth"
echo "Installed $bin/hearth -> $exe" >&2

case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "$bin is not on your PATH. Add it (e.g. in ~/.bashrc):  export PATH=\"$bin:\$PATH\"" >&2 ;;
esac
