#!/usr/bin/env python3
"""Cross-checker tamper suite: every committed certificate, tampered, through BOTH checkers.

For every certificate under proofs/ (find proofs -name '*.json') it applies a named list of
changes and runs the Rust checker and the independent Python checker (proofs/check_flint.py) on
each result:

  claim-breaking changes (each makes a claim of the certificate false, or its stated argument
  impossible to carry out) -- both checkers must REJECT (exit 1 or 2; never 0, never an
  internal error, panic or timeout): a changed data value, a larger radius, a changed witness
  number, a wrong Hessian inertia, a changed activation, a changed formula, a bracket without a
  sign change, a minimum claimed at a saddle, a wrong verdict, swapped curves, a duplicated key,
  a null optional field, an unknown field, a non-canonical number, a number longer than
  1,000,000 characters, and hostile certificates (formulas with poles, overflow, 0·huge,
  exp(exp(exp(x))), a root of C2.1 where D = 0; named activations overflowing MPFR over a wide
  bracket);
  harmless changes -- both checkers must ACCEPT: keys reordered, whitespace, a smaller radius,
  a higher precision, v4 given as a bracketed root of C2.1, a 1,000,000-character number.

  critical-point (every certificate of the kind under proofs/, and any given with --point
  FILE; none present: a message, and the cases are skipped) -- reject: a radius 1000 times
  larger, a changed point entry, a changed or missing teacher (gaussian-relu) or data value
  (mlp), loss_lower raised to loss_upper (above the true value), loss_upper lowered to
  loss_lower, the verdict changed to saddle with a direction, a shift above the largest
  Hessian diagonal entry (so above λ_min) or 0, the spurious claim removed, loss_lower = 0 for
  a spurious claim, a field of another verdict (a direction in a minimum, a radius in a
  not-critical certificate), a duplicated witness.radius key, unknown fields in problem and
  problem.point, a null radius; for a not-critical certificate, the verdict changed to
  strict-local-minimum; for a saddle, the verdict changed to strict-local-minimum (with a
  shift), a zero direction, a coordinate direction of positive curvature, a shift; accept: a
  higher precision, (saddle) the direction scaled by −3.

  deep-linear-critical-point with a loss other than the squared loss (every such certificate
  under proofs/, and any given with --deep-linear FILE) -- reject: near-global-minimum with the
  distance ÷10, sigma_min_bound ×10, the radius ÷10^6, a moved point, presented as a saddle;
  local-minimum/maximum with ε ×1000, the radius ×2^20, a norm bound 0 for a nonzero layer,
  minimum and maximum swapped, presented as a global minimum; a saddle presented as a global
  minimum or given a curve; a global minimum presented as not critical, a non-critical point as
  a saddle; a label flipped or not ±1 (logistic), a target that is no probability vector or
  moved to another class (cross-entropy), a target + 1 (huber, formula); the loss renamed
  (logistic ↔ cross-entropy, huber:0, huber:−1, a smaller δ, a formula + yhat or in x, hinge);
  a field of another verdict; a null field -- accept: near-global-minimum with the radius ÷2
  or presented as not critical (it is not exactly critical), a local optimum with ε ÷2.

Usage:
    python3 proofs/tamper_both.py [-v] [-k SUBSTRING] [--point CERT.json ...] [--deep-linear CERT.json ...]
    CRITCERT_CHECK="target/debug/critcert-check" python3 proofs/tamper_both.py

The Rust checker is the command in the environment variable CRITCERT_CHECK (split like a shell
command; the certificate's path is appended), by default `target/release/critcert check`; the
Python one is `python3 proofs/check_flint.py`. Exit codes: 0 accepted, 1 rejected, 2 input
error; anything else (3, a panic's 101, a signal) or a timeout is an error. Prints one line per
failing case (every case with -v) and a summary "N passed, M failed"; exit 0 iff none failed.
Needs the standard library and python-flint (through check_flint.py, for the claim lists and
the exact Hessian of the constructed saddles).
"""

import copy
import json
import os
import shlex
import subprocess
import sys
import tempfile
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import check_flint as cf  # noqa: E402

TIMEOUT = 300  # seconds per checker run
MAX_NUMBER_CHARS = cf.MAX_NUMBER_CHARS


def F(s):
    return Fraction(s)


def S(q):
    return str(Fraction(q))


def dumps(c):
    return json.dumps(c, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Changes. Each returns a list of (name, expectation, certificate text); expectation "reject"
# (claim-breaking) or "accept" (harmless).

def reorder_keys(v):
    if isinstance(v, dict):
        return {k: reorder_keys(v[k]) for k in reversed(list(v))}
    if isinstance(v, list):
        return [reorder_keys(x) for x in v]
    return v


def first_rational_path(v, path=()):
    """The path of the first canonical rational string in v (depth first)."""
    if isinstance(v, str):
        try:
            cf.rational("x", v)
            return path
        except cf.Rejected:
            return None
    items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
    for k, x in items:
        p = first_rational_path(x, path + (k,))
        if p is not None:
            return p
    return None


def get(v, path):
    for k in path:
        v = v[k]
    return v


def put(v, path, x):
    for k in path[:-1]:
        v = v[k]
    v[path[-1]] = x


def noncanonical(s):
    q = Fraction(s)
    if q.denominator > 1:
        return f"{2 * q.numerator}/{2 * q.denominator}"
    return f"{q.numerator}/1"


def generic_changes(c):
    out = [
        ("keys-reordered", "accept", dumps(reorder_keys(c))),
        ("whitespace", "accept", " \n" + json.dumps(c, separators=(" ,\r\n\t", "\t:  "), ensure_ascii=False) + "\n\n"),
    ]
    body = json.dumps(c, ensure_ascii=False)
    out.append(("duplicated-key", "reject", '{"critcert": 1, ' + body[1:]))
    w = copy.deepcopy(c)
    w["witness"]["note"] = "1"
    out.append(("unknown-field", "reject", dumps(w)))
    path = first_rational_path(c["witness"])
    if path is not None:
        w = copy.deepcopy(c)
        put(w["witness"], path, noncanonical(get(c["witness"], path)))
        out.append(("non-canonical-number", "reject", dumps(w)))
    return out


def with_null(c, where, key):
    w = copy.deepcopy(c)
    get(w, where)[key] = None
    return ("null-optional-field", "reject", dumps(w))


# Theorem 1 ------------------------------------------------------------------------------------

def thm1_changes(c):
    out = []
    w = copy.deepcopy(c)
    w["problem"]["data"]["y"][0] = S(F(c["problem"]["data"]["y"][0]) + 1)
    out.append(("data-value", "reject", dumps(w)))  # the normal equations fail
    # The largest radius the region claim allows is μ/(1 + max‖x‖₁); twice it breaks the claim.
    X = [[F(s) for s in row] for row in c["problem"]["data"]["x"]]
    m = c["witness"]["minimum"]
    W1 = [[F(s) for s in row] for row in m["W1"]]
    b1 = [F(s) for s in m["b1"]]
    mu = min(sum(a * b for a, b in zip(row, x)) + bk for row, bk in zip(W1, b1) for x in X)
    rho_max = mu / (1 + max(sum(abs(t) for t in x) for x in X))
    w = copy.deepcopy(c)
    w["witness"]["radius"] = S(2 * rho_max)
    out.append(("larger-radius", "reject", dumps(w)))
    w = copy.deepcopy(c)
    w["witness"]["radius"] = S(F(c["witness"]["radius"]) / 2)
    out.append(("smaller-radius", "accept", dumps(w)))
    w = copy.deepcopy(c)
    w["witness"]["minimum"]["b2"][0] = S(F(m["b2"][0]) + 1)
    out.append(("witness-number", "reject", dumps(w)))  # the minimum's output moves by 1
    w = copy.deepcopy(c)
    w["problem"]["activation"]["s_plus"] = S(2 * F(c["problem"]["activation"]["s_plus"]))
    out.append(("activation", "reject", dumps(w)))  # the minimum's output changes
    if "tie_break" not in c["witness"]["construction"]:
        out.append(with_null(c, ("witness", "construction"), "tie_break"))
    return out


# Theorem 2 ------------------------------------------------------------------------------------

def thm2_claims(relu_like, root, hessian):
    return [{"id": i, "statement": s} for i, s in cf.thm2_claims(relu_like, root, hessian)]


def is_relu(c):
    return c["problem"]["activation"]["name"] == "relu-like"


def reclaim(c):
    w = c["witness"]
    c["claims"] = thm2_claims(is_relu(c), isinstance(w["zero_loss"]["v"][3], dict) and "solve" in w["zero_loss"]["v"][3],
                                "hessian_inertia" in w)
    return c


# A bracket [a, b] around the root of C2.1 (harmless: a sign change and D ≠ 0 over it) and one
# beside it (no sign change), per committed certificate whose v4 is such a root.
BRACKETS = {
    "arctan.json": (["-1/64", "1/64"], ["1/4", "1/2"]),
    "tanh.json": (["-1/64", "1/64"], ["1/4", "1/2"]),
    "gelu.json": (["-1/64", "1/64"], ["1/4", "1/2"]),
    "silu.json": (["-1/64", "1/64"], ["1/4", "1/2"]),
    "mish.json": (["-1/64", "1/64"], ["1/4", "1/2"]),
    "elu.json": (["-1/64", "1/64"], ["1/4", "1/2"]),
    "selu.json": (["-1/64", "1/64"], ["1/4", "1/2"]),
    "softsign.json": (["-1/64", "1/64"], ["1/4", "1/2"]),
    "quadratic.json": (["1/2", "3/2"], ["3/2", "2"]),
    "sigmoid.json": (["-13/25", "-1/2"], ["-1/2", "0"]),
    "softplus.json": (["27/10", "11/4"], ["11/4", "3"]),
    "leaky-relu.json": (["0", "1/50"], ["1/50", "1"]),
    "relu.json": (None, ["-1/2", "1/2"]),  # relu(x) = 0 on x ≤ 0: no strict sign change
}


def bump_v4(v4):
    """v4 + 2 (or ln q → ln(q + 2)): makes C2.1 false for every committed certificate."""
    if isinstance(v4, str):
        return S(F(v4) + 2)
    v = dict(v4)
    v["ln"] = S(F(v4["ln"]) + 2)
    return v


def thm2_changes(c, base):
    out = []
    w = copy.deepcopy(c)
    w["problem"]["data"]["y"][2] = "2"
    out.append(("data-value", "reject", dumps(w)))
    rho = F(c["witness"]["radius"])
    w = copy.deepcopy(c)
    w["witness"]["radius"] = S(2 * rho)
    out.append(("larger-radius", "reject", dumps(w)))
    w = copy.deepcopy(c)
    w["witness"]["radius"] = S(rho / 2)
    out.append(("smaller-radius", "accept", dumps(w)))
    w = copy.deepcopy(c)
    w["witness"]["precision"] = 256
    out.append(("higher-precision", "accept", dumps(w)))
    w = copy.deepcopy(c)
    w["witness"]["zero_loss"]["v"][3] = bump_v4(c["witness"]["zero_loss"]["v"][3])
    out.append(("witness-number", "reject", dumps(w)))  # C2.1 becomes false
    if "hessian_inertia" in c["witness"]:
        w = copy.deepcopy(c)
        n = c["witness"]["hessian_inertia"]
        w["witness"]["hessian_inertia"] = [n[0] + 1, n[1] - 1, n[2]]
        out.append(("wrong-inertia", "reject", dumps(w)))
        w = copy.deepcopy(c)
        w["problem"]["activation"]["formula" if is_relu(c) else "s_plus"] = None
        out.append(("null-optional-field", "reject", dumps(w)))
    else:
        out.append(with_null(c, ("witness",), "hessian_inertia"))
    # Another activation: sigmoid (tanh for the sigmoid certificate) makes C2.1 false at v.
    w = copy.deepcopy(c)
    w["problem"]["activation"] = {"name": "tanh" if base == "sigmoid.json" else "sigmoid"}
    out.append(("activation", "reject", dumps(reclaim(w))))
    if c["problem"]["activation"]["name"] == "formula":
        w = copy.deepcopy(c)
        w["problem"]["activation"]["formula"] += " + 1"
        out.append(("formula", "reject", dumps(w)))  # h(0) = 1: C2.1 becomes false
    good, bad = BRACKETS.get(base, (None, None))
    for br, name, expect in ((good, "bracketed-root", "accept"), (bad, "bracket-without-sign-change", "reject")):
        if br is not None:
            w = copy.deepcopy(c)
            w["witness"]["zero_loss"]["v"][3] = {"solve": "C2.1", "bracket": br}
            out.append((name, expect, dumps(reclaim(w))))
    if base == "relu.json":
        # Numbers of any length: a 1,000,000-character radius is read like any other, one of
        # 1,000,001 characters is refused (the bound both checkers share).
        for chars, expect in ((MAX_NUMBER_CHARS, "accept"), (MAX_NUMBER_CHARS + 1, "reject")):
            w = copy.deepcopy(c)
            w["witness"]["radius"] = "1/1" + "0" * (chars - 3)
            assert len(w["witness"]["radius"]) == chars
            out.append((f"number-of-{chars}-characters", expect, dumps(w)))
    return out


# Theorem 4 ------------------------------------------------------------------------------------

def dl_claims(verdict, strict, loss=cf.SQUARED):
    return [{"id": i, "statement": s} for i, s in cf.thm4_claims(verdict, strict, loss)]


DL_FIELDS = ("radius", "sigma_min_bound", "distance", "norm_bounds", "epsilon", "product_descent_direction",
             "product_ascent_direction")


def dl_as(c, verdict, **fields):
    """c presented as another verdict: the new verdict's fields only, its canonical claims."""
    w = copy.deepcopy(c)
    for k in DL_FIELDS:
        w["witness"].pop(k, None)
    w["witness"]["verdict"] = verdict
    w["witness"].update(fields)
    w["claims"] = dl_claims(verdict, False, c["problem"]["loss"])
    return w


def thm4_loss_changes(c):
    """A deep-linear certificate whose loss is not the squared loss (MATH §6)."""
    out = []
    w0, loss = c["witness"], c["problem"]["loss"]
    verdict = w0["verdict"]

    def scaled(key, by):
        w = copy.deepcopy(c)
        w["witness"][key] = S(F(w0[key]) * by)
        return dumps(w)

    def changed(f):
        w = copy.deepcopy(c)
        f(w)
        return dumps(w)

    if verdict == "near-global-minimum":
        out.append(("distance-div-10", "reject", scaled("distance", Fraction(1, 10))))  # δ²s² < factor·r²
        out.append(("sigma-min-bound-x10", "reject", scaled("sigma_min_bound", 10)))  # AAᵀ − s²I not ≻ 0
        out.append(("radius-div-10^6", "reject", scaled("radius", Fraction(1, 10 ** 6))))  # R* outside the box
        out.append(("radius-div-2", "accept", scaled("radius", Fraction(1, 2))))  # still a unique zero; δ follows
        out.append(("field-of-another-verdict: epsilon", "reject", changed(lambda w: w["witness"].update(epsilon="1"))))
        out.append(with_null(c, ("witness",), "radius"))
        out.append(("near-minimum-presented-as-saddle", "reject", dumps(dl_as(c, "saddle"))))  # not exactly critical
        # Not exactly critical: some layer-gradient enclosure excludes 0 (true, as the Rust test says).
        out.append(("near-minimum-presented-as-not-critical", "accept", dumps(dl_as(c, "not-critical"))))
        out.append(("point-moved", "reject", changed(lambda w: put(w["witness"]["point"], (0, 0, 0), "1"))))
    if verdict in ("local-minimum", "local-maximum"):
        other = "local-maximum" if verdict == "local-minimum" else "local-minimum"
        out.append(("epsilon-x1000", "reject", scaled("epsilon", 1000)))  # Π(n + ε) − Π n > r
        out.append(("epsilon-div-2", "accept", scaled("epsilon", Fraction(1, 2))))
        out.append(("radius-x2^20", "reject", scaled("radius", 2 ** 20)))  # f'' changes sign over the box
        for j, layer in enumerate(w0["point"]):
            if any(F(x) != 0 for row in layer for x in row):
                out.append((f"norm-bound-{j + 1}-zero", "reject",
                            changed(lambda w, j=j: w["witness"]["norm_bounds"].__setitem__(j, "0"))))
        out.append((f"{verdict}-presented-as-{other}", "reject",
                    dumps(dl_as(c, other, **{k: w0[k] for k in ("radius", "norm_bounds", "epsilon")}))))
        out.append(("presented-as-global-minimum", "reject", dumps(dl_as(c, "global-minimum"))))  # not convex
        out.append(("field-of-another-verdict: distance", "reject", changed(lambda w: w["witness"].update(distance="1"))))
        out.append(with_null(c, ("witness",), "epsilon"))
    if verdict in ("saddle", "global-minimum", "not-critical"):
        out.append(("field-of-another-verdict: radius", "reject", changed(lambda w: w["witness"].update(radius="1"))))
    if verdict == "saddle" and "product_descent_direction" in w0:
        # A saddle inherited from a formula loss at ∇ℓ0 = 0 (MATH §3.6).
        def swap(w):
            w["witness"]["product_descent_direction"], w["witness"]["product_ascent_direction"] = \
                w0["product_ascent_direction"], w0["product_descent_direction"]
        out.append(("product-directions-swapped", "reject", changed(swap)))
        out.append(("product-descent-direction-zero", "reject", changed(lambda w: w["witness"].update(
            product_descent_direction=[["0"] * len(r) for r in w0["product_descent_direction"]]))))
        out.append(("product-ascent-direction-halved", "accept", changed(lambda w: w["witness"].update(
            product_ascent_direction=[[S(F(x) / 2) for x in r] for r in w0["product_ascent_direction"]]))))
        out.append(("target-changed", "reject", changed(lambda w: put(w["problem"]["Y"], (0, 0), S(F(c["problem"]["Y"][0][0]) + 1)))))
        out.append(with_null(c, ("witness",), "product_ascent_direction"))
    if verdict == "saddle":
        out.append(("saddle-presented-as-global-minimum", "reject", dumps(dl_as(c, "global-minimum"))))  # ∇ℓ0 ≠ 0
        out.append(("curve-in-a-saddle-of-another-loss", "reject",
                    changed(lambda w: w["witness"].update(descent_curve=[[] for _ in w0["point"]]))))
    if verdict == "global-minimum":
        out.append(("global-minimum-presented-as-not-critical", "reject", dumps(dl_as(c, "not-critical"))))
    if verdict == "not-critical":
        out.append(("not-critical-presented-as-saddle", "reject", dumps(dl_as(c, "saddle"))))  # a gradient ≠ 0
    # The targets.
    Y = c["problem"]["Y"]
    if loss == "logistic":
        out.append(("label-not-pm1", "reject", changed(lambda w: put(w["problem"]["Y"], (0, 0), "0"))))
        if verdict in ("near-global-minimum", "global-minimum"):
            # The minimum moves (global-minimum at W = 0: ∇ℓ0 = −½Σ y_i x_i changes by y_i x_i ≠ 0).
            i = 2 if verdict == "near-global-minimum" else next(i for i in range(len(Y[0])) if any(F(r[i]) != 0 for r in c["problem"]["X"]))
            out.append((f"label-{i + 1}-flipped", "reject", changed(lambda w: put(w["problem"]["Y"], (0, i), S(-F(Y[0][i]))))))
    elif loss == "cross-entropy":
        out.append(("target-not-probability", "reject", changed(lambda w: put(w["problem"]["Y"], (0, 0), "2"))))
        if verdict == "near-global-minimum":
            col = [F(r[0]) for r in Y]  # a one-hot (or probability) column: move its mass to another class
            k = max(range(len(col)), key=lambda k: col[k])
            rolled = col[-1:] + col[:-1] if col[k] != 0 else col
            out.append(("target-moved-to-another-class", "reject",
                        changed(lambda w: [put(w["problem"]["Y"], (kk, 0), S(v)) for kk, v in enumerate(rolled)])))
    elif verdict in ("global-minimum", "local-minimum", "local-maximum"):
        # huber (residuals within δ) or a formula: a target + 1 makes ∇ℓ0 ≠ 0.
        out.append(("target-changed", "reject", changed(lambda w: put(w["problem"]["Y"], (0, 0), S(F(Y[0][0]) + 1)))))
    # The loss's name.
    if loss == "logistic":
        out.append(("loss-logistic-to-cross-entropy", "reject", changed(lambda w: w["problem"].update(loss="cross-entropy"))))
    elif loss == "cross-entropy":
        out.append(("loss-cross-entropy-to-logistic", "reject", changed(lambda w: w["problem"].update(loss="logistic"))))
    elif loss.startswith("huber:"):
        out.append(("loss-huber-0", "reject", changed(lambda w: w["problem"].update(loss="huber:0"))))
        out.append(("loss-huber-negative", "reject", changed(lambda w: w["problem"].update(loss="huber:-1"))))
        if verdict == "global-minimum":  # with δ = 1/1000 some residual is clamped: ∇ℓ0 ≠ 0
            out.append(("loss-huber-smaller-delta", "reject", changed(lambda w: w["problem"].update(loss="huber:1/1000"))))
    elif loss.startswith("formula:"):
        out.append(("loss-formula-plus-yhat", "reject", changed(lambda w: w["problem"].update(loss=loss + " + yhat"))))  # f' + 1
        out.append(("loss-formula-with-x", "reject", changed(lambda w: w["problem"].update(loss=loss.replace("yhat", "x")))))
    out.append(("loss-hinge", "reject", changed(lambda w: w["problem"].update(loss="hinge"))))
    return out


def thm4_changes(c):
    if c["problem"]["loss"] != cf.SQUARED:
        return thm4_loss_changes(c)
    out = []
    w0 = c["witness"]
    verdict = w0["verdict"]
    zero_point = all(F(s) == 0 for layer in w0["point"] for row in layer for s in row)
    if verdict == "global-minimum":
        X = c["problem"]["X"]
        assert any(F(s) != 0 for s in (row[0] for row in X)), "column 0 of X is zero"
        w = copy.deepcopy(c)
        w["problem"]["Y"][0][0] = S(F(c["problem"]["Y"][0][0]) + 1)
        out.append(("data-value", "reject", dumps(w)))  # ∇ℓ0 becomes −e₁X[:,1]ᵀ ≠ 0
        w = copy.deepcopy(c)
        w["witness"]["verdict"] = "not-critical"
        w["claims"] = dl_claims("not-critical", False)
        out.append(("wrong-verdict", "reject", dumps(w)))  # every gradient is exactly 0
        out.append(with_null(c, ("witness",), "descent_curve"))
    if verdict == "saddle":
        assert zero_point
        w = copy.deepcopy(c)
        w["problem"]["Y"] = [["0"] * len(row) for row in c["problem"]["Y"]]
        out.append(("data-value", "reject", dumps(w)))  # at W = 0, ∇ℓ0 = −YXᵀ = 0
        w = copy.deepcopy(c)
        w["witness"] = {"verdict": "global-minimum", "point": w0["point"]}
        w["claims"] = dl_claims("global-minimum", False)
        out.append(("minimum-claimed-at-saddle", "reject", dumps(w)))  # ∇ℓ0 ≠ 0 was shown
        w = copy.deepcopy(c)
        w["witness"]["descent_curve"], w["witness"]["ascent_curve"] = w0["ascent_curve"], w0["descent_curve"]
        out.append(("curves-swapped", "reject", dumps(w)))
        if "negative_curvature_direction" in w0:
            w = copy.deepcopy(c)
            w["witness"]["negative_curvature_direction"] = [[["0"] * len(r) for r in layer] for layer in w0["negative_curvature_direction"]]
            out.append(("witness-number", "reject", dumps(w)))  # Vᵀ∇²ℓV = 0 for V = 0
        else:
            out.append(with_null(c, ("witness",), "negative_curvature_direction"))
    return out


# critical-point ---------------------------------------------------------------------------------

def point_claims(verdict, spurious):
    return [{"id": i, "statement": s} for i, s in cf.point_claims(verdict, spurious)]


def point_reclaim(c):
    v = c["witness"]["verdict"]
    c["claims"] = point_claims(v, cf.point_claims_spurious(c["problem"], v))
    return c


def point_hessian_diagonal_max(c):
    """The largest diagonal entry of the Hessian at θ̃ (enclosed over a box of radius 2⁻²⁰⁰,
    upper ends): λ_min ≤ every diagonal entry, so a shift above this is above λ_min."""
    model, theta = cf.point_model(c["problem"])
    ev = cf.gauss_eval if isinstance(model, cf._Gauss) else cf.mlp_eval
    with cf.Prec(128):
        _, _, H = ev(model, theta, cf.Q(1, 2 ** 200), 2)
        return max(Fraction(str(cf.arb_to_q(H[a][a].hi))) for a in range(len(H)))


def point_changes(c):
    out = []
    w0 = c["witness"]
    verdict = w0["verdict"]
    gauss = c["problem"]["model"] == "gaussian-relu"
    if verdict == "not-critical":
        # θ̃ is not critical: no box around it holds a minimum or a saddle of the claimed kind.
        w = copy.deepcopy(c)
        w["witness"] = {"verdict": "strict-local-minimum", "precision": w0["precision"], "radius": "1/1000",
                        "shift": "1/1000", "loss_lower": "0", "loss_upper": "1000000"}
        out.append(("wrong-verdict: strict-local-minimum", "reject", dumps(point_reclaim(w))))
        w = copy.deepcopy(c)
        w["witness"]["radius"] = "1/1000"
        out.append(("field-of-another-verdict: radius", "reject", dumps(w)))
        return out
    r = F(w0["radius"])
    w = copy.deepcopy(c)
    w["witness"]["radius"] = S(1000 * r)
    out.append(("larger-radius-x1000", "reject", dumps(w)))
    w = copy.deepcopy(c)
    w["witness"]["precision"] = 256
    out.append(("higher-precision", "accept", dumps(w)))
    w = copy.deepcopy(c)
    name = sorted(c["problem"]["point"])[0]
    w["problem"]["point"][name][0][0] = S(F(c["problem"]["point"][name][0][0]) + Fraction(1, 100))
    out.append(("point-entry", "reject", dumps(w)))  # the gradient at θ̃ is no longer small
    if gauss:
        w = copy.deepcopy(c)
        t0 = c["problem"]["teachers"][0]
        w["problem"]["teachers"][0] = [S(2 * F(x)) for x in t0]
        out.append(("teacher", "reject", dumps(w)))  # θ̃ is no longer near a critical point
        w = copy.deepcopy(c)
        del w["problem"]["teachers"]
        out.append(("teachers-missing", "reject", dumps(w)))
    else:
        w = copy.deepcopy(c)
        w["problem"]["Y"][0][0] = S(F(c["problem"]["Y"][0][0]) + 1)
        out.append(("data-value", "reject", dumps(w)))
    w = copy.deepcopy(c)
    w["witness"]["loss_lower"] = w0["loss_upper"]  # above ℓ(θ*), which is < loss_upper
    out.append(("loss-lower-above-the-value", "reject", dumps(w)))
    w = copy.deepcopy(c)
    w["witness"]["loss_upper"] = w0["loss_lower"]
    out.append(("loss-upper-below-the-value", "reject", dumps(w)))
    if verdict == "strict-local-minimum":
        p = len(cf.point_model(c["problem"])[1])
        w = copy.deepcopy(c)
        ws = {k: v for k, v in w0.items() if k != "shift"}
        ws["verdict"] = "saddle"
        ws["direction"] = ["1"] + ["0"] * (p - 1)
        w["witness"] = ws
        out.append(("wrong-verdict: saddle with a direction", "reject", dumps(point_reclaim(w))))
        w = copy.deepcopy(c)
        w["witness"]["shift"] = S(point_hessian_diagonal_max(c) + Fraction(1, 1000))
        out.append(("shift-above-lambda-min", "reject", dumps(w)))
        w = copy.deepcopy(c)
        w["witness"]["shift"] = "0"
        out.append(("shift-zero", "reject", dumps(w)))
        w = copy.deepcopy(c)
        w["witness"]["direction"] = ["1"] + ["0"] * (p - 1)
        out.append(("field-of-another-verdict: direction", "reject", dumps(w)))
        if any(x["id"] == "spurious" for x in c["claims"]):
            w = copy.deepcopy(c)
            w["claims"] = [x for x in c["claims"] if x["id"] != "spurious"]
            out.append(("spurious-claim-removed", "reject", dumps(w)))
            w = copy.deepcopy(c)
            w["witness"]["loss_lower"] = "0"
            out.append(("spurious-with-loss-lower-0", "reject", dumps(w)))
    if verdict == "saddle":
        p = len(cf.point_model(c["problem"])[1])
        # The false claim: the saddle presented as a strict local minimum (the Hessian has a
        # negative eigenvalue over the box, so no positive shift makes it positive definite).
        w = copy.deepcopy(c)
        ws = {k: v for k, v in w0.items() if k != "direction"}
        ws["verdict"] = "strict-local-minimum"
        ws["shift"] = "1/1000000"
        w["witness"] = ws
        out.append(("wrong-verdict: strict-local-minimum", "reject", dumps(point_reclaim(w))))
        w = copy.deepcopy(c)
        w["witness"]["direction"] = ["0"] * p
        out.append(("direction-zero", "reject", dumps(w)))
        w = copy.deepcopy(c)
        w["witness"]["direction"] = ["1"] + ["0"] * (p - 1)  # a coordinate: ∇²ℓ(B)_11 > 0 here
        out.append(("direction-of-positive-curvature", "reject", dumps(w)))
        w = copy.deepcopy(c)
        w["witness"]["shift"] = "1/1000"
        out.append(("field-of-another-verdict: shift", "reject", dumps(w)))
        w = copy.deepcopy(c)
        w["witness"]["direction"] = [S(-3 * F(x)) for x in w0["direction"]]
        out.append(("direction-scaled-by-minus-3", "accept", dumps(w)))
    # A duplicate key inside the witness: the second radius is 1000 times larger.
    body = json.dumps(c, ensure_ascii=False)
    dup = f'"witness": {{"radius": "{S(1000 * r)}", '
    assert body.count('"witness": {') == 1
    out.append(("duplicated-key: witness.radius", "reject", body.replace('"witness": {', dup)))
    w = copy.deepcopy(c)
    w["problem"]["point"]["extra"] = [["0"]]
    out.append(("unknown-field: problem.point.extra", "reject", dumps(w)))
    w = copy.deepcopy(c)
    w["problem"]["note"] = "1"
    out.append(("unknown-field: problem.note", "reject", dumps(w)))
    w = copy.deepcopy(c)
    w["witness"]["radius"] = None
    out.append(("null-field: witness.radius", "reject", dumps(w)))
    return out


# Hostile and constructed certificates ---------------------------------------------------------

THEOREM2_DATA = {"x": [["1", "0"], ["0", "1"], ["1/2", "1/2"]], "y": ["0", "0", "1"]}


def thm2_cert(activation, v, minimum, radius, precision=128, inertia=None):
    w = {"precision": precision, "zero_loss": {"v": v}, "minimum": minimum, "radius": radius}
    if inertia is not None:
        w["hessian_inertia"] = inertia
    c = {"critcert": 1, "kind": "smooth-counterexample",
         "problem": {"activation": activation, "architecture": [2, 2, 1], "data": copy.deepcopy(THEOREM2_DATA)},
         "witness": w, "claims": []}
    return reclaim(c)


def formula(text):
    return {"name": "formula", "formula": text}


def exact_inertia(act, v, u):
    """The exact Hessian inertia at the minimum (v_k, u_k rational), via check_flint."""
    a = cf.thm2_activation(act)
    hs = [[cf.value(a, k, cf.Pt(cf.Q(vk))) for k in range(3)] for vk in v]
    assert all(cf.is_exact(x) for row in hs for x in row)
    return list(cf.inertia_of(cf._hessian([cf.Q(x) for x in u], hs)))


def hostile_cases():
    out = []
    root = {"solve": "C2.1", "bracket": ["21", "23"]}
    quad_min = {"v": ["1", "1"], "u1": "1/6", "u2": "1/6"}
    # The known attack: h(22) = 0 and h(22.1) ≈ −10^(1.7e9); the only root of C2.1 in [21, 23]
    # is v4 = 22, where D = 0.
    out.append(("hostile: min(x^2, (x-22)((x-22)^2(0-exp(exp(x))))), bracket [21,23]", "reject", dumps(thm2_cert(
        formula("min(x^2, (x - 22)*((x - 22)^2*(0 - exp(exp(x)))))"),
        ["1", "2", "22", root], quad_min, "87381/524288"))))
    # Mirror image with max: the same D = 0 at the only root.
    out.append(("hostile: max(-x^2, ...) mirror", "reject", dumps(thm2_cert(
        formula("0 - max(0 - x^2, (x - 22)*((x - 22)^2*exp(exp(x))))"),
        ["1", "2", "22", root], quad_min, "87381/524288"))))
    # 0·huge in D: h = (x − 22)exp(exp(x)); the root is 22, where D = 0.
    out.append(("hostile: (x-22)*exp(exp(x)), D = 0 at the root", "reject", dumps(thm2_cert(
        formula("(x - 22)*exp(exp(x))"), ["1", "2", "22", root],
        {"v": ["1", "1"], "u1": "1/6", "u2": {"solve": "C2.3"}}, "1/1000"))))
    # Triple exponential: the same construction around 3, overflowing already at 3.1.
    out.append(("hostile: min(x^2, (x-3)((x-3)^2(0-exp(exp(exp(x)))))), bracket [2,4]", "reject", dumps(thm2_cert(
        formula("min(x^2, (x - 3)*((x - 3)^2*(0 - exp(exp(exp(x))))))"),
        ["1", "2", "3", {"solve": "C2.1", "bracket": ["2", "4"]}], quad_min, "87381/524288"))))
    # A pole inside the IVT bracket: h = x/(x − 22) changes sign across its pole at 22, but has no
    # root in [21, 23] (its only root is 0).
    out.append(("hostile: pole inside the bracket, x/(x-22)", "reject", dumps(thm2_cert(
        formula("x/(x - 22)"), ["1", "0", "2", root],
        {"v": ["1", "1"], "u1": "1/6", "u2": {"solve": "C2.3"}}, "1/1000"))))
    # A pole inside the local-minimum box: h = x(x + 1/(x − 0.51)), minimum at v = 1/2
    # (h(1/2) = −199/4, u1 = u2 = −2/597: C2.3, C2.6, C2.7 hold) with ρ = 1/10, so the box's
    # pre-activations reach the pole at 0.51.
    out.append(("hostile: pole inside the local-minimum box", "reject", dumps(thm2_cert(
        formula("x*(x + 1/(x - 0.51))"), ["1", "0", "2", "0"],
        {"v": ["1/2", "1/2"], "u1": "-2/597", "u2": "-2/597"}, "1/10"))))
    # Overflow inside the local-minimum box: h = x² + (x² − 1)²exp(exp(exp(x))) is exactly 1 at
    # ±1, but on v ± 2ρ = 1 ± 2.2 its derivatives overflow (MPFR) or are unbounded in sign.
    out.append(("hostile: exp(exp(exp(x))) overflow inside the box", "reject", dumps(thm2_cert(
        formula("x^2 + (x^2 - 1)^2*exp(exp(exp(x)))"), ["1", "1", "-1", "1"], quad_min, "11/10"))))
    # 0·huge at the exact points: h = x² + 0·exp(exp(exp(exp(exp(x))))) is x², but neither
    # checker can bound the factor (it overflows MPFR and Arb alike), and 0 times an unbounded
    # enclosure is unbounded, not 0: fail closed.
    out.append(("hostile: 0*exp(exp(exp(exp(exp(x))))) (fail closed)", "reject", dumps(thm2_cert(
        formula("x^2 + 0*exp(exp(exp(exp(exp(x)))))"), ["1", "1", "-1", "1"], quad_min, "1/1000"))))
    # A pole at the minimum: h = x(1 + 0.001/(x − 1)) has no value at v = 1.
    out.append(("hostile: pole at the minimum, x*(1 + 0.001/(x - 1))", "reject", dumps(thm2_cert(
        formula("x*(1 + 0.001/(x - 1))"), ["3", "0", "4", "0"], quad_min, "1/1000"))))
    # ln of a number that may be ≤ 0 over the box: h = x(1 + ln(x + 0.05)), v = 1, ρ = 3/5.
    out.append(("hostile: ln(x + 0.05) over the box", "reject", dumps(thm2_cert(
        formula("x*(1 + ln(x + 0.05))"), ["1", "0", "2", "0"],
        {"v": ["1", "1"], "u1": "1/6", "u2": {"solve": "C2.3"}}, "3/5"))))
    # A kink where a derivative is needed: h = x(1 + |x − 1|/10) at the minimum v = 1.
    out.append(("hostile: abs(x-1) kink at the minimum", "reject", dumps(thm2_cert(
        formula("x*(1 + abs(x - 1)/10)"), ["1", "0", "2", "0"], quad_min, "1/1000"))))
    # Named activations over a bracket that reaches MPFR's overflow (e^(7.5·10^8)): σ(x) =
    # 1/(1 + e^(−x)) at x = −10^9, softplus ln(1 + eˣ) at x = 10^9. In each, D changes sign
    # over the bracket (C2.2 is false for some v4 in it). Found by differential fuzzing: the
    # Rust checker panicked here ("1 + e^{-x} > 0", "1 + eˣ > 0") instead of rejecting.
    for base, br in (("sigmoid.json", ["-1000000000", "0"]), ("silu.json", ["-1000000000", "1"]),
                     ("softplus.json", ["0", "1000000000"])):
        c = json.load(open(os.path.join(HERE, "thm2", base)))
        c["witness"]["zero_loss"]["v"][3] = {"solve": "C2.1", "bracket": br}
        out.append((f"overflow in a named activation: {base} with v4 bracketed in [{br[0]}, {br[1]}]", "reject",
                    dumps(reclaim(c))))
    # Minima claimed at saddles (the exact Hessian has a negative eigenvalue).
    for name, act, v, u in (
            ("softsign saddle, v = (1, 1), u = (1/3, 1/3)", formula("x/(1 + abs(x))"), ["1", "1"], ["1/3", "1/3"]),
            ("quadratic saddle, v = (1, 1), u = (1/2, -1/6)", {"name": "quadratic"}, ["1", "1"], ["1/2", "-1/6"])):
        zero = ["1", "0", "1/2", "0"] if act["name"] == "formula" else ["1", "1", "-1", "1"]
        n = exact_inertia(act, v, u)
        assert n[2] > 0, f"{name}: the Hessian has no negative eigenvalue ({n})"
        out.append((f"minimum claimed at a saddle: {name}, inertia {n}", "reject", dumps(thm2_cert(
            act, zero, {"v": v, "u1": u[0], "u2": u[1]}, "1/1000", inertia=n))))
    # sin, cos, sqrt and x^(3/2) (numbers from critcert thm2): true as given; false with another
    # formula or a box so large that a sqrt or a power of a possibly negative number is needed.
    a = thm2_cert(formula("sin(x) + x^(3/2)"), ["1", "1/2", "1/2", {"solve": "C2.1", "bracket": ["129/512", "259/1024"]}],
                  {"v": ["1", "1/2"], "u1": "-1/6", "u2": {"solve": "C2.3"}}, "38223/2097152")
    b = thm2_cert(formula("x*sqrt(x) + cos(x)"), ["0", "1", "1", {"solve": "C2.1", "bracket": ["2013/1024", "1007/512"]}],
                  {"v": ["1", "1"], "u1": "1/6", "u2": {"solve": "C2.3"}}, "52157/1048576")
    out.append(("formula: sin(x) + x^(3/2)", "accept", dumps(a)))
    out.append(("formula: x*sqrt(x) + cos(x)", "accept", dumps(b)))
    c = copy.deepcopy(a)
    c["problem"]["activation"]["formula"] = "cos(x) + x^(3/2)"
    out.append(("formula: cos(x) + x^(3/2) with the numbers of sin(x) + x^(3/2)", "reject", dumps(c)))
    for cert, what in ((a, "x^(3/2)"), (b, "sqrt")):
        c = copy.deepcopy(cert)
        c["witness"]["radius"] = "2"
        out.append((f"formula: {what} of a possibly negative number over the box", "reject", dumps(c)))
    out.append(("formula: x^(1/2) at a negative point", "reject", dumps(thm2_cert(
        formula("x^(1/2) + x^2"), ["-1", "1", "2", "0"], quad_min, "1/1000"))))
    # A log point given as {"ln": ..., "times": null}.
    c = json.load(open(os.path.join(HERE, "thm2", "tanh.json")))
    c["witness"]["minimum"]["v"][1] = {"ln": "2", "times": None}
    out.append(("null-optional-field: times", "reject", dumps(c)))
    return out


def data_file_cases():
    """Theorem 1 certificates in the csv form of problem.data, built from the committed
    theorem2-relu.json: (name, expectation, certificate text, data file text or None). A
    certificate without text is checked with --data FILE."""
    import hashlib
    base = json.load(open(os.path.join(HERE, "thm1", "theorem2-relu.json"), encoding="utf-8"))
    d = base["problem"]["data"]
    names = d["feature_names"] + [d["target_name"]]

    def csv_text(rows):
        return ",".join(names) + "\n" + "".join(",".join(r) + "\n" for r in rows)

    rows = [x + [y] for x, y in zip(d["x"], d["y"])]
    good = csv_text(rows)

    def cert(text, embed, **over):
        c = copy.deepcopy(base)
        raw = text.encode("utf-8")
        csv = {"file": "theorem2.csv", "sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw),
               "points": len(rows)}
        csv.update(over)
        if embed:
            csv["text"] = text
        c["problem"]["data"] = {"feature_names": d["feature_names"], "target_name": d["target_name"], "csv": csv}
        return c

    def reversed_keys(v):
        if isinstance(v, dict):
            return {k: reversed_keys(v[k]) for k in reversed(list(v))}
        return [reversed_keys(x) for x in v] if isinstance(v, list) else v

    changed = csv_text([rows[0], rows[1], rows[2][:-1] + ["2"]])
    decimals = good.replace("1/2", "0.5")
    out = [
        ("embedded csv text", "accept", dumps(cert(good, True)), None),
        ("embedded csv text, checked with the same --data file", "accept", dumps(cert(good, True)), good),
        ("embedded csv text respelled (0.5 for 1/2; hash and length of the new text)", "accept", dumps(cert(decimals, True)), None),
        ("data-ref with its file", "accept", dumps(cert(good, False)), good),
        ("data-ref with its file, another file name (informational)", "accept", dumps(cert(good, False, file="other.csv")), good),
        ("data-ref with its file, keys reversed", "accept", json.dumps(reversed_keys(cert(good, False)), indent=1), good),
        ("data-ref without --data", "reject", dumps(cert(good, False)), None),
        ("data-ref with a changed data file", "reject", dumps(cert(good, False)), changed),
        ("data-ref with the file's line endings changed", "reject", dumps(cert(good, False)), good.replace("\n", "\r\n")),
        ("data-ref with a changed hash", "reject", dumps(cert(good, False, sha256="0" * 64)), good),
        ("data-ref with a malformed hash", "reject", dumps(cert(good, False, sha256="ABC")), good),
        ("data-ref with the wrong number of points", "reject", dumps(cert(good, False, points=4)), good),
        ("data-ref with the wrong length", "reject", dumps(cert(good, False, bytes=len(good) + 1)), good),
        ("embedded csv text with a changed value (hash and length updated)", "reject", dumps(cert(changed, True)), None),
        ("embedded csv text checked with another --data file", "reject", dumps(cert(good, True)), changed),
        ("restated certificate given a --data file", "reject", dumps(base), good),
    ]
    c = cert(good, True)
    c["problem"]["data"]["csv"]["text"] = changed
    out.append(("embedded csv text with a changed value (hash not updated)", "reject", dumps(c), None))
    c = cert(good, False)
    c["problem"]["data"]["feature_names"] = ["x2", "x1"]
    out.append(("data-ref with the input columns renamed", "reject", dumps(c), good))
    c = cert(good, False)
    c["problem"]["data"]["target_name"] = d["feature_names"][0]
    out.append(("data-ref with another target column", "reject", dumps(c), good))
    c = cert(good, True)
    c["problem"]["data"]["x"] = d["x"]
    c["problem"]["data"]["y"] = d["y"]
    out.append(("both forms of the data at once", "reject", dumps(c), None))
    c = cert(good, True)
    c["problem"]["data"]["csv"]["text"] = good + "1,1,x\n"
    c["problem"]["data"]["csv"]["sha256"] = hashlib.sha256(c["problem"]["data"]["csv"]["text"].encode()).hexdigest()
    c["problem"]["data"]["csv"]["bytes"] = len(c["problem"]["data"]["csv"]["text"])
    out.append(("embedded csv text with a field that is not a number", "reject", dumps(c), None))
    return out


# ---------------------------------------------------------------------------------------------

def verdict(cmd, path, data=None):
    try:
        p = subprocess.run(cmd + [path] + (["--data", data] if data else []), capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    msg = (p.stdout + p.stderr).strip().splitlines()
    msg = msg[0][:300] if msg else ""
    return {0: "accepted", 1: "rejected", 2: "rejected"}.get(p.returncode, f"error (exit {p.returncode})"), msg


def main(argv):
    verbose = "-v" in argv
    only = argv[argv.index("-k") + 1] if "-k" in argv else None
    extra = [os.path.abspath(argv[i + 1]) for i, a in enumerate(argv[:-1]) if a in ("--point", "--deep-linear")]
    rust = shlex.split(os.environ.get("CRITCERT_CHECK", "")) or [os.path.join(ROOT, "target", "release", "critcert"), "check"]
    if not (os.path.exists(rust[0]) or "/" not in rust[0]):
        print(f"tamper_both.py: the Rust checker {rust[0]} does not exist: build it (cargo build --release) "
              "or set CRITCERT_CHECK", file=sys.stderr)
        return 2
    python = [sys.executable, os.path.join(HERE, "check_flint.py")]
    certs = sorted(os.path.join(d, f) for d, _, fs in os.walk(HERE) for f in fs if f.endswith(".json"))
    certs += extra
    cases = []
    points = 0
    for path in certs:
        rel = os.path.relpath(path, ROOT)
        c = json.load(open(path, encoding="utf-8"))
        changes = generic_changes(c)
        if c["kind"] == "relu-like-spurious-minimum":
            changes += thm1_changes(c)
        elif c["kind"] == "smooth-counterexample":
            changes += thm2_changes(c, os.path.basename(path))
        elif c["kind"] == "critical-point":
            changes += point_changes(c)
            points += 1
        else:
            changes += thm4_changes(c)
        cases += [(f"{rel}: {n}", e, t) for n, e, t in changes]
    if points == 0:
        print("tamper_both.py: no critical-point certificate under proofs/ (or given with --point FILE): "
              "its cases are skipped")
    cases += [(f"constructed: {n}", e, t) for n, e, t in hostile_cases()]
    cases = [(n, e, t, None) for n, e, t in cases]
    cases += [(f"data file: {n}", e, t, dt) for n, e, t, dt in data_file_cases()]
    if only:
        cases = [x for x in cases if only in x[0]]
    passed = failed = 0
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, expect, text, data) in enumerate(cases):
            f = os.path.join(tmp, f"case{i}.json")
            with open(f, "w", encoding="utf-8") as fh:
                fh.write(text)
            if data is not None:
                data_path = os.path.join(tmp, f"case{i}.csv")
                with open(data_path, "w", encoding="utf-8", newline="") as fh:
                    fh.write(data)
                data = data_path
            want = "accepted" if expect == "accept" else "rejected"
            (rv, rm), (pv, pm) = verdict(rust, f, data), verdict(python, f, data)
            ok = rv == want and pv == want
            passed, failed = passed + ok, failed + (not ok)
            line = f"{'ok  ' if ok else 'FAIL'} [{expect}] {name}: rust {rv}, python {pv}"
            if not ok:
                failures.append(line)
                print(line)
                for who, v, m in (("rust", rv, rm), ("python", pv, pm)):
                    if v != want:
                        print(f"       {who}: {m}")
            elif verbose:
                print(line)
            sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
