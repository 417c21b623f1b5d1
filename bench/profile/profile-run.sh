#!/usr/bin/env bash
# Profiles the silo while the load driver runs one scenario.
#
# Usage: bench/profile/profile-run.sh OUTPUT_DIR SECONDS [load driver options...]
#
# Starts the load driver (built in Release) with the silo's JIT symbols written for perf
# (DOTNET_PerfMapEnabled=1, W^X off, ReadyToRun off so framework code is JIT-compiled and named),
# waits for the first "measuring" line, then records SECONDS of CPU samples with perf and the runtime
# counters with dotnet-counters, summarizes both into OUTPUT_DIR and waits for the driver to finish.
# Needs perf (linux-perf) and dotnet-counters (dotnet tool install -g dotnet-counters), and root or
# perf_event_paranoid <= 1 for perf.
set -euo pipefail

out=${1:?output folder}
seconds=${2:?seconds to record}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
driver="$here/../LoadDriver/bin/Release/net10.0/KlmSocialPay.LoadDriver.dll"
counters=${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}
mkdir -p "$out"

dotnet "$driver" "$@" --results "$out/results.md" \
    --silo-env DOTNET_PerfMapEnabled=1 --silo-env DOTNET_EnableWriteXorExecute=0 --silo-env DOTNET_ReadyToRun=0 \
    > "$out/driver.out" 2>&1 &
driver_pid=$!

for _ in $(seq 1 600); do
    grep -q ": measuring" "$out/driver.out" 2>/dev/null && break
    kill -0 "$driver_pid" 2>/dev/null || { echo "The load driver exited early; see $out/driver.out" >&2; exit 1; }
    sleep 1
done

silo_pid=$(grep -oP "Silo ready: pid \K[0-9]+" "$out/driver.out" | tail -1)
echo "Profiling silo pid $silo_pid for $seconds s"
"$counters" collect -p "$silo_pid" --format csv -o "$out/counters.csv" --refresh-interval 1 \
    --duration "00:00:00:$(printf '%02d' "$seconds")" --counters System.Runtime,Microsoft.AspNetCore.Hosting,System.Net.Http \
    > "$out/counters.out" 2>&1 &
counters_pid=$!
perf record -F 499 -g -p "$silo_pid" -o "$out/perf.data" -- sleep "$seconds" > "$out/perf.out" 2>&1
wait "$counters_pid" || echo "dotnet-counters failed; see $out/counters.out" >&2

perf script -i "$out/perf.data" 2> /dev/null | python3 "$here/perf-summary.py" > "$out/perf-summary.txt"
wait "$driver_pid" || echo "The load driver failed; see $out/driver.out" >&2
echo "Done: $out/perf-summary.txt, $out/counters.csv, $out/results.md"
