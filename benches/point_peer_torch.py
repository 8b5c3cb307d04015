"""The PyTorch peer of `critcert point --model gaussian-relu`: what a user with PyTorch would run —
Safran & Shamir's population loss written in torch (the closed-form arc-cosine kernel), its
float64 Hessian by autograd (`torch.autograd.functional.hessian`) and its eigenvalues
(`torch.linalg.eigvalsh`), with no rigour. Teachers: the identity.

    python3 benches/point_peer_torch.py POINT.json   # prints p, the smallest eigenvalue, seconds

Its own computation only (reading the point, autograd, eigvalsh) is timed; `benches/point.sh`
times the whole process (starting Python and importing torch included) as well.
"""

import json
import math
import sys
import time

import torch


def kernel(U, V):
    """κ(u_i, v_i) for the columns of U and V, pair by pair: ‖u‖‖v‖/(2π)·(sin θ + (π − θ) cos θ)
    (pairs only where both are defined: the kernel of a vector with itself has no derivative)."""
    nu, nv = U.norm(dim=0), V.norm(dim=0)
    c = ((U * V).sum(dim=0) / (nu * nv)).clamp(-1.0, 1.0)
    return nu * nv * (torch.sqrt(1.0 - c * c) + (math.pi - torch.arccos(c)) * c) / (2 * math.pi)


def loss(w, k, n, V):
    W = w.reshape(n, k).T  # columns are the students, parameters ordered student by student
    m = V.shape[1]
    iu = torch.triu_indices(n, n, offset=1)
    it = torch.triu_indices(m, m, offset=1)
    si, tj = torch.arange(n).repeat_interleave(m), torch.arange(m).repeat(n)
    return ((W * W).sum() / 4 + kernel(W[:, iu[0]], W[:, iu[1]]).sum()
            - kernel(W[:, si], V[:, tj]).sum()
            + (V * V).sum() / 4 + kernel(V[:, it[0]], V[:, it[1]]).sum())


def main():
    torch.set_num_threads(2)
    start = time.perf_counter()
    with open(sys.argv[1]) as f:
        W = torch.tensor(json.load(f)["W"], dtype=torch.float64)
    k, n = W.shape
    V = torch.eye(k, dtype=torch.float64)
    w0 = W.T.reshape(-1).clone()
    H = torch.autograd.functional.hessian(lambda w: loss(w, k, n, V), w0)
    ev = torch.linalg.eigvalsh((H + H.T) / 2)
    print(f"p = {k * n}, smallest eigenvalue {ev[0].item():.6e}, {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
