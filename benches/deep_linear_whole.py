#!/usr/bin/env python3
"""Whole-process benchmark of `critcert deep-linear` (f64 path, squared loss) against a numpy
script reading the same .npy files and computing the same product, residual, grad l0 = R X^T and
every layer gradient in critcert's order of products (`deep_linear_losses.py --peer squared`).

    python3 benches/deep_linear_whole.py [--threads N] [--reps R] [--binary PATH] [--dir DIR]
                                         [--arg ARG ...] [CONFIG ...]

CONFIG is layers,width,m (dx = dy = width; default: 6,1024,4096 and 8,2048,8192). Weights are
random Gaussian scaled 1/sqrt(width), X and Y Gaussian, all float64 in C order (np.save), X and
Y one row per point. Each command is one process under `/usr/bin/time -f '%e s %M KB'`, best of
R runs (default 3; the two commands alternate, so a burst of load hits both alike). Peak RSS is
reported in MB and as a multiple of the input bytes (the sum of the .npy file sizes).
`--arg` passes an extra argument to critcert (repeatable, e.g. `--arg=--memory-limit=8192`).
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER = os.path.join(ROOT, "benches", "deep_linear_losses.py")


def make(layers, width, m, out):
    import numpy as np
    rng = np.random.default_rng(12)
    files = []
    for j in range(1, layers + 1):
        f = f"{out}/w{j}.npy"
        np.save(f, rng.standard_normal((width, width)) / np.sqrt(width))
        files.append(f)
    np.save(f"{out}/x.npy", rng.standard_normal((m, width)))
    np.save(f"{out}/y.npy", rng.standard_normal((m, width)))
    return files, f"{out}/x.npy", f"{out}/y.npy"


def timed(cmd, env):
    with tempfile.NamedTemporaryFile("r") as f:
        out = subprocess.run(["/usr/bin/time", "-f", "%e s %M KB", "-o", f.name] + cmd,
                             capture_output=True, text=True, env=env)
        s, _, kb, _ = f.read().split()[-4:]
    line = (out.stdout.strip().splitlines() or [out.stderr.strip()])[0]
    return float(s), int(kb), line


def main():
    argv = sys.argv[1:]
    threads, reps, binary, out, extra, configs = os.cpu_count() or 1, 3, None, None, [], []
    i = 0
    while i < len(argv):
        k = argv[i]
        if "=" in k and k.startswith("--") and k.split("=", 1)[0] in (
                "--threads", "--reps", "--binary", "--dir", "--arg"):
            k, v = k.split("=", 1)
            i += 1
        elif k.startswith("--"):
            v = argv[i + 1]
            i += 2
        else:
            configs.append(k)
            i += 1
            continue
        if k == "--threads":
            threads = int(v)
        elif k == "--reps":
            reps = int(v)
        elif k == "--binary":
            binary = v
        elif k == "--dir":
            out = v
        elif k == "--arg":
            extra.append(v)
    configs = configs or ["6,1024,4096", "8,2048,8192"]
    binary = binary or os.path.join(ROOT, "target/release/critcert")
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"# {binary} {' '.join(extra)}; {threads} threads, best of {reps}; uptime: {up}")
    print("# layers x width, m | inputs MB | critcert s | critcert peak MB (x inputs) | "
          "numpy s | numpy peak MB (x inputs) | critcert/numpy | critcert verdict")
    for cfg in configs:
        layers, width, m = map(int, cfg.split(","))
        with tempfile.TemporaryDirectory(dir=out) as d:
            w, x, y = make(layers, width, m, d)
            inputs = sum(os.path.getsize(f) for f in w + [x, y])
            c_best = p_best = None
            for _ in range(reps):
                c = timed([binary, "deep-linear", "--weights"] + w +
                          ["--x", x, "--y", y, "--threads", str(threads)] + extra, env)
                p = timed([sys.executable, PEER, "--peer", "squared"] + w + [x, y], env)
                c_best = c if c_best is None or c[0] < c_best[0] else c_best
                p_best = p if p_best is None or p[0] < p_best[0] else p_best
            mb = lambda kb: kb * 1024 / 1e6
            print(f"# {layers} x {width}, {m} | {inputs / 1e6:.0f} | {c_best[0]:.2f} | "
                  f"{mb(c_best[1]):.0f} ({c_best[1] * 1024 / inputs:.2f}x) | {p_best[0]:.2f} | "
                  f"{mb(p_best[1]):.0f} ({p_best[1] * 1024 / inputs:.2f}x) | "
                  f"{c_best[0] / p_best[0]:.2f}x | {c_best[2]}", flush=True)
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"# uptime: {up}")


if __name__ == "__main__":
    main()
