"""Trains a small tanh network on iris and writes the point for `critcert point`.

A one-hidden-layer network y = W2 tanh(W1 x + b1) + b2 (width 1, one output: the species code
0/1/2 as a regression target) with the loss ½ Σ_i (ŷ_i − y_i)², trained by full-batch gradient
descent and polished by Newton's method on the gradient, in plain Python (no dependencies;
deterministic). The point is written with the parameter names of `critcert derive`/`point`:

    python3 examples/train_tanh.py examples/data/points/iris-tanh.json
    critcert point --model mlp --data examples/data/iris.csv --width 1 --activation tanh \\
        --params examples/data/points/iris-tanh.json

The floating-point numbers are an approximation of a critical point; `critcert point` proves
that an explicit box around them holds exactly one critical point, a strict local minimum.
"""

import csv
import json
import math
import random
import sys

WIDTH = 1


def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))[1:]
    return [[float(v) for v in r[:-1]] for r in rows], [float(r[-1]) for r in rows]


def names(dx):
    n = [f"W1[{j + 1},{c + 1}]" for j in range(WIDTH) for c in range(dx)]
    n += [f"b1[{j + 1}]" for j in range(WIDTH)]
    n += [f"W2[1,{j + 1}]" for j in range(WIDTH)]
    return n + ["b2[1]"]


def grad(t, xs, ys):
    dx = len(xs[0])
    w1 = [t[j * dx:(j + 1) * dx] for j in range(WIDTH)]
    b1 = t[WIDTH * dx:WIDTH * dx + WIDTH]
    w2 = t[WIDTH * dx + WIDTH:WIDTH * dx + 2 * WIDTH]
    g = [0.0] * len(t)
    loss = 0.0
    for x, y in zip(xs, ys):
        a = [math.tanh(sum(w * v for w, v in zip(w1[j], x)) + b1[j]) for j in range(WIDTH)]
        e = sum(w2[j] * a[j] for j in range(WIDTH)) + t[-1] - y
        loss += 0.5 * e * e
        for j in range(WIDTH):
            d = w2[j] * (1 - a[j] ** 2) * e
            for c in range(dx):
                g[j * dx + c] += d * x[c]
            g[WIDTH * dx + j] += d
            g[WIDTH * dx + WIDTH + j] += a[j] * e
        g[-1] += e
    return loss, g


def solve(a, b):
    n = len(b)
    m = [a[i][:] + [b[i]] for i in range(n)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "iris-tanh.json"
    xs, ys = load("examples/data/iris.csv")
    dx = len(xs[0])
    random.seed(1)
    t = [random.gauss(0, 0.3) for _ in range(WIDTH * dx + 2 * WIDTH + 1)]
    for _ in range(20000):
        _, g = grad(t, xs, ys)
        t = [a - 2e-4 * b for a, b in zip(t, g)]
    for _ in range(8):
        h = 1e-6
        hess = []
        for i in range(len(t)):
            tp, tm = t[:], t[:]
            tp[i] += h
            tm[i] -= h
            gp, gm = grad(tp, xs, ys)[1], grad(tm, xs, ys)[1]
            hess.append([(u - v) / (2 * h) for u, v in zip(gp, gm)])
        hess = [[(hess[i][j] + hess[j][i]) / 2 for j in range(len(t))] for i in range(len(t))]
        step = solve(hess, [-v for v in grad(t, xs, ys)[1]])
        t = [a + b for a, b in zip(t, step)]
    loss, g = grad(t, xs, ys)
    print(f"loss {loss:.10f}, largest gradient entry {max(abs(v) for v in g):.2e}")
    with open(out, "w") as f:
        json.dump(dict(zip(names(dx), t)), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
