#!/usr/bin/env python3
"""Writes the inputs of `critcert paper`'s deep-linear cases with losses other than the squared
loss (examples/data/deep-linear/), from iris and the 4-point deep-linear data:

- logistic at W = 0: iris setosa (-1) vs versicolor (+1), 4 inputs, widths 4 -> 2 -> 1, all
  weights 0 (an exact saddle: sigma(0) = 1/2 makes G rational);
- cross-entropy on iris's two sepal inputs, 3 classes: the minimiser of the softmax loss found by
  Newton's method in floating point on the product R (last row fixed at 0: the gauge), then
  factored as W2 W1 with W2 = [[1,1,0],[0,1,1],[1,0,1]] and W1 = W2^-1 R in binary64 (the
  certificate reads those floats exactly and proves a global minimum within a distance delta);
- huber:1/10 on iris, petal width from the other three measurements: the exact Huber minimiser
  (the active set of clamped residuals found by iteration, then the linear optimality conditions
  solved in exact rationals), factored as W2 W1 with W2 = [2];
- formula (yhat - y)^2/2 - (yhat - y)^3/3 on the 4-point inputs with targets R0 x exactly
  (R0 = [[1, 2], [3, -1]]): zero residuals, where this non-convex loss has a local minimum;
- formula (yhat - y)^3/3 - (yhat - y) on the same inputs and weights with targets R0 x - 1 (first
  output) and R0 x + 1 (second): residuals +1 and -1, where f' = 0 and f'' = +2 and -2, so the
  network inherits a saddle of the loss.

Usage: python3 examples/deep_linear_losses.py   (needs numpy; rerunning reproduces the files)
"""

import csv
import json
import os
from fractions import Fraction as Fr

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data", "deep-linear")


def write_csv(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")


def write_weights(name, layers):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(layers, f)
        f.write("\n")


def iris():
    with open(os.path.join(HERE, "data", "iris.csv")) as f:
        rows = list(csv.reader(f))[1:]
    return [r[:4] for r in rows], [int(r[4]) for r in rows]


def logistic_zero():
    x, c = iris()
    keep = [i for i in range(len(c)) if c[i] in (0, 1)]
    write_csv("iris-2class-x.csv", ["sepal_length", "sepal_width", "petal_length", "petal_width"], [x[i] for i in keep])
    write_csv("iris-2class-y.csv", ["label"], [[1 if c[i] == 1 else -1] for i in keep])
    write_weights("logistic-zero-saddle-weights.json", [[[0] * 4] * 2, [[0] * 2]])


def cross_entropy():
    x, c = iris()
    xs = [[r[0], r[1]] for r in x]
    write_csv("iris-sepal-x.csv", ["sepal_length", "sepal_width"], xs)
    write_csv("iris-onehot-y.csv", ["setosa", "versicolor", "virginica"], [[int(k == ci) for k in range(3)] for ci in c])
    X = np.array([[float(v) for v in r] for r in xs])
    Y = np.array([[float(k == ci) for k in range(3)] for ci in c])
    n, d = X.shape
    R = np.zeros((2, d))
    for _ in range(100):
        Z = np.hstack([X @ R.T, np.zeros((n, 1))])
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        g = ((P - Y)[:, :2].T @ X).ravel()
        H = np.zeros((2 * d, 2 * d))
        for i in range(n):
            p = P[i, :2]
            H += np.kron(np.diag(p) - np.outer(p, p), np.outer(X[i], X[i]))
        R -= np.linalg.solve(H, g).reshape(2, d)
    R = np.vstack([R, np.zeros((1, d))])
    W2 = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])
    W1 = np.linalg.solve(W2, R)
    write_weights("iris-cross-entropy-weights.json", [[[float(v) for v in row] for row in W1], W2.astype(int).tolist()])


def huber(delta=Fr(1, 10)):
    raw, _ = iris()
    x = [[Fr(v) for v in r[:3]] for r in raw]
    y = [[Fr(r[3])] for r in raw]
    write_csv("iris-3-x.csv", ["sepal_length", "sepal_width", "petal_length"], [r[:3] for r in raw])
    write_csv("iris-petal-width-y.csv", ["petal_width"], [[r[3]] for r in raw])
    dx, dy = len(x[0]), len(y[0])

    def solve(a, b):  # exact Gauss-Jordan
        n = len(a)
        m = [row[:] + [b[i]] for i, row in enumerate(a)]
        for col in range(n):
            p = next(i for i in range(col, n) if m[i][col] != 0)
            m[col], m[p] = m[p], m[col]
            for i in range(n):
                if i != col and m[i][col] != 0:
                    f = m[i][col] / m[col][col]
                    m[i] = [u - f * v for u, v in zip(m[i], m[col])]
        return [m[i][n] / m[i][i] for i in range(n)]

    rows = []
    for k in range(dy):
        clamp = {}  # point -> sign of a clamped residual
        for _ in range(20):
            inl = [i for i in range(len(x)) if i not in clamp]
            a = [[sum(x[i][p] * x[i][q] for i in inl) for q in range(dx)] for p in range(dx)]
            b = [sum(y[i][k] * x[i][p] for i in inl) - delta * sum(s * x[i][p] for i, s in clamp.items()) for p in range(dx)]
            r = solve(a, b)
            res = [sum(r[p] * x[i][p] for p in range(dx)) - y[i][k] for i in range(len(x))]
            new = {i: (1 if res[i] > 0 else -1) for i in range(len(x)) if abs(res[i]) > delta}
            if new == clamp:
                break
            clamp = new
        assert all((abs(res[i]) <= delta) == (i not in clamp) for i in range(len(x)))
        rows.append(r)
    print(f"huber: {len(clamp)} of {len(x)} residuals clamped at ±{delta}")
    write_weights("huber-global-minimum-weights.json", [[[str(v / 2) for v in row] for row in rows], [["2"]]])


def formula():
    with open(os.path.join(OUT, "x.csv")) as f:
        x = [[int(v) for v in r] for r in list(csv.reader(f))[1:]]
    r0 = [[1, 2], [3, -1]]
    write_csv("realizable-y.csv", ["y1", "y2"], [[sum(r0[k][p] * xi[p] for p in range(2)) for k in range(2)] for xi in x])
    write_weights("formula-local-minimum-weights.json", [r0, [[1, 0], [0, 1]]])
    write_csv("saddle-y.csv", ["y1", "y2"], [[sum(r0[0][p] * xi[p] for p in range(2)) - 1, sum(r0[1][p] * xi[p] for p in range(2)) + 1] for xi in x])
    write_weights("formula-inherited-saddle-weights.json", [r0, [[1, 0], [0, 1]]])


if __name__ == "__main__":
    logistic_zero()
    cross_entropy()
    huber()
    formula()
