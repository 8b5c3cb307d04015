#!/usr/bin/env bash
# Theorem 1 benchmark (issue 2): critcert and its peers on the same files, in one run.
# Needs: pip install python-flint sympy (peers only; not project dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release
cargo bench --bench thm1 -- --noplot
python3 benches/thm1_peers.py
# Whole processes on large CSVs (issue 12; minutes, several GB at 1,000,000 × 20):
#   python3 benches/thm1_whole.py 20000x20 100000x50 1000000x20
