#!/usr/bin/env python3
"""Losses on the f64 path, whole processes: `critcert deep-linear --loss squared|logistic|
cross-entropy` against a numpy script computing the same G = dl0/dYhat, grad l0 = G X^T and every
layer gradient from the same .npy files, in one run, on the same machine.

    python3 benches/deep_linear_losses.py [--threads N] [--reps R] [--layers L] [--width D] [--m M] [--dir DIR]

(or `bash benches/deep_linear_losses.sh`, which builds the release binary first). Defaults: 6
layers of width 1024, dx = 1024, m = 4096 points, all cores. Two sets of weights share the first
five layers (random Gaussian, scaled 1/sqrt(width)): the last layer has 1 output (labels +-1:
squared vs logistic) or 10 (one-hot rows of 10 classes: squared vs cross-entropy), so each ratio
compares two losses on the same weights and targets. Each command runs in its own process under
`/usr/bin/time -f '%e s %M KB'`, best of R runs (default 3; the runs of the four commands
interleave, so a burst of load on a shared machine hits all of them alike); the numpy peer is
timed the same way (whole process: start-up, np.load and the computation) and also reports its
computation alone.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make(d, m, out):
    import numpy as np
    rng = np.random.default_rng(7)
    L = len(d) - 1
    for j in range(1, L):
        np.save(f"{out}/w{j}.npy", rng.standard_normal((d[j], d[j - 1])) / np.sqrt(d[j - 1]))
    X = rng.standard_normal((m, d[0]))
    np.save(f"{out}/x.npy", X)
    # Last layers and targets: dy = 1 (labels +-1) and dy = 10 (one-hot classes).
    np.save(f"{out}/last1.npy", rng.standard_normal((1, d[L - 1])) / np.sqrt(d[L - 1]))
    np.save(f"{out}/last10.npy", rng.standard_normal((10, d[L - 1])) / np.sqrt(d[L - 1]))
    np.save(f"{out}/y1.npy", np.where(rng.standard_normal((m, 1)) < 0, -1.0, 1.0))
    cls = rng.integers(0, 10, size=m)
    np.save(f"{out}/y10.npy", np.eye(10)[cls])


def peer(argv):
    """The numpy peer: `--peer LOSS W1.npy ... WL.npy X.npy Y.npy`."""
    import time
    import numpy as np
    loss, files = argv[0], argv[1:]
    W = [np.load(f) for f in files[:-2]]
    X = np.load(files[-2]).T.copy()  # dx x m, one column per point (as critcert)
    Y = np.load(files[-1]).T.copy()  # dy x m
    t = time.perf_counter()
    P = [W[0]]
    for w in W[1:]:
        P.append(w @ P[-1])
    Yh = P[-1] @ X
    if loss == "squared":
        G = Yh - Y
        value = 0.5 * np.sum(G * G)
    elif loss == "logistic":
        z = Y * Yh
        e = np.exp(-np.abs(z))
        s = np.where(z < 0, 1.0 / (1.0 + e), e / (1.0 + e))  # sigma(-z)
        G = -Y * s
        value = np.sum(np.maximum(-z, 0.0) + np.log1p(e))
    elif loss == "cross-entropy":
        c = Yh.max(axis=0, keepdims=True)
        t_ = Yh - c
        e = np.exp(t_)
        S = e.sum(axis=0, keepdims=True)
        G = e / S - Y
        value = np.sum(np.log(S)) - np.sum(Y * t_)
    else:
        raise SystemExit(f"unknown loss {loss}")
    G0 = G @ X.T
    grads = [None] * len(W)
    U = G0
    for j in reversed(range(1, len(W))):
        grads[j] = U @ P[j - 1].T
        U = W[j].T @ U
    grads[0] = U
    dt = time.perf_counter() - t
    print(f"loss {value:.10e} max|grad l0| {np.abs(G0).max():.6e} compute {dt:.3f} s")


def timed(cmd, env):
    """Runs `cmd` under /usr/bin/time; (seconds, peak KB, first line of stdout)."""
    with tempfile.NamedTemporaryFile("r") as f:
        out = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", f.name] + cmd,
                             capture_output=True, text=True, env=env)
        s, kb = f.read().split()[-2:]
    line = (out.stdout.strip().splitlines() or [out.stderr.strip()])[0]
    return float(s), int(kb), line, out.stdout


def main():
    argv = sys.argv[1:]
    if argv and argv[0] == "--peer":
        peer(argv[1:])
        return
    threads, reps, layers, width, m, out = os.cpu_count() or 1, 3, 6, 1024, 4096, None
    i = 0
    while i < len(argv):
        k, v = argv[i], argv[i + 1]
        if k == "--threads":
            threads = int(v)
        elif k == "--reps":
            reps = int(v)
        elif k == "--layers":
            layers = int(v)
        elif k == "--width":
            width = int(v)
        elif k == "--m":
            m = int(v)
        elif k == "--dir":
            out = v
        i += 2
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory()
        out = tmp.name
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    d = [width] * layers + [0]
    make(d, m, out)
    hidden = [f"{out}/w{j}.npy" for j in range(1, layers)]
    binary = os.path.join(ROOT, "target/release/critcert")
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"# {layers} layers of width {width}, dx = {width}, m = {m}, {threads} threads; uptime: {up}")
    print("# weights | loss | critcert s | critcert peak KB | numpy s (whole) | numpy compute s | numpy peak KB | critcert/numpy | verdict")
    runs = [(dy, loss) for dy, losses in [(1, ["squared", "logistic"]),
                                          (10, ["squared", "cross-entropy"])] for loss in losses]
    best = {}
    for _ in range(reps):
        for dy, loss in runs:
            w = hidden + [f"{out}/last{dy}.npy"]
            x, y = f"{out}/x.npy", f"{out}/y{dy}.npy"
            c = timed([binary, "deep-linear", "--weights"] + w +
                      ["--x", x, "--y", y, "--loss", loss, "--threads", str(threads)], env)
            p = timed([sys.executable, __file__, "--peer", loss] + w + [x, y], env)
            compute = float(p[2].split("compute ")[-1].split()[0]) if "compute" in p[2] else float("nan")
            old = best.get((dy, loss))
            best[(dy, loss)] = (min(c, old[0]) if old else c, min(p, old[1]) if old else p,
                                min(compute, old[2]) if old else compute)
    rows = {}
    for dy, loss in runs:
        (cs, ckb, verdict, _), (ps, pkb, _, _), compute = best[(dy, loss)]
        rows[(dy, loss)] = cs
        print(f"# dy={dy} | {loss} | {cs:.2f} | {ckb} | {ps:.2f} | {compute:.3f} | {pkb} | "
              f"{cs / ps:.2f}x | {verdict}")
    print(f"# logistic/squared (dy = 1): {rows[(1, 'logistic')] / rows[(1, 'squared')]:.2f}x; "
          f"cross-entropy/squared (dy = 10): {rows[(10, 'cross-entropy')] / rows[(10, 'squared')]:.2f}x")
    up = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"# uptime: {up}")


if __name__ == "__main__":
    main()
