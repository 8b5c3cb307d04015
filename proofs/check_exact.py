#!/usr/bin/env python3
"""An independent checker for critcert's exact certificate kinds.

Written from the certificate schema in proofs/README.md alone (it shares no code with the Rust
checker), in Python with only the standard library: every number is a fractions.Fraction, so
every check is exact. No floating point is used anywhere.

Usage:
    python3 proofs/check_exact.py CERT.json [CERT.json ...]
    python3 proofs/check_exact.py --skip-other-kinds proofs/*/*.json

Exit status: 0 every certificate accepted (or skipped with --skip-other-kinds), 1 some
certificate rejected (the failing claim or field is named), 2 a file unreadable or not JSON,
3 an internal error of this checker (never a verdict).

Kinds checked: relu-like-spurious-minimum (Theorem 1), deep-linear-critical-point (Theorem 4,
exact path) and smooth-counterexample (Theorem 2) when its activation is relu-like (the exact
ReLU/leaky-ReLU case: zero-loss point, the bias-free minimum's output, loss, exact gradient and
exact 9×9 Hessian inertia, and the positivity box; every number must be an exact rational).
Not covered: smooth-counterexample with any other activation (sigmoid, tanh, ..., a formula; it
needs MPFR interval enclosures): skipped with --skip-other-kinds, otherwise rejected (exit 1)
as not covered, like an unknown kind.
"""

import json
import re
import sys
from fractions import Fraction

VERSION = 1


class Rejected(Exception):
    """The certificate is rejected; the message names the claim or field."""


# ---------------------------------------------------------------------------------------------
# Strict reading of the schema.

_RATIONAL = re.compile(r"-?[0-9]+(/[0-9]+)?")


def rational(what, s):
    """A certificate rational: "p/q" in lowest terms with q > 1, or "p"; nothing else."""
    if not isinstance(s, str) or not _RATIONAL.fullmatch(s):
        raise Rejected(f"{what}: {s!r} is not a rational in the form p/q (lowest terms) or p")
    try:
        v = Fraction(s)
    except (ValueError, ZeroDivisionError):
        raise Rejected(f"{what}: {s!r} is not a rational") from None
    if str(v) != s:
        raise Rejected(f"{what}: {s!r} is not in lowest terms / canonical form")
    return v


def obj(what, v, required, optional=()):
    """A JSON object with exactly the required keys (plus optional ones); unknown keys rejected."""
    if not isinstance(v, dict):
        raise Rejected(f"{what}: expected an object")
    for k in v:
        if k not in required and k not in optional:
            raise Rejected(f"{what}: unknown field {k!r}")
    for k in required:
        if k not in v:
            raise Rejected(f"{what}: missing field {k!r}")
    return v


def array(what, v, n=None):
    if not isinstance(v, list):
        raise Rejected(f"{what}: expected an array")
    if n is not None and len(v) != n:
        raise Rejected(f"{what}: expected {n} entries, found {len(v)}")
    return v


def vec(what, v, n=None):
    return [rational(f"{what}[{i + 1}]", s) for i, s in enumerate(array(what, v, n))]


def mat(what, v, rows, cols):
    array(what, v, rows)
    if any(not isinstance(r, list) or len(r) != cols for r in v):
        raise Rejected(f"{what}: expected a {rows}×{cols} matrix")
    return [[rational(f"{what}[{i + 1},{j + 1}]", s) for j, s in enumerate(r)] for i, r in enumerate(v)]


def natural(what, v):
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise Rejected(f"{what}: expected a non-negative integer")
    return v


def string(what, v):
    if not isinstance(v, str):
        raise Rejected(f"{what}: expected a string")
    return v


def require_claims(actual, expected):
    """The claims must be exactly the kind's canonical list: ids and statements, in order."""
    array("claims", actual)
    for i, (cid, statement) in enumerate(expected):
        if i >= len(actual):
            raise Rejected(f"claim {cid!r} is missing")
        c = obj(f"claims[{i + 1}]", actual[i], ("id", "statement"))
        if c["id"] != cid:
            raise Rejected(f"claim {i + 1} is {c['id']!r}, expected {cid!r}")
        if c["statement"] != statement:
            raise Rejected(f"claim {cid!r}: the statement is not the canonical one for this id")
    if len(actual) > len(expected):
        raise Rejected(f"unknown claim {actual[len(expected)].get('id')!r}")


def fail(cid, reason):
    return Rejected(f"claim {cid!r} fails: {reason}")


# ---------------------------------------------------------------------------------------------
# Kind relu-like-spurious-minimum (Theorem 1).

RELU_LIKE_CLAIMS = [
    ("normal-equations", "W̄ is a least-squares solution: (W̄X̃ − Y)X̃ᵀ = 0 exactly, so ℓ0(W̄) is the minimum loss of any affine model"),
    ("minimum-output", "the network at the minimum outputs exactly W̄X̃, so its loss is ℓ0(W̄)"),
    ("local-minimum-region", "every hidden pre-activation at the minimum is at least μ > 0 and ρ(1 + max_i ‖x_i‖₁) ≤ μ, so on the region ‖W1 − Ŵ1‖_max < ρ, ‖b1 − b̂1‖_max < ρ (any W2, b2) the network is affine in x and its loss is at least ℓ0(W̄): the minimum is a local minimum"),
    ("infinitely-many-minima", "(W1, b1) ≠ 0 at the minimum, so by positive homogeneity of h̄ the points (tŴ1, tb̂1, Ŵ2/t, b̂2), t > 0, are distinct local minima with the same loss (region radius tρ)"),
    ("strictly-better-point", "the better point has loss strictly below ℓ0(W̄), so the minimum is not global: it is a spurious local minimum"),
]


def relu_like_point(what, p, d1, dx):
    obj(what, p, ("W1", "b1", "W2", "b2"))
    return {
        "W1": mat(f"{what}.W1", p["W1"], d1, dx),
        "b1": vec(f"{what}.b1", p["b1"], d1),
        "W2": mat(f"{what}.W2", p["W2"], 1, d1)[0],
        "b2": vec(f"{what}.b2", p["b2"], 1)[0],
    }


def check_relu_like(cert):
    """Returns a list of (claim id, evidence) or raises Rejected."""
    require_claims(cert["claims"], RELU_LIKE_CLAIMS)
    p = obj("problem", cert["problem"], ("activation", "width", "data"))
    act = obj("problem.activation", p["activation"], ("name", "s_plus", "s_minus"))
    if act["name"] != "relu-like":
        raise Rejected("problem.activation.name must be 'relu-like'")
    sp = rational("problem.activation.s_plus", act["s_plus"])
    sm = rational("problem.activation.s_minus", act["s_minus"])
    if not (sp > 0 and sm >= 0 and sp != sm):
        raise Rejected("problem.activation: need s_plus > 0, s_minus ≥ 0 and s_plus ≠ s_minus")
    d1 = natural("problem.width", p["width"])
    data = obj("problem.data", p["data"], ("feature_names", "target_name", "x", "y"))
    names = array("problem.data.feature_names", data["feature_names"])
    for i, n in enumerate(names):
        string(f"problem.data.feature_names[{i + 1}]", n)
    string("problem.data.target_name", data["target_name"])
    m, dx = len(array("problem.data.y", data["y"])), len(names)
    if m < 2 or dx == 0 or d1 == 0:
        raise Rejected("problem: need at least two points, one input column and one hidden unit")
    X = mat("problem.data.x", data["x"], m, dx)
    Y = vec("problem.data.y", data["y"], m)

    w = obj("witness", cert["witness"],
            ("least_squares", "alpha", "minimum", "radius", "better_point", "construction"))
    wbar = vec("witness.least_squares", w["least_squares"], dx + 1)
    alpha = rational("witness.alpha", w["alpha"])
    if alpha <= 0:
        raise Rejected("witness.alpha must be positive")
    minimum = relu_like_point("witness.minimum", w["minimum"], d1, dx)
    rho = rational("witness.radius", w["radius"])
    better = relu_like_point("witness.better_point", w["better_point"], d1, dx)
    con = obj("witness.construction", w["construction"], ("case", "beta", "gamma"), ("tie_break",))
    if con["case"] not in ("J-nonempty", "J-empty"):
        raise Rejected("witness.construction.case must be 'J-nonempty' or 'J-empty'")
    rational("witness.construction.beta", con["beta"])
    rational("witness.construction.gamma", con["gamma"])
    if "tie_break" in con:
        vec("witness.construction.tie_break", con["tie_break"], dx)

    def h(z):
        return sp * z if z >= 0 else sm * z

    def pre(net, x):
        return [sum((a * b for a, b in zip(row, x)), Fraction(0)) + c for row, c in zip(net["W1"], net["b1"])]

    def out(net, x):
        return sum((u * h(z) for u, z in zip(net["W2"], pre(net, x))), Fraction(0)) + net["b2"]

    def loss(net):
        return sum(((out(net, x) - y) ** 2 for x, y in zip(X, Y)), Fraction(0)) / 2

    evidence = []
    # normal-equations: (W̄X̃ − Y)X̃ᵀ = 0.
    Xt = [x + [Fraction(1)] for x in X]
    fit = [sum((a * b for a, b in zip(wbar, xt)), Fraction(0)) for xt in Xt]
    for j in range(dx + 1):
        s = sum(((f - y) * xt[j] for f, y, xt in zip(fit, Y, Xt)), Fraction(0))
        if s != 0:
            raise fail("normal-equations", f"(W̄X̃ − Y)X̃ᵀ is {s} at column {j + 1}, not 0")
    l0 = sum(((f - y) ** 2 for f, y in zip(fit, Y)), Fraction(0)) / 2
    evidence.append(("normal-equations", f"all {dx + 1} entries of (W̄X̃ − Y)X̃ᵀ are 0; ℓ0(W̄) = {l0}"))
    # minimum-output: the network at the minimum outputs W̄x̃ at every point.
    for i, x in enumerate(X):
        o = out(minimum, x)
        if o != fit[i]:
            raise fail("minimum-output", f"at point {i + 1} the output is {o}, but W̄x̃ = {fit[i]}")
    evidence.append(("minimum-output", f"output equals W̄x̃ at all {m} points"))
    # local-minimum-region: μ > 0, ρ > 0 and ρ(1 + max‖x‖₁) ≤ μ.
    mu = min(z for x in X for z in pre(minimum, x))
    if mu <= 0:
        raise fail("local-minimum-region", f"the smallest pre-activation μ = {mu} is not positive")
    if rho <= 0:
        raise fail("local-minimum-region", f"the radius ρ = {rho} is not positive")
    max_l1 = max(sum(abs(v) for v in x) for x in X)
    need = rho * (max_l1 + 1)
    if need > mu:
        raise fail("local-minimum-region", f"ρ(1 + max‖x‖₁) = {need} exceeds μ = {mu}")
    evidence.append(("local-minimum-region", f"μ = {mu}, ρ(1 + max‖x‖₁) = {need} ≤ μ"))
    # infinitely-many-minima: (Ŵ1, b̂1) ≠ 0.
    if all(v == 0 for row in minimum["W1"] for v in row) and all(v == 0 for v in minimum["b1"]):
        raise fail("infinitely-many-minima", "W1 and b1 are zero at the minimum")
    evidence.append(("infinitely-many-minima", "(Ŵ1, b̂1) ≠ 0"))
    # strictly-better-point: ℓ(better) < ℓ0(W̄).
    lb = loss(better)
    if lb >= l0:
        raise fail("strictly-better-point", f"the better point has loss {lb}, not below ℓ0(W̄) = {l0}")
    evidence.append(("strictly-better-point", f"loss {lb} < {l0}"))
    return evidence


# ---------------------------------------------------------------------------------------------
# Kind deep-linear-critical-point (Theorem 4 / Corollary 5), exact path.

_DL_WIDTH = ("width", "every hidden width d_j (1 ≤ j ≤ H) is at least min(dx, dy)")
_DL_CRITICAL = ("critical-point", "every layer gradient W_{H+1:j+1}ᵀ ∇ℓ0(W_{H+1:1}) W_{j−1:1}ᵀ is exactly 0: the point is a critical point of ℓ")


def deep_linear_claims(verdict, strict):
    if verdict == "global-minimum":
        return [_DL_WIDTH, _DL_CRITICAL,
                ("product-gradient-zero", "∇ℓ0(W_{H+1:1}) = (W_{H+1:1}X − Y)Xᵀ is exactly 0"),
                ("global-minimum", "ℓ0 is a convex quadratic, so ∇ℓ0 = 0 makes W_{H+1:1} a global minimiser of ℓ0; ℓ(W) = ℓ0(W_{H+1:1}) ≥ ℓ0(Ŵ_{H+1:1}) = ℓ(Ŵ) for every W: the point is a global minimum of ℓ (Corollary 5)")]
    if verdict == "saddle":
        v = [_DL_WIDTH, _DL_CRITICAL,
             ("product-gradient-nonzero", "∇ℓ0(W_{H+1:1}) = (W_{H+1:1}X − Y)Xᵀ has a nonzero entry, so by Theorem 4 the point is a saddle"),
             ("descent-curve", "the loss polynomial ℓ(θ(t)) − ℓ(Ŵ) of the descent curve has a negative lowest-order nonzero coefficient: points arbitrarily close to Ŵ have smaller loss"),
             ("ascent-curve", "the loss polynomial ℓ(θ(t)) − ℓ(Ŵ) of the ascent curve has a positive lowest-order nonzero coefficient: points arbitrarily close to Ŵ have larger loss")]
        if strict:
            v.append(("negative-curvature", "the direction V has Vᵀ∇²ℓ(Ŵ)V < 0 (twice the t² coefficient of ℓ(Ŵ + tV)): the saddle is strict"))
        return v
    return [_DL_WIDTH, ("not-critical", "some layer gradient W_{H+1:j+1}ᵀ ∇ℓ0(W_{H+1:1}) W_{j−1:1}ᵀ has a nonzero entry: the point is not a critical point of ℓ")]


def _mm(a, b):
    bt = list(zip(*b)) if b else []
    return [[sum((x * y for x, y in zip(row, col)), Fraction(0)) for col in bt] for row in a]


def _tr(a, rows, cols):
    return [[a[i][j] for i in range(rows)] for j in range(cols)]


def _eye(n):
    return [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]


def _nonzero(a):
    return [(i, j, v) for i, row in enumerate(a) for j, v in enumerate(row) if v != 0]


def check_deep_linear(cert):
    w = obj("witness", cert["witness"], ("verdict", "point"),
            ("descent_curve", "ascent_curve", "negative_curvature_direction"))
    verdict = w["verdict"]
    if verdict not in ("global-minimum", "saddle", "not-critical"):
        raise Rejected(f"witness.verdict {verdict!r} is not global-minimum, saddle or not-critical")
    strict = "negative_curvature_direction" in w
    require_claims(cert["claims"], deep_linear_claims(verdict, strict))
    if verdict != "saddle" and any(k in w for k in ("descent_curve", "ascent_curve", "negative_curvature_direction")):
        raise Rejected("witness: curves and directions belong to a saddle only")
    p = obj("problem", cert["problem"], ("loss", "widths", "X", "Y"))
    if p["loss"] != "half-squared-frobenius":
        raise Rejected("problem.loss must be 'half-squared-frobenius'")
    d = [natural(f"problem.widths[{i + 1}]", v) for i, v in enumerate(array("problem.widths", p["widths"]))]
    if len(d) < 2 or 0 in d or not isinstance(p["X"], list) or not p["X"] or not isinstance(p["X"][0], list) or not p["X"][0]:
        raise Rejected("problem: need at least one layer, positive widths and at least one point")
    L, m = len(d) - 1, len(p["X"][0])
    X = mat("problem.X", p["X"], d[0], m)
    Y = mat("problem.Y", p["Y"], d[L], m)

    def layers(what, v):
        array(what, v, L)
        return [mat(f"{what}.W{j + 1}", v[j], d[j + 1], d[j]) for j in range(L)]

    W = layers("witness.point", w["point"])

    def partial(b, a):  # W_{b:a}, 1-based inclusive; identity d_{a-1} when b < a
        P = _eye(d[a - 1])
        for j in range(a, b + 1):
            P = _mm(W[j - 1], P)
        return P

    evidence = []
    r = min(d[0], d[L])
    for j in range(1, L):
        if d[j] < r:
            raise fail("width", f"d_{j} = {d[j]} < min(dx, dy) = {r}")
    evidence.append(("width", f"widths {d}, min(dx, dy) = {r}"))
    R = _mm(partial(L, 1), X)
    R = [[a - b for a, b in zip(ra, ry)] for ra, ry in zip(R, Y)]
    loss = sum((v * v for row in R for v in row), Fraction(0)) / 2
    G = _mm(R, _tr(X, d[0], m))
    grads = []
    for j in range(1, L + 1):
        A, B = partial(L, j + 1), partial(j - 1, 1)
        grads.append(_mm(_mm(_tr(A, d[L], d[j]), G), _tr(B, d[j - 1], d[0])))
    bad = [(j, a, b, v) for j, g in enumerate(grads) for a, b, v in _nonzero(g)]
    if verdict == "not-critical":
        if not bad:
            raise fail("not-critical", "every layer gradient is exactly 0: the point is critical")
        j, a, b, v = max(bad, key=lambda t: abs(t[3]))
        evidence.append(("not-critical", f"∂ℓ/∂W{j + 1}[{a + 1},{b + 1}] = {v}"))
        return evidence
    if bad:
        j, a, b, v = bad[0]
        raise fail("critical-point", f"∂ℓ/∂W{j + 1}[{a + 1},{b + 1}] = {v}, not 0")
    evidence.append(("critical-point", f"all {L} layer gradients are exactly 0"))
    if verdict == "global-minimum":
        if _nonzero(G):
            raise fail("product-gradient-zero", "∇ℓ0 has a nonzero entry")
        evidence.append(("product-gradient-zero", "∇ℓ0 = 0"))
        evidence.append(("global-minimum", f"ℓ(Ŵ) = min ℓ = {loss}"))
        return evidence
    if not _nonzero(G):
        raise fail("product-gradient-nonzero", "∇ℓ0 is exactly 0 at the product")
    evidence.append(("product-gradient-nonzero", f"∇ℓ0 ≠ 0; ℓ(Ŵ) = {loss}"))

    def loss_poly(curve):  # curve[j] = [C_{j,1}, C_{j,2}, ...]; returns [c_1, c_2, ...]
        f = [X]
        for j in range(L):
            layer = [W[j]] + curve[j]
            out = [[[Fraction(0)] * m for _ in range(d[j + 1])] for _ in range(len(f) + len(layer) - 1)]
            for a, wa in enumerate(layer):
                for b, fb in enumerate(f):
                    prod = _mm(wa, fb)
                    for i in range(d[j + 1]):
                        for k in range(m):
                            out[a + b][i][k] += prod[i][k]
            f = out
        f[0] = [[a - b for a, b in zip(ra, ry)] for ra, ry in zip(f[0], Y)]
        deg = len(f) - 1

        def inner(a, b):
            return sum((x * y for ra, rb in zip(a, b) for x, y in zip(ra, rb)), Fraction(0))
        return [sum((inner(f[a], f[k - a]) for a in range(max(0, k - deg), min(k, deg) + 1)), Fraction(0)) / 2
                for k in range(1, 2 * deg + 1)]

    def curve_of(what, v):
        array(what, v, L)
        return [[mat(f"{what}.W{j + 1}.t^{k + 1}", c, d[j + 1], d[j]) for k, c in enumerate(array(f"{what}.W{j + 1}", v[j]))]
                for j in range(L)]

    for cid, key, negative in (("descent-curve", "descent_curve", True), ("ascent-curve", "ascent_curve", False)):
        if key not in w:
            raise fail(cid, "the witness has no such curve")
        poly = loss_poly(curve_of(f"witness.{key}", w[key]))
        low = next(((k + 1, c) for k, c in enumerate(poly) if c != 0), None)
        if low is None:
            raise fail(cid, "the loss is constant along it")
        if (low[1] < 0) != negative:
            raise fail(cid, f"the lowest-order coefficient is {low[1]} (order {low[0]}), wrong sign")
        evidence.append((cid, f"lowest-order term {low[1]}·t^{low[0]}"))
    if strict:
        V = layers("witness.negative_curvature_direction", w["negative_curvature_direction"])
        poly = loss_poly([[v] for v in V])
        if poly[0] != 0 or len(poly) < 2 or poly[1] >= 0:
            raise fail("negative-curvature", f"ℓ(Ŵ + tV) − ℓ(Ŵ) has t-coefficient {poly[0]} and t²-coefficient {poly[1] if len(poly) > 1 else 0}")
        evidence.append(("negative-curvature", f"Vᵀ∇²ℓ(Ŵ)V = {2 * poly[1]} < 0"))
    return evidence


# ---------------------------------------------------------------------------------------------
# Kind smooth-counterexample (Theorem 2), exact ReLU-like case only.
#
# The fixed data X (rows are points) = [[1, 0], [0, 1], [1/2, 1/2]], Y = [0, 0, 1]; a 2-2-1
# network ŷ = W2·h̄(W1·x + b1) + b2 with h̄(z) = max(s+·z, 0) + min(s−·z, 0). Parameters are
# flattened in the order W1[1,1], W1[1,2], W1[2,1], W1[2,2], b1[1], b1[2], W2[1,1], W2[1,2],
# b2[1]. The other (smooth) activations need MPFR interval enclosures: not covered here.

SMOOTH_KIND = "smooth-counterexample"
SMOOTH_X = [[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)], [Fraction(1, 2), Fraction(1, 2)]]
SMOOTH_Y = [Fraction(0), Fraction(0), Fraction(1)]
THIRD = Fraction(1, 3)

_SC_ZERO = ("zero-loss-point", "with D = h(v3)h((v1+v2)/2) − h(v1)h((v3+v4)/2), h(v1)h(v4) = h(v2)h(v3) holds exactly (C2.1) and D ≠ 0 (C2.2), so the point W1 = [[v1,v2],[v3,v4]], b1 = 0, W2 = (h(v3), −h(v1))/D, b2 = 0 outputs exactly (0, 0, 1) = Y: loss 0")
_SC_LOSS = ("minimum-loss", "the minimum outputs u1h(v1) + u2h(v2) = 1/3 at every data point (C2.3, exactly or by the definition of u2), the least-squares output, so its loss is exactly 1/3")
_SC_CRITICAL = ("critical-point", "the gradient of the loss at the minimum is exactly 0: the residuals e = (1/3 − y_i) satisfy Σe_i = 0 and Σe_i x_i = 0, and every partial derivative is a multiple of these sums")
_SC_HESSIAN = ("hessian-inertia", "the Hessian of the loss at the minimum, computed exactly from h, h', h'' at v1, v2, has the stated inertia (n+, n0, n−) with n0 > 0, so the second-order test is inconclusive")
_SC_BOX = ("local-minimum-box", "v1, v2 > 0 and 2ρ ≤ min(v1, v2): on the box ‖θ − θ̂‖_max ≤ ρ every hidden pre-activation at every data point is ≥ 0, so h̄ acts as s+·z, the network is affine in x on the data and its loss is at least the least-squares loss 1/3")
_SC_SPURIOUS = ("spurious-minimum", "the local minimum has loss 1/3 > 0 = the loss of the zero-loss point: it is not global")


def smooth_relu_like_claims(hessian):
    """The canonical claims of a ReLU-like smooth-counterexample certificate."""
    return [_SC_ZERO, _SC_LOSS, _SC_CRITICAL] + ([_SC_HESSIAN] if hessian else []) + [_SC_BOX, _SC_SPURIOUS]


def not_covered(cert):
    """Why this checker does not cover `cert` (a reason string), or None if it checks it.

    Only a smooth-counterexample certificate whose activation is named, and not relu-like
    (sigmoid, tanh, ..., a formula), is outside the scope; anything else (unknown kinds aside)
    is checked, and a malformed certificate is rejected by the check, not skipped."""
    if not isinstance(cert, dict) or cert.get("kind") != SMOOTH_KIND:
        return None
    p = cert.get("problem")
    act = p.get("activation") if isinstance(p, dict) else None
    name = act.get("name") if isinstance(act, dict) else None
    if isinstance(name, str) and name != "relu-like":
        return (f"kind {SMOOTH_KIND!r} with activation {name!r}: only its exact relu-like case is "
                "checked here, the other activations need MPFR interval arithmetic")
    return None


def exact_real(what, v):
    """A real of the smooth-counterexample schema that, for relu-like, must be an exact rational."""
    if isinstance(v, dict):
        form = json.dumps(v, ensure_ascii=False)
        raise Rejected(f"{what}: the form {form} is not an exact rational; for relu-like this "
                       'checker handles only exact rationals (no {"ln": ...}, no {"solve": ...})')
    return rational(what, v)


def _theta(W1, b1, W2, b2):
    return [W1[0][0], W1[0][1], W1[1][0], W1[1][1], b1[0], b1[1], W2[0], W2[1], b2]


def check_smooth(cert):
    reason = not_covered(cert)
    if reason is not None:
        raise Rejected(f"not covered by this checker: {reason} (check it with critcert check)")
    p = obj("problem", cert["problem"], ("activation", "architecture", "data"))
    act = obj("problem.activation", p["activation"], ("name", "s_plus", "s_minus"))
    if act["name"] != "relu-like":
        raise Rejected(f"problem.activation.name {act['name']!r} is not an activation name")
    sp = rational("problem.activation.s_plus", act["s_plus"])
    sm = rational("problem.activation.s_minus", act["s_minus"])
    if not (sp > 0 and sm >= 0 and sp != sm):
        raise Rejected("problem.activation: need s_plus > 0, s_minus ≥ 0 and s_plus ≠ s_minus")
    arch = [natural(f"problem.architecture[{i + 1}]", v)
            for i, v in enumerate(array("problem.architecture", p["architecture"], 3))]
    if arch != [2, 2, 1]:
        raise Rejected(f"problem.architecture must be [2, 2, 1], found {arch}")
    data = obj("problem.data", p["data"], ("x", "y"))
    if mat("problem.data.x", data["x"], 3, 2) != SMOOTH_X or vec("problem.data.y", data["y"], 3) != SMOOTH_Y:
        raise Rejected("problem.data must be exactly x = [[1, 0], [0, 1], [1/2, 1/2]], y = [0, 0, 1]")
    X, Y = SMOOTH_X, SMOOTH_Y

    w = obj("witness", cert["witness"], ("precision", "zero_loss", "minimum", "radius"), ("hessian_inertia",))
    has_hessian = "hessian_inertia" in w
    prec = natural("witness.precision", w["precision"])
    if not 32 <= prec <= 4096:
        raise Rejected(f"witness.precision {prec} is outside 32..4096")
    z = obj("witness.zero_loss", w["zero_loss"], ("v",))
    zv = [exact_real(f"witness.zero_loss.v[{i + 1}]", s) for i, s in enumerate(array("witness.zero_loss.v", z["v"], 4))]
    mn = obj("witness.minimum", w["minimum"], ("v", "u1", "u2"))
    mv = [exact_real(f"witness.minimum.v[{i + 1}]", s) for i, s in enumerate(array("witness.minimum.v", mn["v"], 2))]
    u1 = exact_real("witness.minimum.u1", mn["u1"])
    u2 = exact_real("witness.minimum.u2", mn["u2"])
    rho = rational("witness.radius", w["radius"])
    inertia = None
    if has_hessian:
        inertia = [natural(f"witness.hessian_inertia[{i + 1}]", v)
                   for i, v in enumerate(array("witness.hessian_inertia", w["hessian_inertia"], 3))]
    require_claims(cert["claims"], smooth_relu_like_claims(has_hessian))

    def h(t):
        return sp * t if t >= 0 else sm * t

    def dh(t):  # h' away from the kink at 0
        return sp if t > 0 else sm

    def pre(th, x):
        return [th[2 * k] * x[0] + th[2 * k + 1] * x[1] + th[4 + k] for k in range(2)]

    def out(th, x):
        return sum((th[6 + k] * h(zk) for k, zk in enumerate(pre(th, x))), Fraction(0)) + th[8]

    def loss(th):
        return sum(((out(th, x) - y) ** 2 for x, y in zip(X, Y)), Fraction(0)) / 2

    def grad_out(th, x):
        """∇_θ ŷ(x); needs every pre-activation ≠ 0 (h̄ is differentiable there)."""
        g = [Fraction(0)] * 9
        for k, zk in enumerate(pre(th, x)):
            c = th[6 + k] * dh(zk)
            g[2 * k], g[2 * k + 1], g[4 + k] = c * x[0], c * x[1], c
            g[6 + k] = h(zk)
        g[8] = Fraction(1)
        return g

    def hess_out(th, x):
        """∇²_θ ŷ(x) with h̄'' = 0 away from the kink."""
        H = [[Fraction(0)] * 9 for _ in range(9)]
        for k, zk in enumerate(pre(th, x)):
            xt = (x[0], x[1], Fraction(1))
            idx = (2 * k, 2 * k + 1, 4 + k)
            # ∂²ŷ/∂p∂p' = W2[k] h''(z_k) x̃ x̃ᵀ = 0; ∂²ŷ/∂p ∂W2[k] = h'(z_k) x̃.
            for a, xa in zip(idx, xt):
                H[a][6 + k] = H[6 + k][a] = dh(zk) * xa
        return H

    evidence = []
    # zero-loss-point: C2.1 exactly, C2.2, output exactly Y.
    v1, v2, v3, v4 = zv
    c21 = (h(v1) * h(v4), h(v2) * h(v3))
    if c21[0] != c21[1]:
        raise fail("zero-loss-point", f"C2.1: h(v1)h(v4) = {c21[0]} ≠ h(v2)h(v3) = {c21[1]}")
    D = h(v3) * h((v1 + v2) / 2) - h(v1) * h((v3 + v4) / 2)
    if D == 0:
        raise fail("zero-loss-point", "C2.2: D = 0")
    zero = _theta([[v1, v2], [v3, v4]], [Fraction(0)] * 2, [h(v3) / D, -h(v1) / D], Fraction(0))
    outs = [out(zero, x) for x in X]
    if outs != Y:
        raise fail("zero-loss-point", f"the outputs are ({', '.join(map(str, outs))}), not (0, 0, 1)")
    if loss(zero) != 0:
        raise fail("zero-loss-point", f"the loss is {loss(zero)}, not 0")
    evidence.append(("zero-loss-point", f"h(v1)h(v4) = h(v2)h(v3) = {c21[0]}, D = {D}, W2 = ({zero[6]}, {zero[7]}); outputs (0, 0, 1), loss 0"))
    # minimum-loss: output 1/3 at every point, loss 1/3, and 1/3 is the least-squares loss.
    a, b = mv
    th = _theta([[a, a], [b, b]], [Fraction(0)] * 2, [u1, u2], Fraction(0))
    outs = [out(th, x) for x in X]
    for i, o in enumerate(outs):
        if o != THIRD:
            raise fail("minimum-loss", f"at point {i + 1} the output is {o}, not 1/3")
    lmin = loss(th)
    if lmin != THIRD:
        raise fail("minimum-loss", f"the loss is {lmin}, not 1/3")
    e = [o - y for o, y in zip(outs, Y)]
    for name, col in (("1", [Fraction(1)] * 3), ("x[1]", [x[0] for x in X]), ("x[2]", [x[1] for x in X])):
        s = sum((ei * ci for ei, ci in zip(e, col)), Fraction(0))
        if s != 0:
            raise fail("minimum-loss", f"the residuals are not orthogonal to {name} (sum {s}): 1/3 is not the least-squares output")
    evidence.append(("minimum-loss", f"u1h(v1) + u2h(v2) = 1/3 at all 3 points; loss {lmin}; residuals ({', '.join(map(str, e))}) ⟂ 1, x[1], x[2]"))
    # critical-point: every pre-activation ≠ 0, then all 9 partial derivatives exactly 0.
    zs = [zk for x in X for zk in pre(th, x)]
    if any(zk == 0 for zk in zs):
        raise fail("critical-point", "a hidden pre-activation at the minimum is 0, where h̄ is not differentiable")
    grads = [grad_out(th, x) for x in X]
    g = [sum((ei * gi[j] for ei, gi in zip(e, grads)), Fraction(0)) for j in range(9)]
    names = ("W1[1,1]", "W1[1,2]", "W1[2,1]", "W1[2,2]", "b1[1]", "b1[2]", "W2[1,1]", "W2[1,2]", "b2[1]")
    for j, gj in enumerate(g):
        if gj != 0:
            raise fail("critical-point", f"∂ℓ/∂{names[j]} = {gj}, not 0")
    evidence.append(("critical-point", "every pre-activation ≠ 0 and all 9 partial derivatives are exactly 0"))
    # hessian-inertia: ∇²ℓ = Σ_i g_i g_iᵀ + e_i ∇²ŷ_i, inertia by exact congruence.
    if has_hessian:
        hs = [hess_out(th, x) for x in X]
        H = [[sum((gi[r] * gi[c] + ei * Hi[r][c] for gi, ei, Hi in zip(grads, e, hs)), Fraction(0))
              for c in range(9)] for r in range(9)]
        got = list(inertia_of(H))
        if got != inertia:
            raise fail("hessian-inertia", f"the exact inertia is {got}, not the stated {inertia}")
        if got[1] == 0:
            raise fail("hessian-inertia", "n0 = 0: the Hessian is nonsingular")
        evidence.append(("hessian-inertia", f"the exact 9×9 Hessian has inertia (n+, n0, n−) = ({got[0]}, {got[1]}, {got[2]}), n0 > 0"))
    # local-minimum-box: v1, v2 > 0 and 0 < 2ρ ≤ min(v1, v2).
    if not (a > 0 and b > 0):
        raise fail("local-minimum-box", f"v = ({a}, {b}) is not positive")
    if not (0 < 2 * rho <= min(a, b)):
        raise fail("local-minimum-box", f"2ρ = {2 * rho} is not in (0, min(v1, v2) = {min(a, b)}]")
    # on the box each pre-activation is ≥ v_k − ρ(‖x_i‖₁ + 1) (x has entries in [0, 1]).
    low = min(vk - rho * (sum(abs(t) for t in x) + 1) for vk in (a, b) for x in X)
    if low < 0:
        raise fail("local-minimum-box", f"a pre-activation on the box can be as low as {low} < 0")
    evidence.append(("local-minimum-box", f"v = ({a}, {b}) > 0, 0 < 2ρ = {2 * rho} ≤ min(v) = {min(a, b)}; on the box every pre-activation is ≥ {low}"))
    # spurious-minimum: 1/3 > 0.
    if not lmin > loss(zero):
        raise fail("spurious-minimum", f"the minimum's loss {lmin} is not above the zero-loss point's {loss(zero)}")
    evidence.append(("spurious-minimum", f"loss {lmin} > 0 = the zero-loss point's loss"))
    return evidence


def inertia_of(A):
    """(n+, n0, n−) of the symmetric rational matrix A by exact congruence (Sylvester's law):
    symmetric elimination with a 1×1 pivot on a nonzero diagonal entry, or, when the whole
    diagonal is zero, a 2×2 pivot [[0, c], [c, 0]] (inertia (1, 0, 1)) on a nonzero c."""
    A = [row[:] for row in A]
    if any(A[i][j] != A[j][i] for i in range(len(A)) for j in range(len(A))):
        raise ValueError("inertia_of: the matrix is not symmetric")
    pos = zero = neg = 0
    while A:
        n = len(A)
        i = next((i for i in range(n) if A[i][i] != 0), None)
        if i is not None:
            d = A[i][i]
            if d > 0:
                pos += 1
            else:
                neg += 1
            rest = [r for r in range(n) if r != i]
            A = [[A[r][c] - A[r][i] * A[i][c] / d for c in rest] for r in rest]
            continue
        pair = next(((i, j) for i in range(n) for j in range(i + 1, n) if A[i][j] != 0), None)
        if pair is None:
            zero += n
            break
        i, j = pair
        c = A[i][j]  # pivot P = [[0, c], [c, 0]], P⁻¹ = [[0, 1/c], [1/c, 0]]
        pos, neg = pos + 1, neg + 1
        rest = [r for r in range(n) if r not in (i, j)]
        # Schur complement A_rr' − [A_ri A_rj] P⁻¹ [A_ir'; A_jr'] = A_rr' − (A_ri A_jr' + A_rj A_ir')/c
        A = [[A[r][s] - (A[r][i] * A[j][s] + A[r][j] * A[i][s]) / c for s in rest] for r in rest]
    return pos, zero, neg


KINDS = {
    "relu-like-spurious-minimum": check_relu_like,
    "deep-linear-critical-point": check_deep_linear,
    SMOOTH_KIND: check_smooth,
}


# ---------------------------------------------------------------------------------------------

def _no_duplicate_keys(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise Rejected(f"duplicate field {k!r}")
        d[k] = v
    return d


def check(cert):
    """Checks a parsed certificate; returns (kind, evidence) or raises Rejected."""
    obj("certificate", cert, ("critcert", "kind", "problem", "witness", "claims"))
    v = cert["critcert"]
    if not isinstance(v, int) or isinstance(v, bool) or v != VERSION:
        raise Rejected(f"unsupported certificate version {v!r} (this checker reads version {VERSION})")
    kind = cert["kind"]
    if kind not in KINDS:
        raise Rejected(f"kind {kind!r} is not one this checker knows")
    return kind, KINDS[kind](cert)


def main(argv):
    skip = "--skip-other-kinds" in argv
    verbose = "-v" in argv or "--verbose" in argv
    files = [a for a in argv if not a.startswith("-")]
    if not files:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    status = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            print(f"check_exact.py: {path}: cannot read: {e}", file=sys.stderr)
            return 2
        try:
            cert = json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except ValueError as e:
            print(f"check_exact.py: {path}: not valid JSON: {e}", file=sys.stderr)
            return 2
        except Rejected as e:
            print(f"rejected: {path}: {e}")
            status = 1
            continue
        if skip and isinstance(cert, dict) and cert.get("kind") not in KINDS:
            print(f"skipped: {path} (kind {cert.get('kind')!r} is not an exact kind this checker covers)")
            continue
        if skip and not_covered(cert) is not None:
            print(f"skipped: {path} ({not_covered(cert)})")
            continue
        try:
            kind, evidence = check(cert)
        except Rejected as e:
            print(f"rejected: {path}: {e}")
            status = 1
            continue
        except Exception as e:  # a bug in this checker, never a verdict
            print(f"check_exact.py: {path}: internal error: {e!r}", file=sys.stderr)
            return 3
        print(f"accepted: {path} ({kind}, {len(evidence)} claims)")
        if verbose:
            for cid, ev in evidence:
                print(f"  ✓ {cid}: {ev}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
