#!/usr/bin/env bash
# Whole-process benchmark of `critcert point --model gaussian-relu` against its peer (numpy: the
# float64 Hessian and its eigenvalues, no rigour), k = n = 6, 10, 14, 20 (p = 36 … 400), and of
# `critcert check` on each certificate. Needs a release build and python3 with numpy:
#
#     cargo build --release && bash benches/point.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/critcert
out=$(mktemp -d)
printf '%-5s %-22s %-8s %-10s %s\n' p "certify (peak RSS)" check peer verdict
for pt in examples/data/safran-shamir/ss-6-6-0.json examples/points/gaussian-relu-k10.json \
          examples/points/gaussian-relu-k14.json examples/points/gaussian-relu-k20.json; do
  cert="$out/$(basename "$pt")"
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$out/rss" "$bin" point --model gaussian-relu --params "$pt" --out "$cert" > "$out/log" || true
  t1=$(date +%s.%N)
  "$bin" check "$cert" > /dev/null
  t2=$(date +%s.%N)
  peer=$(python3 benches/point_peer.py "$pt")
  p=$(echo "$peer" | sed 's/p = \([0-9]*\),.*/\1/')
  printf '%-5s %-22s %-8s %-10s %s\n' "$p" "$(python3 -c "print(f'{$t1 - $t0:.2f}')")s ($(cat "$out/rss") KB)" \
    "$(python3 -c "print(f'{$t2 - $t1:.2f}')")s" "${peer##*, }" "$(head -1 "$out/log")"
done
rm -rf "$out"
