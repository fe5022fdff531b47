#!/usr/bin/env bash
# Rendering benchmark: documents per second and peak memory of resettle's in-process
# engine (2 worker threads, as `resettle run -j 2`), beside a loop running the typst CLI
# once per document, 2 at a time, on the same template and the same data.
#
# The typst CLI (same version as the typst crates resettle uses) is installed by this
# script with `cargo install` into target/typst-cli/ the first time (about 15 minutes on
# 2 cores), then reused. Synthetic applicants come from a deterministic seed.
#
#   bench/render.sh                          # 1000 and 10000 documents; CLI loop at 1000
#   SIZES="1000" CLI_SIZES="1000 10000" bench/render.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000"}
CLI_SIZES=${CLI_SIZES:-"1000"}
FORM=${FORM:-application}
TYPST_VERSION=$(sed -nE 's/^typst = "=([0-9.]+)"/\1/p' Cargo.toml)
TYPST=target/typst-cli/bin/typst
if ! [ -x "$TYPST" ] || ! "$TYPST" --version | grep -q "$TYPST_VERSION"; then
  echo "installing typst-cli $TYPST_VERSION into target/typst-cli (once)" >&2
  cargo install typst-cli --version "$TYPST_VERSION" --locked --no-default-features \
    --root target/typst-cli --target-dir target/typst-cli/build
fi
cargo build --release --quiet --bin resettle-bench
B=target/release/resettle-bench
max=$(printf '%s\n' $SIZES $CLI_SIZES | sort -n | tail -1)
data=target/bench-data/render-$max
[ -f "$data/applicants.csv" ] || $B generate "$data" --applicants "$max" --seed 1 >/dev/null
field() { sed -E "s/.* $1=([^ ]+).*/\1/"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "form: $FORM; typst $("$TYPST" --version)"
printf '| documents | engine | seconds | documents/s | peak RSS |\n|---:|---|---:|---:|---:|\n'
for n in $SIZES; do
  out=target/bench-data/render-out-$n
  rm -rf "$out"; sync
  line=$($B render "$data" --out "$out" --documents "$n" --form "$FORM" --threads 2)
  printf '| %s | resettle (in-process, 2 threads) | %s | %s | %s MiB |\n' "$n" \
    "$(field render_seconds <<<"$line")" "$(field docs_per_second <<<"$line")" "$(field peak_rss_mib <<<"$line")"
done
for n in $CLI_SIZES; do
  roots=target/bench-data/render-cli-$n
  rm -rf "$roots"
  $B render "$data" --out "$roots" --documents "$n" --form "$FORM" --data-only >/dev/null
  # Each document is its own project root holding the templates (hard links) and its
  # data.json, so the CLI reads exactly what the engine reads.
  for d in "$roots"/*/; do cp -al templates "$d/templates"; done
  sync
  start=$(date +%s.%N)
  find "$roots" -mindepth 1 -maxdepth 1 -type d -print0 | xargs -0 -P 2 -I{} \
    /usr/bin/time -f '%M' -a -o "$roots.rss" "$TYPST" compile --root {} \
      --font-path templates/fonts --ignore-system-fonts --pdf-standard a-2b \
      --creation-timestamp 1795521600 {}/templates/main.typ {}/out.pdf
  end=$(date +%s.%N)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b-a}')
  made=$(find "$roots" -name out.pdf | wc -l)
  [ "$made" -eq "$n" ] || { echo "typst CLI made $made of $n PDFs" >&2; exit 1; }
  peak=$(sort -n "$roots.rss" | tail -1 | awk '{printf "%.0f", $1/1024}')
  rm -f "$roots.rss"
  printf '| %s | typst CLI, one process per document, 2 in parallel | %s | %s | %s MiB per process |\n' "$n" "$secs" \
    "$(awk -v n="$n" -v s="$secs" 'BEGIN {printf "%.1f", n/s}')" "$peak"
done
