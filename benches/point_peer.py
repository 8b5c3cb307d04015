"""The peer of `critcert point --model gaussian-relu`: what a user would otherwise run — the
float64 Hessian of Safran & Shamir's population loss at the point (closed-form arc-cosine kernel
blocks, vectorised with numpy) and its eigenvalues, with no rigour.

    python3 benches/point_peer.py POINT.json      # prints p, the smallest eigenvalue, seconds
"""

import json
import math
import sys
import time

import numpy as np


def blocks(u, w):
    nu, nw = np.linalg.norm(u), np.linalg.norm(w)
    ub, wb = u / nu, w / nw
    c = float(np.clip(ub @ wb, -1.0, 1.0))
    s = math.sqrt(1.0 - c * c)
    rest = math.pi - math.acos(c)
    n, m = wb - c * ub, ub - c * wb
    eye = np.eye(len(u))
    duu = (nw * s / nu * (eye - np.outer(ub, ub)) + nw / (nu * s) * np.outer(n, n)) / (2 * math.pi)
    duw = (s * np.outer(ub, wb) + rest * eye + np.outer(n, m) / s) / (2 * math.pi)
    return duu, duw


def main():
    start = time.perf_counter()
    with open(sys.argv[1]) as f:
        W = np.array(json.load(f)["W"], dtype=float)
    k, n = W.shape
    V = np.eye(k)
    H = np.zeros((k * n, k * n))
    for i in range(n):
        H[i * k:(i + 1) * k, i * k:(i + 1) * k] += np.eye(k) / 2
        for j in range(n):
            if j != i:
                duu, duw = blocks(W[:, i], W[:, j])
                H[i * k:(i + 1) * k, i * k:(i + 1) * k] += duu
                H[i * k:(i + 1) * k, j * k:(j + 1) * k] = duw
        for t in range(k):
            duu, _ = blocks(W[:, i], V[t])
            H[i * k:(i + 1) * k, i * k:(i + 1) * k] -= duu
    ev = np.linalg.eigvalsh((H + H.T) / 2)
    print(f"p = {k * n}, smallest eigenvalue {ev[0]:.6e}, {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
