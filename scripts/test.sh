#!/usr/bin/env bash
# Runs every LiveSync test suite and ends with one line "N passed, M failed" totalling all of them.
# Installs what the suites need when it is missing (redis-server, chromium, npm packages), so it works on a
# fresh machine. Exit status: 0 only when every suite ran and nothing failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/.test-output"
rm -rf "$out" && mkdir -p "$out"

log() { printf '\n== %s\n' "$*"; }

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

apt_install() {
  # apt-get update only once, and only when something is missing.
  if [ -z "${apt_updated:-}" ]; then sudo_if_needed apt-get update -qq >/dev/null && apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq "$@" >/dev/null
}

if ! command -v redis-server >/dev/null 2>&1 && [ -z "${LIVESYNC_SKIP_INSTALL:-}" ]; then
  log "installing redis-server"
  apt_install redis-server || echo "could not install redis-server; Redis suites will fail"
fi

log "building"
if ! dotnet build LiveSync.sln -nologo -v quiet -clp:ErrorsOnly > "$out/build.log" 2>&1; then
  cat "$out/build.log"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
suite_failed=0

for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  log "$name"
  dotnet test "$project" --no-build -nologo --logger "console;verbosity=normal" \
    --results-directory "$out/$name" > "$out/$name.log" 2>&1
  status=$?
  # VSTest's closing block: "Total tests: N" then "     Passed: N" and, when any, "     Failed: N".
  if ! grep -qE '^Total tests: [0-9]+' "$out/$name.log"; then
    tail -n 60 "$out/$name.log"
    echo "$name: no test summary (exit $status)"
    suite_failed=$((suite_failed + 1))
    continue
  fi
  p=$(grep -E '^ +Passed: [0-9]+$' "$out/$name.log" | tail -n 1 | awk '{print $2}')
  f=$(grep -E '^ +Failed: [0-9]+$' "$out/$name.log" | tail -n 1 | awk '{print $2}')
  p=${p:-0}; f=${f:-0}
  if [ "$f" = 0 ] && [ "$status" != 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" != 0 ]; then
    grep -E -A 12 '^ +Failed [A-Za-z]' "$out/$name.log" | head -n 120
  fi
  echo "$name: $p passed, $f failed"
done

if [ -f client-js/package.json ]; then
  log "client-js"
  ( cd client-js && { [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null 2>&1 || npm install --no-audit --no-fund >/dev/null; } \
      && npm test ) > "$out/client-js.log" 2>&1
  status=$?
  p=$(grep -E '^# pass [0-9]+' "$out/client-js.log" | tail -n 1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$out/client-js.log" | tail -n 1 | awk '{print $3}')
  if [ -z "$p" ]; then
    tail -n 60 "$out/client-js.log"
    echo "client-js: no test summary (exit $status)"
    suite_failed=$((suite_failed + 1))
  else
    [ "$f" != 0 ] && grep -E 'not ok|Error|expected|actual' "$out/client-js.log" | head -n 60
    passed=$((passed + p)); failed=$((failed + f))
    echo "client-js: $p passed, $f failed"
  fi
fi

failed=$((failed + suite_failed))
echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
