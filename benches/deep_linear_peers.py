#!/usr/bin/env python3
"""Deep-linear gradient benchmark: critcert vs numpy (and PyTorch autograd when installed),
in the same run, on the same machine.

Every implementation computes the product/forward pass, the residual R = W_L..W_1 X - Y,
grad l0 = R X^T and every layer gradient W_{L:j+1}^T grad_l0 W_{j-1:1}^T, for random Gaussian
weights scaled 1/sqrt(width). Each (implementation, configuration) runs in its own process so
that peak memory (ru_maxrss) is per configuration.

    python3 benches/deep_linear_peers.py [--threads N] [--reps R] [CONFIG ...]

CONFIG is layers,width,dx,dy,m (default: the three issue configurations).
critcert runs with each kernel (--blas openblas when libopenblas.so.0 is installed, and faer).
Peers: numpy-reverse (reverse accumulation through the data, 3L-1 data-sized products),
numpy-prefix (critcert's order: prefix products, 3L-3 width-sized + 2 data-sized products),
torch-autograd (if `import torch` works). Prints one JSON line per measurement and a table.
"""
import json
import os
import resource
import subprocess
import sys
import time

CONFIGS = ["4,256,256,256,1024", "8,1024,1024,1024,4096", "16,512,512,512,2048"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make(cfg, np):
    layers, width, dx, dy, m = cfg
    d = [dx] + [width] * (layers - 1) + [dy]
    rng = np.random.default_rng(42)
    W = [rng.standard_normal((d[j], d[j - 1])) / np.sqrt(d[j - 1]) for j in range(1, layers + 1)]
    X = rng.standard_normal((dx, m))
    Y = rng.standard_normal((dy, m))
    return W, X, Y


def numpy_reverse(W, X, Y):
    F = [X]
    for w in W:
        F.append(w @ F[-1])
    R = F[-1] - Y
    G0 = R @ X.T
    grads = [None] * len(W)
    delta = R
    for j in reversed(range(len(W))):
        grads[j] = delta @ F[j].T
        if j > 0:
            delta = W[j].T @ delta
    return G0, grads


def numpy_prefix(W, X, Y):
    P = [W[0]]
    for w in W[1:]:
        P.append(w @ P[-1])
    R = P[-1] @ X - Y
    G0 = R @ X.T
    grads = [None] * len(W)
    U = G0
    for j in reversed(range(1, len(W))):
        grads[j] = U @ P[j - 1].T
        U = W[j].T @ U
    grads[0] = U
    return G0, grads


def torch_autograd(W, X, Y):
    import torch
    Wt = [torch.from_numpy(w).requires_grad_(True) for w in W]
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    F = Xt
    for w in Wt:
        F = w @ F
    R = F - Yt
    loss = 0.5 * (R * R).sum()
    loss.backward()
    G0 = R.detach() @ Xt.T
    return G0, [w.grad for w in Wt]


def one(impl, cfg_text, reps, threads):
    """Runs in a child process: one implementation on one configuration."""
    import numpy as np
    cfg = [int(v) for v in cfg_text.split(",")]
    if impl == "torch-autograd":
        import torch
        torch.set_num_threads(threads)
    fn = {"numpy-reverse": numpy_reverse, "numpy-prefix": numpy_prefix,
          "torch-autograd": torch_autograd}[impl]
    W, X, Y = make(cfg, np)
    best, peak = float("inf"), None
    for _ in range(reps):
        t = time.perf_counter()
        fn(W, X, Y)
        best = min(best, time.perf_counter() - t)
        if peak is None:  # the peak of one computation, as for critcert
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"bench": impl, "config": cfg, "seconds": round(best, 4),
                      "peak_rss_mib": round(peak, 1)}))


def dgemm_numpy(reps):
    import numpy as np
    n = 4096
    a = np.random.default_rng(1).standard_normal((n, n))
    b = np.random.default_rng(2).standard_normal((n, n))
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    print(json.dumps({"bench": "dgemm-numpy", "seconds": round(best, 4),
                      "gflops": round(2 * n ** 3 / best / 1e9, 1)}))


def child(args):
    out = subprocess.run([sys.executable, __file__] + args, capture_output=True, text=True,
                         env=dict(os.environ))
    if out.returncode != 0:
        return None, out.stderr.strip().splitlines()[-1:]
    return json.loads(out.stdout.strip().splitlines()[-1]), None


def main():
    argv = sys.argv[1:]
    if argv and argv[0] == "--one":
        threads = int(argv[4])
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, str(threads))
        if argv[1] == "dgemm-numpy":
            dgemm_numpy(int(argv[3]))
        else:
            one(argv[1], argv[2], int(argv[3]), threads)
        return
    threads, reps, configs = os.cpu_count() or 1, 3, []
    i = 0
    while i < len(argv):
        if argv[i] == "--threads":
            threads = int(argv[i + 1]); i += 1
        elif argv[i] == "--reps":
            reps = int(argv[i + 1]); i += 1
        else:
            configs.append(argv[i])
        i += 1
    configs = configs or CONFIGS
    os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    print(f"# uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    subprocess.run(["cargo", "build", "--release", "--bench", "deep_linear"], cwd=ROOT,
                   check=True, capture_output=True)
    ours = {}
    for kernel in ["openblas", "faer"]:
        for cfg in configs + ["dgemm"]:
            out = subprocess.run(["cargo", "bench", "-q", "--bench", "deep_linear", "--", cfg,
                                  "--threads", str(threads), "--reps", str(reps), "--blas", kernel],
                                 cwd=ROOT, capture_output=True, text=True)
            if out.returncode != 0:
                print(f"# critcert with --blas {kernel}: not run ({out.stderr.strip().splitlines()[-1:]})")
                break
            line = json.loads(out.stdout.strip().splitlines()[-1])
            print(json.dumps(line))
            ours[(kernel, cfg)] = line
    r, _ = child(["--one", "dgemm-numpy", "-", str(reps), str(threads)])
    if r:
        print(json.dumps(r))
    peak = max([v["gflops"] for (k, c), v in ours.items() if c == "dgemm"] + [r["gflops"] if r else 0])
    kernels = [k for k in ["openblas", "faer"] if (k, configs[0]) in ours]
    rows = []
    for cfg in configs:
        peers = {}
        for impl in ["numpy-reverse", "numpy-prefix", "torch-autograd"]:
            res, err = child(["--one", impl, cfg, str(reps), str(threads)])
            if res:
                print(json.dumps(res))
                peers[impl] = res
            else:
                print(f"# {impl} on {cfg}: not run ({' '.join(err)})")
        fastest = min(peers.items(), key=lambda kv: kv[1]["seconds"]) if peers else None
        rows.append((cfg, peers, fastest))
    dg = ", ".join(f"{k} {ours[(k, 'dgemm')]['gflops']}" for k in kernels if (k, "dgemm") in ours)
    print(f"\n# dgemm (4096^3) GFLOP/s: {dg}, numpy {r['gflops'] if r else '-'}; peak {peak}; threads {threads}")
    print("# config | kernel | critcert s | GFLOP/s | % peak | peak MiB (inputs MiB) | peers s | ratio to fastest peer")
    for cfg, peers, fastest in rows:
        ps = ", ".join(f"{k} {v['seconds']}s/{v['peak_rss_mib']}MiB" for k, v in peers.items())
        for kernel in kernels:
            o = ours[(kernel, cfg)]
            ratio = f"{o['seconds'] / fastest[1]['seconds']:.2f}x vs {fastest[0]}" if fastest else "-"
            print(f"# {cfg} | {kernel} | {o['seconds']} | {o['gflops']} | {100 * o['gflops'] / peak:.0f}% | "
                  f"{o['peak_rss_mib']} ({o['input_mib']}) | {ps} | {ratio}")
    print(f"# uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")


if __name__ == "__main__":
    main()
