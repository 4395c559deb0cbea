#!/usr/bin/env bash
# The README's performance figures, in one session: ROUNDS rounds (default 3), each running every configuration
# once in turn (so slow and fast moments of a shared machine spread over all of them), then the median of each.
# Usage: bash tests/LiveSync.Benchmarks/run-suite.sh [results.jsonl]
#   env: ROUNDS=3 DURATION=15 WARMUP=2 IDLE=10000 SCENARIOS="a b c d e" ARTIFACTS=<dotnet --artifacts-path, optional>
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${TMPDIR:-/tmp}/livesync-benchmark.jsonl}
rounds=${ROUNDS:-3}
common=(--warmup "${WARMUP:-2}" --duration "${DURATION:-15}")

if [[ -n "${ARTIFACTS:-}" ]]; then
  dotnet build tests/LiveSync.Benchmarks -c Release --artifacts-path "$ARTIFACTS" >/dev/null
  dll="$ARTIFACTS/bin/LiveSync.Benchmarks/release/LiveSync.Benchmarks.dll"
else
  dotnet build tests/LiveSync.Benchmarks -c Release >/dev/null
  dll="tests/LiveSync.Benchmarks/bin/Release/net10.0/LiveSync.Benchmarks.dll"
fi

# The issue's matrix: every scenario with JSON and with messagepack, on the embedded store and on Redis, and the
# bare relay hub on the same workloads; (d) needs Redis, (e) holds idle connections on the embedded store.
configs=()
for scenario in ${SCENARIOS:-a b c d e}; do
  for protocol in json messagepack; do
    case $scenario in
      d) configs+=("--scenario d --store redis --protocol $protocol") ;;
      e) configs+=("--scenario e --store embedded --protocol $protocol --idle ${IDLE:-10000}") ;;
      *) configs+=("--scenario $scenario --store embedded --protocol $protocol"
                   "--scenario $scenario --store redis --protocol $protocol"
                   "--scenario $scenario --target relay --protocol $protocol") ;;
    esac
  done
done

echo "ulimit -n: $(ulimit -n); $(nproc) cores; $(date -u +%F)" >&2
: >"$out"
for round in $(seq 1 "$rounds"); do
  for config in "${configs[@]}"; do
    echo "round $round: $config" >&2
    # shellcheck disable=SC2086
    dotnet "$dll" $config "${common[@]}" 2>/dev/null | tail -n 1 >>"$out" || echo "  (exit $?)" >&2
  done
done

# The median of each configuration's rounds, field by field.
python3 - "$out" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
groups = {}
for r in runs:
    groups.setdefault((r["scenario"], r["target"], r["store"], r["protocol"]), []).append(r)
def med(rs, *path):
    vals = []
    for r in rs:
        for p in path:
            r = r.get(p) if isinstance(r, dict) else None
        if r is not None:
            vals.append(r)
    return statistics.median(vals) if vals else None
def f(v, fmt):
    return "n/a" if v is None else format(v, fmt)
print("| scenario | target | store | protocol | runs | ops/s | ack p50/p99 ms | other client p50/p99 ms | server CPU/op µs | redis CPU/op µs | server RSS MB | idle KB/conn | converged | retries |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for (s, t, st, p), rs in groups.items():
    rss = med(rs, "serverRssBytes")
    conv = {r["converged"] for r in rs}
    print(f"| {s} | {t} | {st} | {p} | {len(rs)} | {f(med(rs,'opsPerSecond'),',.0f')} | "
          f"{f(med(rs,'ackMs','p50'),'.1f')} / {f(med(rs,'ackMs','p99'),'.1f')} | "
          f"{f(med(rs,'seenMs','p50'),'.1f')} / {f(med(rs,'seenMs','p99'),'.1f')} | "
          f"{f(med(rs,'serverCpuUsPerOp'),'.0f')} | {f(med(rs,'redisCpuUsPerOp'),'.0f')} | "
          f"{f(None if rss is None else rss/1048576,'.0f')} | {f(med(rs,'idleKbPerConnection'),'.1f')} | "
          f"{'/'.join('n/a' if c is None else ('yes' if c else 'no') for c in conv)} | {f(med(rs,'retries'),'.0f')} |")

# Against the targets: throughput as a share of the relay's on the same workload and protocol, and the CPU per op
# of LiveSync and redis-server together.
print()
print("| scenario | protocol | store | share of relay ops/s | server + redis CPU/op µs |")
print("| --- | --- | --- | --- | --- |")
for (s, t, st, p), rs in groups.items():
    if t != "livesync":
        continue
    relay = groups.get((s, "relay", "none", p))
    share = None if not relay or not med(relay, "opsPerSecond") else med(rs, "opsPerSecond") / med(relay, "opsPerSecond")
    cpu = med(rs, "serverCpuUsPerOp")
    total = None if cpu is None else cpu + (med(rs, "redisCpuUsPerOp") or 0)
    print(f"| {s} | {p} | {st} | {'n/a' if share is None else format(100 * share, '.0f') + '%'} | {f(total, '.0f')} |")
PY
