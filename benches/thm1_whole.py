#!/usr/bin/env python3
"""Theorem 1, whole processes (issue 12): `critcert thm1` and `critcert check` on synthetic CSVs,
side by side with python-flint going from the same CSV text to the exact least-squares solution,
each as its own process under `/usr/bin/time -f '%e %M'` (wall seconds, peak RSS).

    python3 benches/thm1_whole.py [20000x20 100000x50 1000000x20 ...] [--bin PATH [--legacy]] [--flint-skip MxD]

The CSVs are written to target/bench-data/synth-MxD.csv (if missing) with the generator of
benches/thm1.rs (xorshift, 6-digit decimals ±ddd.ddd). critcert runs with --data-ref (the
default above 1 MiB) and its certificate is then checked with `critcert check CERT --data FILE`.
Needs numpy (the generator) and python-flint (the peer); neither is a project dependency.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "target", "bench-data")


def synthetic_csv(path, m, dx):
    """The generator of benches/thm1.rs, vectorised: the same xorshift stream, row-major."""
    import numpy as np

    n = m * (dx + 1)
    out = np.empty(n, dtype=np.int64)
    state = 0x2545F4914F6CDD1D
    mask = (1 << 64) - 1
    # The xorshift is sequential; run it in Python in chunks (about 1 µs per value).
    for i in range(n):
        state ^= (state << 13) & mask
        state ^= state >> 7
        state ^= (state << 17) & mask
        out[i] = state % 1_999_999 - 999_999
    v = out.reshape(m, dx + 1)
    with open(path, "w") as f:
        f.write(",".join(f"x{j}" for j in range(1, dx + 1)) + ",y\n")
        for row in v:
            f.write(",".join(f"{'-' if x < 0 else ''}{abs(x) // 1000}.{abs(x) % 1000:03}" for x in row.tolist()) + "\n")


def flint_solve(path):
    """python-flint: CSV text to the exact least-squares solution (Fraction parsing, fmpq_mat
    normal equations), as benches/thm1_peers.py times it in process."""
    from fractions import Fraction

    import flint

    with open(path) as fh:
        lines = [l for l in fh.read().splitlines() if l.strip()]
    rows = [[Fraction(v) for v in l.split(",")] for l in lines[1:]]
    xt = flint.fmpq_mat([[flint.fmpq(v.numerator, v.denominator) for v in r[:-1]] + [1] for r in rows])
    y = flint.fmpq_mat([[flint.fmpq(r[-1].numerator, r[-1].denominator)] for r in rows])
    t = xt.transpose()
    return (t * xt).solve(t * y)


def timed(cmd):
    with tempfile.NamedTemporaryFile("r") as tf:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", tf.name] + cmd, capture_output=True, text=True)
        secs, kb = tf.read().split()[-2:]
    if p.returncode != 0:
        print(f"  {' '.join(cmd[:3])}…: exit {p.returncode}: {(p.stderr or p.stdout).strip()[:300]}")
    return float(secs), int(kb) * 1024, p.returncode


def main(argv):
    if len(argv) >= 2 and argv[0] == "--flint-solve":
        flint_solve(argv[1])
        return 0
    binary = os.path.join(ROOT, "target", "release", "critcert")
    if "--bin" in argv:
        binary = argv[argv.index("--bin") + 1]
    skip = {argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--flint-skip"}
    legacy = "--legacy" in argv  # a build before --data-ref: embedded data, check without --data
    skipped = {i + 1 for i, a in enumerate(argv) if a in ("--flint-skip", "--bin")}
    sizes = [a for i, a in enumerate(argv) if a[:1].isdigit() and "x" in a and i not in skipped] or ["20000x20", "100000x50"]
    os.makedirs(DATA, exist_ok=True)
    print(f"load average: {os.getloadavg()}; critcert: {binary}")
    print(f"{'data':12} {'CSV MB':>7} | {'thm1 s':>7} {'RSS MB':>7} {'×CSV':>5} {'cert KB':>8} | {'check s':>7} {'RSS MB':>7} | {'flint s':>7} {'RSS MB':>7} | {'thm1/flint':>10}")
    for size in sizes:
        m, dx = map(int, size.split("x"))
        path = os.path.join(DATA, f"synth-{m}x{dx}.csv")
        if not os.path.exists(path):
            synthetic_csv(path, m, dx)
        mb = os.path.getsize(path) / 1e6
        with tempfile.TemporaryDirectory() as tmp:
            cert = os.path.join(tmp, "cert.json")
            t1, r1, c1 = timed([binary, "thm1", "--data", path, "--s-plus", "1", "--s-minus", "0", "--out", cert] + ([] if legacy else ["--data-ref"]))
            size_kb = os.path.getsize(cert) / 1e3 if c1 == 0 else float("nan")
            t2, r2, _ = timed([binary, "check", cert] + ([] if legacy else ["--data", path])) if c1 == 0 else (float("nan"), 0, 1)
        if size in skip:
            t3, r3 = float("nan"), 0
        else:
            t3, r3, _ = timed([sys.executable, os.path.abspath(__file__), "--flint-solve", path])
        print(f"{size:12} {mb:7.1f} | {t1:7.2f} {r1 / 1e6:7.0f} {r1 / 1e6 / mb:5.1f} {size_kb:8.1f} | {t2:7.2f} {r2 / 1e6:7.0f} | {t3:7.2f} {r3 / 1e6:7.0f} | {t1 / t3:10.2f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
