#!/usr/bin/env bash
# The retail project on a folder of daily raw files: `xform build` after one new day vs `xform build --full-refresh`.
# Usage: bench/retail-incremental.sh [rows] [repeats]   (defaults 5000000 and 3). Prints a Markdown table of medians.
# Generated data and the project copy live in a temporary folder, deleted at the end.
set -euo pipefail
rows=${1:-5000000}
repeats=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# xform as the quick start installs it: precompiled (ReadyToRun) for this platform; the plain build if that fails.
rid=$(dotnet msbuild "$root/src/Xform.Cli" -getProperty:NETCoreSdkRuntimeIdentifier 2>/dev/null || true)
if [ -n "$rid" ] && dotnet publish -c Release "$root/src/Xform.Cli" -r "$rid" --self-contained false \
    -p:PublishReadyToRun=true -o "$work/xform" -v q -nologo >/dev/null 2>&1; then
  xform="dotnet $work/xform/xform.dll"; kind="ReadyToRun, $rid"
else
  dotnet build -c Release "$root/src/Xform.Cli" -v q -nologo >/dev/null
  xform="dotnet $root/src/Xform.Cli/bin/Release/net10.0/xform.dll"; kind="portable build"
fi
dotnet build -c Release "$root/src/Xform.Retail.Generator" -v q -nologo >/dev/null
gen="dotnet $root/src/Xform.Retail.Generator/bin/Release/net10.0/xform-retail-gen.dll"

mkdir -p "$work/p"
for path in project.yml profiles.yml models macros seeds; do cp -r "$root/$path" "$work/p/"; done
mkdir -p "$work/p/tests" && cp -r "$root/tests/sql" "$work/p/tests/"
$gen --rows "$rows" --seed 7 --daily --out "$work/raw" >/dev/null
mkdir -p "$work/p/data/daily"
last=$(ls "$work/raw" | sort | tail -n 1)
for f in "$work/raw"/*.csv; do [ "$(basename "$f")" = "$last" ] || mv "$f" "$work/p/data/daily/"; done
new_rows=$(($(wc -l < "$work/raw/$last") - 1))
days=$(ls "$work/p/data/daily" | wc -l)

cd "$work/p"
vars='{raw_transactions_path: data/daily}'
# wall and CPU (user + system) seconds of one whole process
measure() { /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -n 1 | awk '{printf "%.2f %.2f\n", $1, $2 + $3}'; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

$xform build --vars "$vars" -q >/dev/null
full=(); inc=()
cp target/retail.duckdb "$work/before-new-day.duckdb"
mv "$work/raw/$last" data/daily/
# Each repeat times the new day from yesterday's database, then a full refresh of the same data (every day, the new one
# included), one right after the other: the host's speed drifts by up to a quarter within an hour, and two phases of
# five runs each measured it at different moments. The ratio is the median of the pairs' ratios.
# Each measured build starts with the database at rest on disk, as yesterday's file is: without `sync`, the first
# commit of a build flushes the copy's (or the previous build's) dirty pages, about 0.3 s here, whatever it does.
for _ in $(seq "$repeats"); do
  cp "$work/before-new-day.duckdb" target/retail.duckdb
  sync
  inc+=("$(measure $xform build --vars "$vars" -q)")
  sync
  full+=("$(measure $xform build --full-refresh --vars "$vars" -q)")
done
result=$($xform build --vars "$vars" 2>&1 | tail -n 1)
if [ -n "${KEEP_RESULTS:-}" ]; then cp -r target "$KEEP_RESULTS"; fi

fw=$(printf '%s\n' "${full[@]}" | awk '{print $1}' | median); fc=$(printf '%s\n' "${full[@]}" | awk '{print $2}' | median)
iw=$(printf '%s\n' "${inc[@]}" | awk '{print $1}' | median); ic=$(printf '%s\n' "${inc[@]}" | awk '{print $2}' | median)
# each pair's ratio (new day / full refresh), then their medians
ratios=$(for i in "${!inc[@]}"; do echo "${inc[$i]} ${full[$i]}"; done | awk '{printf "%.4f %.4f\n", $1 / $3, $2 / $4}')
rw=$(echo "$ratios" | awk '{print $1}' | median); rc=$(echo "$ratios" | awk '{print $2}' | median)
echo "| raw rows | daily files | new day rows | full refresh wall / CPU | one new day wall / CPU | ratio wall / CPU (median of pairs) |"
echo "|---:|---:|---:|---:|---:|---:|"
echo "| $rows | $days + 1 | $new_rows | ${fw} s / ${fc} s | ${iw} s / ${ic} s | $(awk "BEGIN {printf \"%.3f / %.3f\", $rw, $rc}") |"
echo "xform: $kind | runs (wall CPU): new day ${inc[*]} | full refresh ${full[*]} | pair ratios (wall CPU): $(echo $ratios) | last build: $result | load: $(cut -d' ' -f1-3 /proc/loadavg)"
