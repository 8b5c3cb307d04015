#!/usr/bin/env python3
"""Theorem 1 benchmark, peers side (issue 2). Run by benches/thm1.sh after `cargo bench --bench thm1`.

Times, on the same CSV files: python-flint's fmpq_mat solve of the normal equations (CSV text to
solution, and Gram product + solve alone), SymPy's exact solve of the same normal equations
(alone, and end to end: CSV text to SymPy rationals, normal equations formed in SymPy, solve), and
the whole `critcert thm1` run (process start, parse, solve, construction, certificate, check,
write). Reads critcert's kernel times from criterion's estimates and prints the ratios.
"""
import json, os, subprocess, sys, tempfile, time
from fractions import Fraction

import flint
import sympy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = [
    ("wine-178x13", os.path.join(ROOT, "examples/data/wine.csv")),
    ("synth-569x30", os.path.join(ROOT, "target/bench-data/synth-569x30.csv")),
    ("synth-2000x20", os.path.join(ROOT, "target/bench-data/synth-2000x20.csv")),
]
BIN = os.path.join(ROOT, "target/release/critcert")


def best(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def read_rows(path):
    with open(path) as fh:
        lines = [l for l in fh.read().splitlines() if l.strip()]
    return [[Fraction(v) for v in l.split(",")] for l in lines[1:]]


def flint_system(rows):
    xt = flint.fmpq_mat([[flint.fmpq(v.numerator, v.denominator) for v in r[:-1]] + [1] for r in rows])
    y = flint.fmpq_mat([[flint.fmpq(r[-1].numerator, r[-1].denominator)] for r in rows])
    return xt, y


def flint_gram_solve(xt, y):
    t = xt.transpose()
    return (t * xt).solve(t * y)


def flint_csv_to_solution(path):
    xt, y = flint_system(read_rows(path))
    return flint_gram_solve(xt, y)


def sympy_solve(rows):
    xt, y = flint_system(rows)
    t = xt.transpose()
    g, r = t * xt, t * y
    G = sympy.Matrix(g.nrows(), g.ncols(), lambda i, j: sympy.Rational(int(g[i, j].p), int(g[i, j].q)))
    R = sympy.Matrix(r.nrows(), 1, lambda i, j: sympy.Rational(int(r[i, 0].p), int(r[i, 0].q)))
    return lambda: G.LUsolve(R)


def sympy_csv_to_solution(path):
    """SymPy end to end: CSV text to exact rationals, the normal equations formed in SymPy, solved."""
    with open(path) as fh:
        lines = [l for l in fh.read().splitlines() if l.strip()]
    rows = [[sympy.Rational(v) for v in l.split(",")] for l in lines[1:]]
    xt = sympy.Matrix([r[:-1] + [sympy.Integer(1)] for r in rows])
    y = sympy.Matrix([[r[-1]] for r in rows])
    t = xt.T
    return (t * xt).LUsolve(t * y)


def criterion_ns(name):
    p = os.path.join(ROOT, "target/criterion/thm1", name, "new/estimates.json")
    if not os.path.exists(p):
        return None
    with open(p) as fh:
        return json.load(fh)["median"]["point_estimate"]


def main():
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    out = tempfile.mkdtemp()
    print(f"load average: {os.getloadavg()}")
    print(f"{'dataset':15} {'critcert e2e':>13} {'flint csv→sol':>14} {'ratio':>6} | {'critcert LS':>11} {'flint G+solve':>13} {'ratio':>6} | {'sympy solve':>11} {'sympy e2e':>10} {'e2e speed-up':>12} | {'GMP bareiss':>11} {'num-bigint':>10}")
    for name, path in DATA:
        if not os.path.exists(path):
            print(f"{name}: missing {path} (run cargo bench --bench thm1 first)")
            continue
        rows = read_rows(path)
        cert = os.path.join(out, name + ".json")
        ours = best(lambda: subprocess.run([BIN, "thm1", "--data", path, "--s-plus", "1", "--s-minus", "0", "--out", cert], check=True, capture_output=True), 5)
        fl_e2e = best(lambda: flint_csv_to_solution(path), 5)
        xt, y = flint_system(rows)
        fl_kernel = best(lambda: flint_gram_solve(xt, y), 10)
        sp = best(sympy_solve(rows), 2)
        sp_e2e = best(lambda: sympy_csv_to_solution(path), 1)
        ls = criterion_ns(f"least-squares-kernel_{name}")
        gmp = criterion_ns(f"bareiss-gmp_{name}")
        big = criterion_ns(f"bareiss-num-bigint_{name}")
        ms = lambda s: f"{s * 1e3:.2f} ms"
        lsms = f"{ls / 1e6:.2f} ms" if ls else "n/a"
        print(f"{name:15} {ms(ours):>13} {ms(fl_e2e):>14} {ours / fl_e2e:>6.2f} | {lsms:>11} {ms(fl_kernel):>13} {(ls / 1e9 / fl_kernel if ls else float('nan')):>6.2f} | {ms(sp):>11} {ms(sp_e2e):>10} {sp_e2e / ours:>11.0f}x | "
              f"{(f'{gmp / 1e6:.2f} ms' if gmp else 'n/a'):>11} {(f'{big / 1e6:.2f} ms' if big else 'n/a'):>10}")
    print("ratios: critcert/flint (lower is better); e2e speed-up = SymPy end to end (CSV text, normal equations and solve in SymPy) / whole critcert run")


if __name__ == "__main__":
    main()
