#!/usr/bin/env bash
# The single form against the strongest peer a Python user has: typst-py (`pip install
# typst`, the binding of the same Typst), one warm `typst.Compiler` per process, two
# processes, on the same templates and the same data.json as resettle's in-process
# engine (`resettle-bench render`, 2 threads, as `resettle run -j 2`). The two are run in
# turn, ROUNDS times, in one run of this script (this VM's neighbours make hours differ
# by up to 30 %); each line is one timing, and the medians close the table.
#
# typst-py goes into a virtual environment in target/typst-py the first time.
#
#   bench/peer.sh                      # 1000 application forms, 5 rounds
#   N=2000 ROUNDS=3 FORM=lifting-stage1 bench/peer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
ROUNDS=${ROUNDS:-5}
FORM=${FORM:-application}
TYPST_PY=${TYPST_PY:-0.15.2}
VENV=target/typst-py
if ! [ -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import typst" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "typst==$TYPST_PY"
fi
cargo build --release --quiet --bin resettle-bench
B=${CARGO_TARGET_DIR:-target}/release/resettle-bench
data=target/bench-data/render-$N
[ -f "$data/applicants.csv" ] || $B generate "$data" --applicants $((N * 3)) --seed 1 >/dev/null
roots=target/bench-data/peer-roots-$N
rm -rf "$roots"
$B render "$data" --out "$roots" --documents "$N" --form "$FORM" --data-only >/dev/null
for d in "$roots"/*/; do cp -al templates "$d/templates"; done

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "form: $FORM; $N documents; typst-py $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("typst"))')"
printf '| round | engine | seconds | documents/s |\n|---:|---|---:|---:|\n'
mine=(); peer=()
for r in $(seq 1 "$ROUNDS"); do
  out=target/bench-data/peer-out-$N
  rm -rf "$out"; sync
  line=$($B render "$data" --out "$out" --documents "$N" --form "$FORM" --threads 2)
  rate=$(sed -E 's/.* docs_per_second=([^ ]+).*/\1/' <<<"$line")
  mine+=("$rate")
  printf '| %s | resettle (in-process, 2 threads) | %s | %s |\n' "$r" \
    "$(sed -E 's/.* render_seconds=([^ ]+).*/\1/' <<<"$line")" "$rate"
  find "$roots" -name out.pdf -delete; sync
  start=$(date +%s.%N)
  "$VENV/bin/python" bench/typst_py.py 0 2 "$roots" templates/fonts &
  "$VENV/bin/python" bench/typst_py.py 1 2 "$roots" templates/fonts &
  wait %1 && wait %2
  end=$(date +%s.%N)
  made=$(find "$roots" -name out.pdf | wc -l)
  [ "$made" -eq "$N" ] || { echo "typst-py made $made of $N PDFs" >&2; exit 1; }
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b-a}')
  rate=$(awk -v n="$N" -v s="$secs" 'BEGIN {printf "%.1f", n/s}')
  peer+=("$rate")
  printf '| %s | typst-py (warm Compiler, 2 processes) | %s | %s |\n' "$r" "$secs" "$rate"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m=$(median "${mine[@]}"); p=$(median "${peer[@]}")
echo
echo "median documents/s: resettle $m, typst-py $p; ratio $(awk -v a="$m" -v b="$p" 'BEGIN {printf "%.2f", a/b}')x"
