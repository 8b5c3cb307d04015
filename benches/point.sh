#!/usr/bin/env bash
# Whole-process benchmark of `critcert point --model gaussian-relu` and of `critcert check` on its
# certificate, side by side with the peers a user would otherwise run — the float64 Hessian and
# its eigenvalues, no rigour: numpy with the closed-form blocks (benches/point_peer.py) and
# PyTorch autograd (benches/point_peer_torch.py, when `$TORCH_PYTHON` or python3 imports torch) —
# at k = n = 6, 10, 14, 20 (p = 36 … 400). Each cell is one whole process: seconds (peak RSS);
# a peer's own computation, without starting Python and importing, in brackets.
#
#     cargo build --release && bash benches/point.sh
#     TORCH_PYTHON=/path/to/venv/bin/python bash benches/point.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/critcert
torch=${TORCH_PYTHON:-python3}
"$torch" -c 'import torch' 2> /dev/null || torch=
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# run NAME CMD...: one whole process; leaves "seconds (MB)" in $out/NAME and its stdout in
# $out/NAME.out.
run() {
  local name=$1
  shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$out/$name.rss" "$@" > "$out/$name.out" || true
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.2f} s ({$(tail -1 "$out/$name.rss") / 1024:.0f} MB)')" > "$out/$name"
}
inner() { sed -n 's/.*, \([0-9.]*\) s$/\1/p' "$out/$1.out"; }
printf '%-5s %-18s %-18s %-26s %-26s %s\n' p certify check "numpy peer [compute]" \
  "torch peer [compute]" verdict
for pt in examples/data/safran-shamir/ss-6-6-0.json examples/points/gaussian-relu-k10.json \
          examples/points/gaussian-relu-k14.json examples/points/gaussian-relu-k20.json; do
  cert="$out/$(basename "$pt")"
  run certify "$bin" point --model gaussian-relu --params "$pt" --out "$cert"
  run check "$bin" check "$cert"
  run numpy python3 benches/point_peer.py "$pt"
  p=$(sed 's/p = \([0-9]*\),.*/\1/' "$out/numpy.out")
  if [ -n "$torch" ]; then
    run torch "$torch" benches/point_peer_torch.py "$pt"
    tcell="$(cat "$out/torch") [$(inner torch) s]"
  else
    tcell="n/a (no torch)"
  fi
  printf '%-5s %-18s %-18s %-26s %-26s %s\n' "$p" "$(cat "$out/certify")" "$(cat "$out/check")" \
    "$(cat "$out/numpy") [$(inner numpy) s]" "$tcell" "$(head -1 "$out/certify.out")"
done
