#!/usr/bin/env bash
# Validation benchmark: for each size, the time to only parse the CSV files, the time
# to ingest them (read, split, rows sorted out by id: the part of a validation before
# any applicant is typed) and the time for a full validation (ingest, rules, JSON
# report), each in its own process with its peak memory. Median of RUNS runs. Batches are generated once (deterministic seed) and
# cached under target/bench-data/.
#
#   bench/validate.sh              # 100000 and 1000000 applicants, 3 runs each
#   SIZES="10000" RUNS=5 bench/validate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100000 1000000"}
RUNS=${RUNS:-3}
cargo build --release --quiet --bin resettle-bench
B=target/release/resettle-bench
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -E "s/.* $1=([^ ]+).*/\1/"; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '| applicants | CSV size | parse only | ingest | full validate | ratio | peak RSS parse | peak RSS ingest | peak RSS validate | phases (checks / json) |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
for n in $SIZES; do
  dir=target/bench-data/$n
  [ -f "$dir/applicants.csv" ] || $B generate "$dir" --applicants "$n" --seed 1 >/dev/null
  size=$(du -cb "$dir"/*.csv | tail -1 | awk '{printf "%.0f MB", $1/1e6}')
  p=(); g=(); v=(); prss=(); grss=(); vrss=(); phases=()
  for _ in $(seq "$RUNS"); do
    # Let the previous run's report reach the disk first, so writeback does not
    # steal from the run being measured.
    sync
    out=$($B parse "$dir"); p+=("$(field seconds <<<"$out")"); prss+=("$(field peak_rss_mib <<<"$out")")
    sync
    out=$($B ingest "$dir"); g+=("$(field seconds <<<"$out")"); grss+=("$(field peak_rss_mib <<<"$out")")
    sync
    out=$($B validate "$dir" --out target/bench-data/report-$n.json)
    v+=("$(field seconds <<<"$out")"); vrss+=("$(field peak_rss_mib <<<"$out")")
    phases+=("$(field checks <<<"$out") / $(field json <<<"$out")")
  done
  pm=$(printf '%s\n' "${p[@]}" | median); gm=$(printf '%s\n' "${g[@]}" | median); vm=$(printf '%s\n' "${v[@]}" | median)
  ratio=$(awk -v a="$vm" -v b="$pm" 'BEGIN {printf "%.1f×", a/b}')
  printf '| %s | %s | %s s | %s s | %s s | %s | %s MiB | %s MiB | %s MiB | %s s |\n' "$n" "$size" "$pm" "$gm" "$vm" "$ratio" \
    "$(printf '%s\n' "${prss[@]}" | median)" "$(printf '%s\n' "${grss[@]}" | median)" "$(printf '%s\n' "${vrss[@]}" | median)" "${phases[${#phases[@]}-1]}"
done
