#!/usr/bin/env bash
# Whole-process benchmark of `critcert deep-linear --loss squared|logistic|cross-entropy`
# against a numpy script computing the same G, ∇ℓ0 and layer gradients from the same .npy
# files (6 layers of width 1024, 4096 points; see benches/deep_linear_losses.py). Needs python3
# with numpy:
#
#     bash benches/deep_linear_losses.sh [--threads N] [--layers L] [--width D] [--m M]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin critcert
python3 benches/deep_linear_losses.py "$@"
