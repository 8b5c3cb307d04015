"""A non-degenerate saddle of a one-hidden-layer tanh network's squared loss, found by Newton's
method on the gradient (which converges to critical points of any index), in plain numpy:
produces examples/data/points/wave-tanh-saddle.json (width 2 on examples/data/wave.csv),
certified by

    critcert point --model mlp --data examples/data/wave.csv --width 2 --activation tanh \\
        --params examples/data/points/wave-tanh-saddle.json

    python3 examples/find_mlp_saddle.py [DATA.csv WIDTH SEED OUT.json]   (from the repository root;
        defaults: examples/data/wave.csv 2 1 and the file above; about 20 s)

The loss is ℓ(θ) = ½ Σ_i (W2 tanh(W1 x_i + b1) + b2 − y_i)² (one output, the CSV's last column),
with its exact gradient and Hessian. From random starts (seeded), damped Newton steps on ∇ℓ (line
search on ‖∇ℓ‖); the first critical point kept has Hessian eigenvalues of both signs, every
|eigenvalue| at least 4e-4 times the largest, and no dead or duplicate hidden unit (each |W2_j|
and each ‖(W1_j, b1_j)‖ at least 0.05, no two units' (W1_j, b1_j) parallel).
"""
import json
import sys

import numpy as np


def load(path):
    with open(path) as f:
        rows = [line.strip().split(",") for line in f.readlines()[1:] if line.strip()]
    a = np.array([[float(v) for v in r] for r in rows])
    return a[:, :-1], a[:, -1]


def unpack(t, n, dx):
    W1 = t[: n * dx].reshape(n, dx)
    b1 = t[n * dx: n * dx + n]
    W2 = t[n * dx + n: n * dx + 2 * n]
    return W1, b1, W2, t[-1]


def loss_grad_hess(t, X, y, n):
    """ℓ, ∇ℓ and ∇²ℓ at t = (W1 by rows, b1, W2, b2), the order of `critcert point`'s names."""
    m, dx = X.shape
    W1, b1, W2, b2 = unpack(t, n, dx)
    a = np.tanh(X @ W1.T + b1)                  # m × n
    d1 = 1 - a * a                               # h'
    d2 = -2 * a * d1                             # h''
    e = a @ W2 + b2 - y                          # m
    U = np.hstack([X, np.ones((m, 1))])          # inputs with the bias' 1
    p = t.size
    J = np.zeros((m, p))                         # ∂ŷ_i/∂θ
    for j in range(n):
        J[:, j * dx:(j + 1) * dx] = (W2[j] * d1[:, j])[:, None] * X
        J[:, n * dx + j] = W2[j] * d1[:, j]
        J[:, n * dx + n + j] = a[:, j]
    J[:, -1] = 1
    H = J.T @ J
    for j in range(n):
        idx = list(range(j * dx, (j + 1) * dx)) + [n * dx + j]
        w = n * dx + n + j
        H[np.ix_(idx, idx)] += (U * (e * W2[j] * d2[:, j])[:, None]).T @ U
        c = U.T @ (e * d1[:, j])
        H[idx, w] += c
        H[w, idx] += c
    return 0.5 * e @ e, J.T @ e, H


def units_ok(t, n, dx, tol=0.05):
    W1, b1, W2, _ = unpack(t, n, dx)
    V = np.hstack([W1, b1[:, None]])
    if np.abs(W2).min() < tol or np.linalg.norm(V, axis=1).min() < tol:
        return False
    for j in range(n):
        for k in range(j + 1, n):
            c = abs(V[j] @ V[k]) / (np.linalg.norm(V[j]) * np.linalg.norm(V[k]))
            if c > 0.999:
                return False
    return True


def newton(t, X, y, n, iters=300):
    """Damped Newton on ∇ℓ = 0; None when it stalls or diverges."""
    for _ in range(iters):
        _, g, H = loss_grad_hess(t, X, y, n)
        gn = np.linalg.norm(g)
        if gn < 1e-13:
            return t
        step = np.linalg.lstsq(H, g, rcond=1e-12)[0]
        s = 1.0
        while s > 1e-6 and np.linalg.norm(loss_grad_hess(t - s * step, X, y, n)[1]) >= (
                1 - 1e-4 * s) * gn:
            s /= 2
        if s <= 1e-6 or np.abs(t).max() > 50:
            return None
        t = t - s * step
    return None


def names(n, dx):
    out = [f"W1[{j + 1},{c + 1}]" for j in range(n) for c in range(dx)]
    out += [f"b1[{j + 1}]" for j in range(n)]
    return out + [f"W2[1,{j + 1}]" for j in range(n)] + ["b2[1]"]


def main():
    args = sys.argv[1:]
    data = args[0] if args else "examples/data/wave.csv"
    n = int(args[1]) if len(args) > 1 else 2
    seed = int(args[2]) if len(args) > 2 else 1
    out = args[3] if len(args) > 3 else "examples/data/points/wave-tanh-saddle.json"
    X, y = load(data)
    dx = X.shape[1]
    p = n * dx + 2 * n + 1
    rng = np.random.default_rng(seed)
    for trial in range(500):
        t = newton(rng.normal(0, 1, p), X, y, n)
        if t is None:
            continue
        f, g, H = loss_grad_hess(t, X, y, n)
        ev = np.linalg.eigvalsh(H)
        rel = np.abs(ev).min() / np.abs(ev).max()
        ok = units_ok(t, n, dx)
        print(f"start {trial}: loss {f:.8g}, |g| {np.linalg.norm(g):.2g}, eigenvalues "
              f"[{ev[0]:.4g}, {ev[-1]:.4g}], least |eigenvalue|/largest {rel:.3g}, units ok {ok}")
        if ev[0] < 0 < ev[-1] and rel >= 4e-4 and ok:
            break
    else:
        sys.exit("no saddle found")
    for _ in range(3):
        _, g, H = loss_grad_hess(t, X, y, n)
        t = t - np.linalg.solve(H, g)
    f, g, H = loss_grad_hess(t, X, y, n)
    ev = np.linalg.eigvalsh(H)
    print(f"saddle (start {trial}): loss {float(f)!r}, |∇ℓ|∞ = {np.abs(g).max():.3g}, "
          f"eigenvalues {np.array2string(ev, precision=4)}")
    with open(out, "w") as fh:
        json.dump(dict(zip(names(n, dx), t.tolist())), fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
