#!/usr/bin/env python3
"""Peer benchmark: SymPy vs critcert on the full gradient and Hessian of the Theorem 2 loss.

Runs both in the same process run (the machine is shared; compare ratios, not absolutes):
  * SymPy: diff, then simplify, for the abstract h and for explicit sigmoid (the sigmoid
    simplify is capped by --cap seconds, default 60; it takes > 1000 s to finish);
  * critcert: the release binary `critcert derive ... --hessian --json` (wall time including
    process start-up; the criterion bench `cargo bench --bench derive` times the library call).
Operation counts: SymPy's count_ops on SymPy's simplified output and on critcert's output
(canonical sum of products, and factored), after renaming W1[i,j] -> W1_ij and h' -> h1.

Usage: python3 benches/derive_sympy.py [--cap SECONDS] [--reps N]
"""
import argparse, json, multiprocessing as mp, os, re, statistics, subprocess, sys, time

import sympy as sp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("CRITCERT_BIN", os.path.join(ROOT, "target", "release", "critcert"))
DATA = os.path.join(ROOT, "examples", "data", "theorem2.csv")
X = [(1, 0), (0, 1), (sp.Rational(1, 2), sp.Rational(1, 2))]
Y = [0, 0, 1]

W1 = [[sp.Symbol(f"W1_{i}{j}") for j in (1, 2)] for i in (1, 2)]
B1 = [sp.Symbol(f"b1_{i}") for i in (1, 2)]
W2 = [sp.Symbol(f"W2_1{k}") for k in (1, 2)]
B2 = sp.Symbol("b2_1")
PARAMS = [W1[0][0], W1[0][1], W1[1][0], W1[1][1], B1[0], B1[1], W2[0], W2[1], B2]
H = sp.Function("h")


def act(name):
    if name == "h":
        return H
    return lambda z: 1 / (1 + sp.exp(-z))


def loss(name):
    a = act(name)
    total = 0
    for (x1, x2), y in zip(X, Y):
        out = sum(W2[k] * a(W1[k][0] * x1 + W1[k][1] * x2 + B1[k]) for k in range(2)) + B2
        total += sp.Rational(1, 2) * (out - y) ** 2
    return total


def sympy_run(name, simplify, queue):
    t0 = time.perf_counter()
    L = loss(name)
    grad = [sp.diff(L, p) for p in PARAMS]
    hess = [sp.diff(grad[i], PARAMS[j]) for i in range(9) for j in range(i, 9)]
    t_diff = time.perf_counter() - t0
    if simplify:
        grad = [sp.simplify(g) for g in grad]
        hess = [sp.simplify(h) for h in hess]
    t_all = time.perf_counter() - t0
    queue.put({
        "diff_s": t_diff,
        "total_s": t_all,
        "ops_gradient": int(sum(sp.count_ops(g) for g in grad)),
        "ops_hessian": int(sum(sp.count_ops(h) for h in hess)),
        "hessian_entries": len(hess),
    })


def sympy_capped(name, simplify, cap):
    q = mp.Queue()
    p = mp.Process(target=sympy_run, args=(name, simplify, q))
    p.start()
    p.join(cap)
    if p.is_alive():
        p.terminate()
        p.join()
        return {"timed_out_after_s": cap}
    return q.get()


def to_sympy(text):
    t = re.sub(r"([Wb]\d)\[(\d+)(?:,(\d+))?\]", lambda m: f"{m.group(1)}_{m.group(2)}{m.group(3) or ''}", text)
    t = t.replace("h''(", "h2(").replace("h'(", "h1(").replace("^", "**")
    loc = {"h": H, "h1": sp.Function("h1"), "h2": sp.Function("h2"), "exp": sp.exp}
    return sp.sympify(t, locals=loc)


def ours(name, reps):
    cmd = [BIN, "derive", "--data", DATA, "--width", "2", "--activation", name, "--hessian", "--json"]
    times = []
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        times.append(time.perf_counter() - t0)
    j = json.loads(out)
    entries = j["gradient"] + j["hessian"]
    n_g = len(j["gradient"])
    canon = [int(sp.count_ops(to_sympy(e["expr"]))) for e in entries]
    fact = [int(sp.count_ops(to_sympy(e["factored"]))) for e in entries]
    return {
        "wall_s_median": statistics.median(times),
        "egraph": j["egraph"],
        "ops_gradient_sympy_count": sum(canon[:n_g]),
        "ops_hessian_sympy_count": sum(canon[n_g:]),
        "ops_gradient_factored_sympy_count": sum(fact[:n_g]),
        "ops_hessian_factored_sympy_count": sum(fact[n_g:]),
        "ops_own_count": j["operation_count"],
        "hessian_entries": len(j["hessian"]),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cap", type=float, default=60.0)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"build the release binary first: cargo build --release ({BIN} missing)")
    print(f"load: {os.getloadavg()}  sympy {sp.__version__}", flush=True)
    report = {}
    for name in ["h", "sigmoid"]:
        o = ours(name, a.reps)
        print(f"critcert {name}: {json.dumps(o)}", flush=True)
        s_diff = sympy_capped(name, False, a.cap)
        print(f"sympy {name} diff only: {json.dumps(s_diff)}", flush=True)
        s = sympy_capped(name, True, a.cap)
        print(f"sympy {name} diff+simplify (cap {a.cap} s): {json.dumps(s)}", flush=True)
        ratio = None
        if "total_s" in s:
            ratio = s["total_s"] / o["wall_s_median"]
            print(f"ratio sympy diff+simplify / critcert ({name}): {ratio:.1f}x", flush=True)
        else:
            print(f"ratio sympy diff+simplify / critcert ({name}): > {a.cap / o['wall_s_median']:.1f}x (SymPy capped)", flush=True)
        report[name] = {"critcert": o, "sympy_diff": s_diff, "sympy_simplify": s, "ratio": ratio}
    print(f"load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
