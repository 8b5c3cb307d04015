"""A non-degenerate saddle of Safran & Shamir's population loss, found by Newton's method on the
gradient (which converges to critical points of any index), in plain numpy: produces
examples/data/points/gaussian-relu-saddle-k3.json, certified by

    critcert point --model gaussian-relu --params examples/data/points/gaussian-relu-saddle-k3.json

    python3 examples/find_saddle.py [K N SEED OUT.json]     (defaults: 3 3 1 and the file above)

The loss is F(W) = ½ E_{x~N(0,I_k)} (Σ_i relu(w_iᵀx) − Σ_j relu(e_jᵀx))² (closed form through
the arc-cosine kernel, as in benches/point_descent.py), W is k × n with the students as columns.
From random starts (seeded), damped Newton steps on ∇F (line search on ‖∇F‖); the first critical
point kept is a saddle with every |eigenvalue| of the Hessian (central differences of the exact
gradient) at least 0.02, every student of norm at least 0.1 and at an angle with sine at least
0.3 to every other student and teacher (well inside the region where F is smooth).
"""
import json
import math
import sys

import numpy as np


def dkappa(u, w):
    """∂/∂u of κ(u, w) = E relu(uᵀx) relu(wᵀx) = ‖u‖‖w‖(sin θ + (π − θ) cos θ) / 2π."""
    nu, nw = np.linalg.norm(u), np.linalg.norm(w)
    c = min(1.0, max(-1.0, float(u @ w) / (nu * nw)))
    th, s = math.acos(c), math.sqrt(max(0.0, 1 - c * c))
    return (nw * s * u / nu + (math.pi - th) * w) / (2 * math.pi)


def kappa(u, w):
    nu, nw = np.linalg.norm(u), np.linalg.norm(w)
    c = min(1.0, max(-1.0, float(u @ w) / (nu * nw)))
    th, s = math.acos(c), math.sqrt(max(0.0, 1 - c * c))
    return nu * nw * (s + (math.pi - th) * c) / (2 * math.pi)


def loss(W, V):
    n, t = W.shape[1], V.shape[1]
    f = (W * W).sum() / 4 + (V * V).sum() / 4
    f += sum(kappa(W[:, i], W[:, j]) for i in range(n) for j in range(i + 1, n))
    f -= sum(kappa(W[:, i], V[:, a]) for i in range(n) for a in range(t))
    f += sum(kappa(V[:, a], V[:, b]) for a in range(t) for b in range(a + 1, t))
    return f


def grad(x, k, n, V):
    """∇F at x = W flattened by columns (student by student, the order of `critcert point`)."""
    W = x.reshape((k, n), order="F")
    G = W / 2
    for i in range(n):
        for j in range(n):
            if j != i:
                G[:, i] += dkappa(W[:, i], W[:, j])
        for a in range(V.shape[1]):
            G[:, i] -= dkappa(W[:, i], V[:, a])
    return G.flatten(order="F")


def hessian(x, k, n, V, h=1e-6):
    p = x.size
    H = np.zeros((p, p))
    for q in range(p):
        e = np.zeros(p)
        e[q] = h
        H[:, q] = (grad(x + e, k, n, V) - grad(x - e, k, n, V)) / (2 * h)
    return (H + H.T) / 2


def min_norm_and_sine(x, k, n, V):
    """The least student norm, and the least sine of an angle student–student or –teacher."""
    W = x.reshape((k, n), order="F")
    vs = [W[:, i] for i in range(n)] + [V[:, a] for a in range(V.shape[1])]
    sine = 1.0
    for i in range(n):
        for j, v in enumerate(vs):
            if j != i:
                c = abs(W[:, i] @ v) / (np.linalg.norm(W[:, i]) * np.linalg.norm(v))
                sine = min(sine, math.sqrt(max(0.0, 1 - c * c)))
    return min(np.linalg.norm(W[:, i]) for i in range(n)), sine


def newton(x, k, n, V, iters=200):
    """Damped Newton on ∇F = 0; None when it stalls or leaves the smooth region."""
    for _ in range(iters):
        g = grad(x, k, n, V)
        gn = np.linalg.norm(g)
        if gn < 1e-13:
            return x
        step = np.linalg.lstsq(hessian(x, k, n, V), g, rcond=1e-12)[0]
        t = 1.0
        while t > 1e-4 and np.linalg.norm(grad(x - t * step, k, n, V)) >= (1 - 1e-4 * t) * gn:
            t /= 2
        if t <= 1e-4:
            return None
        x = x - t * step
        norm, sine = min_norm_and_sine(x, k, n, V)
        if norm < 1e-4 or sine < 1e-5:
            return None
    return None


def main():
    k, n, seed = (int(a) for a in sys.argv[1:4]) if len(sys.argv) > 3 else (3, 3, 1)
    out = sys.argv[4] if len(sys.argv) > 4 else "examples/data/points/gaussian-relu-saddle-k3.json"
    V = np.eye(k)
    rng = np.random.default_rng(seed)
    for trial in range(200):
        x = newton(rng.normal(0, 1 / math.sqrt(k), k * n), k, n, V)
        if x is None:
            continue
        ev = np.linalg.eigvalsh(hessian(x, k, n, V))
        norm, sine = min_norm_and_sine(x, k, n, V)
        print(f"start {trial}: F = {loss(x.reshape((k, n), order='F'), V):.8f}, "
              f"eigenvalues [{ev[0]:.4g}, {ev[-1]:.4g}], least |eigenvalue| "
              f"{np.abs(ev).min():.4g}, least norm {norm:.3g}, least sine {sine:.3g}")
        if ev[0] < 0 < ev[-1] and np.abs(ev).min() >= 0.02 and norm >= 0.1 and sine >= 0.3:
            break
    else:
        sys.exit("no saddle found")
    # A few more full Newton steps: ∇F at the float point is at the level of rounding.
    for _ in range(3):
        x = x - np.linalg.solve(hessian(x, k, n, V), grad(x, k, n, V))
    W = x.reshape((k, n), order="F")
    print(f"saddle: |∇F|∞ = {np.abs(grad(x, k, n, V)).max():.3g}, eigenvalues {np.round(ev, 6)}")
    with open(out, "w") as f:
        json.dump({"k": k, "n": n, "seed": seed, "float_loss": loss(W, V),
                   "float_eigenvalues": ev.tolist(), "W": W.tolist()}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
