#!/usr/bin/env bash
# Checks that vendor/krilla is krilla 0.8.2 exactly as published on crates.io (its
# checksum in the crates.io index) plus the patches in patches/, applied in order, and
# nothing else. Each patch is one change of PATCHES.md, reviewable on its own.
#
#   vendor/krilla/verify.sh        # run from anywhere; needs curl, tar, git
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sum=27da593198b20eeba65caeb73c2bbeec3e53ab08fa549898312ce81c4fce5e33
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -sSfL -o "$work/krilla.crate" https://static.crates.io/crates/krilla/krilla-0.8.2.crate
echo "$sum  $work/krilla.crate" | sha256sum -c --quiet
tar xzf "$work/krilla.crate" -C "$work"
tree="$work/krilla-0.8.2"
# Left out of the vendored copy (PATCHES.md): examples, the crate's Cargo.lock and
# cargo's packaging files.
rm -rf "$tree/examples" "$tree/Cargo.lock" "$tree/.cargo_vcs_info.json" "$tree/Cargo.toml.orig"
for p in "$here"/patches/*.patch; do
  (cd "$tree" && git apply --whitespace=nowarn "$p")
done
# resettle's own files beside the crate: this script, the patches, their description
# and the licence text resettle takes krilla under.
if diff -r -x patches -x verify.sh -x PATCHES.md -x LICENSE-MIT "$tree" "$here"; then
  echo "vendor/krilla = krilla 0.8.2 from crates.io + $(ls "$here"/patches | wc -l) patches"
else
  echo "vendor/krilla differs from krilla 0.8.2 + patches/ (diff above)" >&2
  exit 1
fi
