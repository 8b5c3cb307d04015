#!/usr/bin/env python3
"""critcert's second, independent checker: every certificate kind, on python-flint (FLINT/Arb).

Written from the certificate schema (proofs/README.md, whose source is src/paper/guide.md) and
the mathematics (proofs/MATH.md, whose source is src/paper/math.md); it shares no code with the
Rust checker (critcert-check/, on rug: GMP and MPFR). The two agree on the claim ids and their
canonical statements verbatim.

Usage:
    python3 proofs/check_flint.py CERT.json [CERT.json ...]     # -v: the evidence per claim
    python3 proofs/check_flint.py CERT.json --data FILE.csv     # a Theorem 1 certificate that
                                                 # names its data file by SHA-256
    python3 proofs/check_flint.py $(find proofs -name '*.json' | sort)
    python3 proofs/check_flint.py --self-test    # its derivative formulas and Taylor jets
                                                 # against flint.arb_series, and the
                                                 # critical-point gradients and Hessians
                                                 # against central differences (exit 0 or 3)

Needs Python 3 and python-flint (`pip install python-flint`, tested with 0.9.0); nothing
else. Exit status: 0 every certificate accepted; 1 some certificate rejected (the failing claim
id, or the field, and the reason are printed); 2 a file unreadable, not JSON (NaN/Infinity
literals included) or nested deeper than 127 levels, or its top level not an object; 3 an
internal error of this checker (never a verdict). `--skip-other-kinds` is accepted and ignored:
nothing is skipped any more (every kind and every activation is checked).

What it checks, per kind (the claims are re-derived from `problem` and `witness` alone):
  relu-like-spurious-minimum (Theorem 1): normal equations, the minimum's output, the region
      bound, (W1, b1) != 0 and the better point's loss -- all exact rationals.
  deep-linear-critical-point (Theorem 4 with any differentiable loss, proofs/MATH.md §3, §6):
      problem.loss is half-squared-frobenius, logistic (dy = 1, labels ±1), cross-entropy
      (softmax; targets probability vectors), huber:δ (δ > 0 rational) or formula:f(yhat, y)
      (the formula grammar below with the variables yhat and y instead of x). G = ∂ℓ0/∂Ŷ at
      Ŷ = W_{H+1:1}X is exact where it is rational (squared, huber, σ(0) = 1/2, a softmax of
      equal entries, a rational formula), else enclosed; ∇ℓ0 = G Xᵀ and every layer gradient
      W_{H+1:j+1}ᵀ ∇ℓ0 W_{j−1:1}ᵀ are then products with exact zeros kept exact. Claims: width;
      critical-point (every layer-gradient entry exactly 0: an enclosure counts only if it is
      exactly [0, 0]); not-critical and product-gradient-nonzero (an entry exactly nonzero or
      whose enclosure excludes 0); product-gradient-zero (exactly 0); global-minimum (convex
      loss, i.e. not a formula, and ∇ℓ0 = 0); for a saddle of the squared loss only, the exact
      loss polynomials of the descent/ascent curves and the negative-curvature direction (any
      other verdict or loss with a curve or direction is refused). near-global-minimum:
      product-box-zero -- Krawczyk's test (this checker's own, shared with critical-point) for
      ∇ℓ0 in the box |R − R̂| ≤ r around R̂ = W_{H+1:1}, the Hessian of ℓ0 enclosed over the
      predictions ŷ_ik ± r‖x_i‖₁; for cross-entropy on the slice 1ᵀR = 1ᵀR̂ (unknowns the first
      dy − 1 rows, the last row minus their sum and moving by ≤ (dy − 1)r‖x_i‖₁; reduced
      gradient rows k < dy minus row dy, reduced Hessian BᵀHB); near-global-minimum -- convex
      loss, AAᵀ − s²I exactly positive definite (A = W_{H+1:2}, the identity for one layer) and
      δ²s² ≥ factor·r², factor = dy·dx (on the slice (dy − 1)dx + dx(dy − 1)²).
      local-minimum / local-maximum (formula losses only): loss-hessian-definite -- per output
      row k the block Σ_i c_ik x_i x_iᵀ, c_ik the lower end (minimum) or the negated upper end
      (maximum) of the enclosure of ∂²f/∂yhat² over ŷ_ik ± r‖x_i‖₁, exactly positive definite;
      then ∇ℓ0 = 0 exactly, that definiteness again, n_j ≥ 0 with n_j² ≥ ‖W_j‖_F², ε > 0 and
      Π(n_j + ε) − Π n_j ≤ r, all exact. Witness fields of another verdict (radius,
      sigma_min_bound, distance, norm_bounds, epsilon) are refused; work m·n² and m·dy·dx² is
      bounded by 2e7, enclosures at 256 + 32 bits.
  smooth-counterexample (Theorem 2), every activation the Rust checker knows (sigmoid, tanh,
      arctan, elu, selu with lambda/alpha as the exact decimals 1.0507009873554804934193349852946
      / 1.6732632423543772848170429916717, softplus, gelu, silu, quadratic, relu-like with its
      slopes) and formula activations (`{"name": "formula", "formula": "..."}`, the grammar and
      limits of the Rust checker: + - * /, ^n and ^(p/q) with |n|, |p|, q <= 64, decimals, x,
      pi, exp ln log sqrt sin cos tanh atan arctan erf abs, max min; at most 1000 bytes, 64
      levels, degree <= 4096):
      zero-loss-point (C2.1 exactly, or for a bracketed v4 by the intermediate value theorem:
      h enclosed -- hence continuous -- on [a, b] and h(v1)h(x) - h(v2)h(v3) of certain opposite
      signs at a and b; C2.2 D != 0, over the whole bracket for a bracketed v4), minimum-loss
      (C2.3 exactly, or u2 defined by it), critical-point (h' exists at v1, v2), hessian-inertia
      (exact 9x9 Hessian, Sylvester inertia), second-order-condition (C2.6, C2.7), and
      local-minimum-box (the Taylor bound of proofs/MATH.md §2 with h''' and h'''' enclosed over
      v_k +- 2 rho; for relu-like, positivity of every pre-activation on the box).
  critical-point (a point theta~ found by training, classified over the box
      B = theta~ + [-r, r]^p; models gaussian-relu -- Safran & Shamir's population loss of a
      two-layer ReLU network on Gaussian inputs, through the arc-cosine kernel -- and mlp -- one
      hidden layer, any activation above, squared loss; at most 1000 parameters, work
      m*p^2*dy (mlp) or (n + t)*n*k^2 (gaussian-relu) <= 5e7): smooth-box (the gradient and Hessian enclosed over B: no two student/teacher
      vectors parallel or 0 on B, resp. h'' enclosed at every pre-activation), unique-critical-
      point (Krawczyk with this checker's own float preconditioner C ~ mid(H)^-1: |C grad(theta~)|
      + r |I - C H(B)| 1 < r componentwise), positive-definite (s^2 > sum rad^2 and an LDL^T of
      mid - sI with every pivot shown > 0), negative-curvature (d^T H(B) d < 0 for the exact d,
      and some diagonal entry of H(B) > 0, so theta* is not a local maximum either),
      loss-enclosure (loss(theta~) + grad(B).[-r, r]^p inside [loss_lower, loss_upper], compared
      exactly), spurious (gaussian-relu with at most n teachers: loss_lower > 0), not-critical (a
      gradient entry at theta~ excludes 0). The gaussian-relu formulas are written with
      S = sqrt(sum_{a<b} (u_a w_b - u_b w_a)^2) and pi - theta = pi/2 + atan(u.w / S) (see the
      section of the kind below); over B every kernel term is enclosed both directly and by the
      mean value form around theta~ (its partial derivatives enclosed over B by forward
      differentiation in Arb balls), and the two are intersected, which gives Hessian enclosures
      several times narrower than direct interval evaluation (so this checker accepts radii up to
      about twice those the Rust checker accepts, never fewer on the certificates tried).
      Every Hessian entry is enclosed at (a, b) and (b, a) and the two are intersected. A witness
      field that the verdict does not use (a direction in a minimum, a shift in a saddle, any
      of radius/shift/direction/loss bounds in a not-critical certificate) is refused.

Arithmetic. Exact values are flint.fmpq (GMP-backed rationals): wherever the Rust checker is
exact, this one is exact too, by the same rules (closed forms at rational and log-rational
points, Taylor jets that stay rational; an exact intermediate of more than 4096 bits continues
as its enclosure). Everything else is enclosed with Arb: every elementary operation (+ - * /,
exp, ln, sqrt, tanh, atan, erf, pi) is an Arb ball computation on exact endpoints, and the
interval [lower bound, upper bound] of the resulting balls is kept (intervals, not mid-radius
balls, because a ball product of two wide balls is wider by a second-order term and the
certificates' radii sit at the limit of the interval computation). Taylor jets of formulas
(h, h', ..., h'''') are propagated coefficient by coefficient on these values. The working
precision is the certificate's `precision` plus 32 guard bits (soundness never depends on the
precision; the guard bits keep Arb's function balls, a few ulps wider than MPFR's correctly
rounded ends, from rejecting a box at the edge of what the Rust checker certifies; at a low
`precision` such as 32 they can make this checker accept a box radius slightly beyond it).
The linear algebra of critical-point (the Krawczyk product C*H, the LDL^T) uses Arb balls and
flint.arb_mat: an interval [lo, hi] becomes the ball arb(lo).union(arb(hi)) containing it; C is
a point matrix, so the ball product adds only rounding.

Fail closed. An enclosure with an infinite or NaN end, a division by an enclosure that may
contain 0, a log (sqrt) of an enclosure that may be <= 0 (< 0), a derivative of max/min/abs
(or of a relu-like or ELU/SELU kink) where the branches may meet, an unshown sign: each makes
the claim fail (exit 1, with the claim id), never pass. Arb's exponents are unbounded, so a
huge but finite value (exp(exp(22)) ~ 10^(1.5e9), where MPFR overflows) stays a finite, rigorous
enclosure; where Arb gives up it returns an infinite ball, which fails the claim. (So this
checker may accept a true claim the Rust checker must refuse for an MPFR overflow; the converse
cannot happen by overflow.)

Strict input, as the Rust checker: exactly the schema's fields (unknown or missing fields
rejected), no duplicate keys, no `null` anywhere, rationals only in the canonical form "p/q"
(lowest terms, q > 1) or "p", of any length up to 1,000,000 characters per number (longer is
rejected); Python's 4300-digit int-string limit is lifted and numbers are parsed by FLINT.
"""

import hashlib
import json
from math import gcd as _gcd, lcm as _lcm
import re
import sys

try:
    from flint import arb, arb_mat, ctx, fmpq, fmpz
except ImportError:  # pragma: no cover
    print("check_flint.py: python-flint is required (pip install python-flint)", file=sys.stderr)
    sys.exit(3)

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)

VERSION = 1
Q = fmpq
MAX_NUMBER_CHARS = 1_000_000  # the longest certificate number (a rational string) accepted
MAX_SCALE_BITS = 4096  # the most bits of a Theorem 1 dataset's common denominator
MAX_ORDER = 64  # the highest loss-polynomial order examined, and the most coefficients per curve layer
MAX_NESTING = 127  # JSON nesting depth accepted (serde_json's limit of 128)
GUARD_BITS = 32  # added to the certificate's precision for every Arb computation
PROG = "check_flint.py"


class Rejected(Exception):
    """The certificate is rejected; the message names the claim or field."""


class Unreadable(Exception):
    """The text is not a certificate at all (exit 2)."""


# ---------------------------------------------------------------------------------------------
# Strict reading of the schema.

_RATIONAL = re.compile(r"(0|-?[1-9][0-9]*)(?:/([1-9][0-9]*))?")


def short(x, n=80):
    """A number or text for a message, cut to `n` characters."""
    s = str(x)
    return s if len(s) <= n else f"{s[:n // 2]}…({len(s)} characters)…{s[-n // 4:]}"


def rational(what, s):
    """A certificate rational: "p/q" in lowest terms with q > 1, or "p"; nothing else."""
    if not isinstance(s, str):
        raise Rejected(f"{what}: expected a rational as a string \"p/q\" or \"p\"")
    if len(s) > MAX_NUMBER_CHARS:
        raise Rejected(f"{what}: a number of {len(s)} characters, above the limit of {MAX_NUMBER_CHARS}")
    m = _RATIONAL.fullmatch(s)
    if not m:
        raise Rejected(f"{what}: {short(s)!r} is not a rational in the form p/q (lowest terms) or p")
    num = fmpz(m.group(1))
    if m.group(2) is None:
        return Q(num)
    den = fmpz(m.group(2))
    if den < 2 or num == 0 or num.gcd(den) != 1:
        raise Rejected(f"{what}: {short(s)!r} is not in lowest terms / canonical form")
    return Q(num, den)


def obj(what, v, required, optional=()):
    """A JSON object with exactly the required keys (plus optional ones); unknown keys rejected."""
    if not isinstance(v, dict):
        raise Rejected(f"{what}: expected an object")
    for k in v:
        if k not in required and k not in optional:
            raise Rejected(f"{what}: unknown field {short(k)!r}")
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


def natural(what, v, limit=2 ** 64 - 1):
    if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v > limit:
        raise Rejected(f"{what}: expected a non-negative integer")
    return v


def string(what, v):
    if not isinstance(v, str):
        raise Rejected(f"{what}: expected a string")
    return v


def require_claims(actual, expected):
    """The claims must be exactly the kind's canonical list: ids and statements, in order."""
    array("claims", actual)
    for i, c in enumerate(actual):
        obj(f"claims[{i + 1}]", c, ("id", "statement"))
        string(f"claims[{i + 1}].id", c["id"])
        string(f"claims[{i + 1}].statement", c["statement"])
    for i, (cid, statement) in enumerate(expected):
        if i >= len(actual):
            raise Rejected(f"claim {cid!r} is missing")
        c = actual[i]
        if c["id"] != cid:
            raise Rejected(f"claim {i + 1} is {short(c['id'])!r}, expected {cid!r}")
        if c["statement"] != statement:
            raise Rejected(f"claim {cid!r}: the statement is not the canonical one for this id")
    if len(actual) > len(expected):
        raise Rejected(f"unknown claim {short(actual[len(expected)]['id'])!r}")


def fail(cid, reason):
    return Rejected(f"claim {cid!r} fails: {reason}")


# ---------------------------------------------------------------------------------------------
# Arithmetic of the smooth kind: exact rationals (fmpq) and Arb-backed intervals (Iv).


class EvalError(Exception):
    """An enclosure could not be formed (a refusal: a pole, a log of a non-positive number, a
    derivative across a kink, ...); the claim that needed it fails."""


class NotFinite(EvalError):
    """An enclosure with an infinite or NaN end: the claim that needed it fails."""


MAX_EXACT_BITS = 4096  # an exact intermediate with more bits continues as its enclosure


def _lo(b):
    return b.lower()


def _hi(b):
    return b.upper()


def _min(xs):
    m = xs[0]
    for x in xs[1:]:
        if x < m:
            m = x
    return m


def _max(xs):
    m = xs[0]
    for x in xs[1:]:
        if x > m:
            m = x
    return m


class Iv:
    """A closed interval [lo, hi] whose ends are exact Arb numbers (radius 0), both finite.

    Every operation evaluates Arb balls at the ends (at the current `ctx.prec`) and keeps the
    lower bound of the ball giving the lower end and the upper bound of the one giving the upper
    end, so the result contains the exact result for every member of the operands. A result
    with an infinite or NaN end raises NotFinite (fail closed)."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo_ball, hi_ball):
        lo, hi = _lo(lo_ball), _hi(hi_ball)
        if not (lo.is_finite() and hi.is_finite()):
            raise NotFinite("an enclosure is not finite (an infinite or NaN end)")
        if not lo <= hi:
            raise NotFinite("an enclosure has its ends out of order")
        self.lo, self.hi = lo, hi

    @staticmethod
    def from_q(q):
        b = arb(q)
        return Iv(b, b)

    @staticmethod
    def from_int(n):
        return Iv.from_q(Q(n))

    @staticmethod
    def span(a, b):
        return Iv(arb(a), arb(b))

    @staticmethod
    def pi():
        b = arb.pi()
        return Iv(b, b)

    def is_positive(self):
        return self.lo > 0

    def is_negative(self):
        return self.hi < 0

    def contains_zero(self):
        return self.lo <= 0 and self.hi >= 0

    def hull(self, o):
        return Iv(_min([self.lo, o.lo]), _max([self.hi, o.hi]))

    def neg(self):
        return Iv(-self.hi, -self.lo)

    def add(self, o):
        return Iv(self.lo + o.lo, self.hi + o.hi)

    def sub(self, o):
        return Iv(self.lo - o.hi, self.hi - o.lo)

    def mul(self, o):
        ps = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi]
        return Iv(_min([_lo(p) for p in ps]), _max([_hi(p) for p in ps]))

    def div(self, o):
        """x / y, or None when y may contain 0."""
        if o.contains_zero():
            return None
        one = arb(1)
        return self.mul(Iv(one / o.hi, one / o.lo))

    def sq(self):
        if self.lo >= 0:
            return Iv(self.lo * self.lo, self.hi * self.hi)
        if self.hi <= 0:
            return Iv(self.hi * self.hi, self.lo * self.lo)
        return Iv(arb(0), _max([_hi(self.lo * self.lo), _hi(self.hi * self.hi)]))

    def abs(self):
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return self.neg()
        return Iv(arb(0), _max([-self.lo, self.hi]))

    def _monotone(self, f):
        return Iv(f(self.lo), f(self.hi))

    def exp(self):
        return self._monotone(arb.exp)

    def ln(self):
        if not self.lo > 0:
            raise EvalError(f"ln of a number that may be ≤ 0 (its enclosure is {self.show()})")
        return self._monotone(arb.log)

    def sqrt(self):
        if not self.lo >= 0:
            raise EvalError(f"sqrt of a number that may be < 0 (its enclosure is {self.show()})")
        return self._monotone(arb.sqrt)

    def tanh(self):
        return self._monotone(arb.tanh)

    def atan(self):
        return self._monotone(arb.atan)

    def erf(self):
        return self._monotone(arb.erf)

    def _trig(self, f, shift):
        """sin (shift 1/2) or cos (shift 0): the ends' values, and (-1)^k wherever an extremum
        (k + shift)·π may lie in the interval (t = x/π − shift an integer k)."""
        t = self.div(Iv.pi()).sub(Iv.from_q(Q(shift)))
        lo_k, hi_k = t.lo.ceil(), t.hi.floor()
        ends = [f(self.lo), f(self.hi)]
        lo, hi = _min([_lo(e) for e in ends]), _max([_hi(e) for e in ends])
        if lo_k < hi_k:
            return Iv(arb(-1), arb(1))
        if lo_k == hi_k:
            if int(lo_k.unique_fmpz()) % 2 == 0:
                hi = arb(1)
            else:
                lo = arb(-1)
        return Iv(lo, hi)

    def sin(self):
        return self._trig(arb.sin, 1 / Q(2))

    def cos(self):
        return self._trig(arb.cos, Q(0))

    def root(self, q):
        """The real q-th root; the interval must be positive (or, for odd q, negative)."""
        if self.is_positive():
            return self._monotone(lambda b: b.root(q))
        if q % 2 == 1 and self.is_negative():
            return self.neg().root(q).neg()
        raise EvalError(f"a root of a number that may be {'≤ 0' if q % 2 == 0 else '0'} (its enclosure is {self.show()})")

    def show(self, digits=12):
        return f"[{self.lo.str(digits, radius=False)}, {self.hi.str(digits, radius=False)}]"


def is_exact(v):
    return isinstance(v, fmpq)


def exact(q):
    """q exactly, or its enclosure when it has more than MAX_EXACT_BITS bits."""
    if abs(q.p).bit_length() + q.q.bit_length() > MAX_EXACT_BITS:
        return Iv.from_q(q)
    return q


def to_iv(v):
    return Iv.from_q(v) if is_exact(v) else v


def vadd(a, b):
    return exact(a + b) if is_exact(a) and is_exact(b) else to_iv(a).add(to_iv(b))


def vsub(a, b):
    return exact(a - b) if is_exact(a) and is_exact(b) else to_iv(a).sub(to_iv(b))


def is_zero(v):
    return is_exact(v) and v == 0


def vmul(a, b):
    """a·b; exactly 0 when either factor is exactly 0 (every enclosure here is finite)."""
    if is_zero(a) or is_zero(b):
        return Q(0)
    return exact(a * b) if is_exact(a) and is_exact(b) else to_iv(a).mul(to_iv(b))


def vdiv(a, b):
    """a/b, or None when b may be 0."""
    if is_zero(b):
        return None
    if is_exact(a) and is_exact(b):
        return exact(a / b)
    return to_iv(a).div(to_iv(b))


def vsign(v):
    """-1, 0 or 1 when the sign is certain, else None."""
    if is_exact(v):
        return (v > 0) - (v < 0)
    if v.is_positive():
        return 1
    if v.is_negative():
        return -1
    return None


def vshow(v):
    return f"{short(v)} (exact)" if is_exact(v) else f"∈ {v.show()} (interval)"


def vhow(v):
    return "exact" if is_exact(v) else "interval"


class Prec:
    """`with Prec(bits):` evaluates Arb at `bits` bits and restores the previous precision."""

    def __init__(self, bits):
        self.bits = bits

    def __enter__(self):
        self.saved = ctx.prec
        ctx.prec = self.bits

    def __exit__(self, *exc):
        ctx.prec = self.saved
        return False


# ---------------------------------------------------------------------------------------------
# Formula activations: the grammar and limits of the Rust checker (src/cert/formula.rs), parsed
# here from the bytes of the text, and evaluated by Taylor arithmetic (jets) to order 4.

FORMULA_MAX_LEN = 1000  # bytes
FORMULA_MAX_DEPTH = 64  # nesting of parentheses, calls and signs
FORMULA_MAX_EXPONENT = 64  # |n| of a^n, and |p|, q of a^(p/q)
FORMULA_MAX_DEGREE = 4096  # degree bound in x (powers of powers multiply)
_WS = b" \t\n\r\x0c"  # Rust's u8::is_ascii_whitespace
# Unicode White_Space (what Rust's str::trim removes).
_TRIM = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_FUNS = {"exp": "exp", "ln": "ln", "log": "ln", "sqrt": "sqrt", "tanh": "tanh", "atan": "atan",
         "arctan": "atan", "erf": "erf", "abs": "abs", "sin": "sin", "cos": "cos"}


class FormulaError(Exception):
    pass


def _digit(c):
    return 48 <= c <= 57


def _alpha(c):
    return 65 <= c <= 90 or 97 <= c <= 122


class _Parser:
    def __init__(self, s, loss=False):
        self.s, self.i, self.depth = s, 0, 0
        self.loss = loss  # a loss formula f(yhat, y): the variables are yhat and y, not x

    def peek(self):
        while self.i < len(self.s) and self.s[self.i] in _WS:
            self.i += 1
        return self.s[self.i] if self.i < len(self.s) else None

    def eat(self, c):
        hit = self.peek() == ord(c)
        self.i += hit
        return hit

    def err(self, what):
        raise FormulaError(f"{what} at character {self.i + 1}")

    def take(self, ok):
        start = self.i
        while self.i < len(self.s) and ok(self.s[self.i]):
            self.i += 1
        return self.s[start:self.i].decode("ascii")

    def sum(self):
        a = self.product()
        while True:
            if self.eat("+"):
                a = ("add", a, self.product())
            elif self.eat("-"):
                a = ("sub", a, self.product())
            else:
                return a

    def product(self):
        a = self.unary()
        while True:
            if self.eat("*"):
                a = ("mul", a, self.unary())
            elif self.eat("/"):
                a = ("div", a, self.unary())
            else:
                return a

    def unary(self):
        self.depth += 1
        if self.depth > FORMULA_MAX_DEPTH:
            self.err(f"nested more than {FORMULA_MAX_DEPTH} levels deep")
        f = self.signed_power()
        self.depth -= 1
        return f

    def signed_power(self):
        if self.eat("-"):
            return ("neg", self.unary())
        base = self.atom()
        if not self.eat("^"):
            return base
        paren = self.eat("(")
        negative = self.eat("-")
        self.peek()
        t = self.take(_digit)
        if not t or int(t) > 2 ** 31 - 1:  # Rust: parse::<i32>() of the digits
            self.err("expected an integer exponent")
        n = int(t)
        d = 1
        if paren and self.eat("/"):
            self.peek()
            t = self.take(_digit)
            if not t or int(t) > 2 ** 31 - 1:
                self.err("expected an integer denominator")
            d = int(t)
        if paren and not self.eat(")"):
            self.err("expected ')'")
        if n > FORMULA_MAX_EXPONENT:
            self.err(f"exponent {n} beyond ±{FORMULA_MAX_EXPONENT}")
        if d == 0 or d > FORMULA_MAX_EXPONENT:
            self.err(f"exponent denominator {d} not in 1..={FORMULA_MAX_EXPONENT}")
        g = _gcd(n, d)
        n, d = n // g, d // g
        n = -n if negative else n
        return ("pow", base, n) if d == 1 else ("rpow", base, n, d)

    def atom(self):
        c = self.peek()
        if c is None:
            self.err("unexpected end")
        if c == ord("("):
            self.i += 1
            e = self.sum()
            if not self.eat(")"):
                self.err("expected ')'")
            return e
        if _digit(c) or c == ord("."):
            t = self.take(lambda c: _digit(c) or c == ord("."))
            int_part, _, frac = t.partition(".")
            digits = int_part + frac
            if not digits or "." in frac:
                raise FormulaError(f"'{t}' is not a decimal number")
            return ("num", Q(fmpz(digits), fmpz(10) ** len(frac)))
        if _alpha(c):
            name = self.take(lambda c: _digit(c) or _alpha(c) or c == ord("_"))
            if not self.eat("("):
                if name == ("yhat" if self.loss else "x"):
                    return ("x",)
                if name == "y" and self.loss:
                    return ("y",)
                if name == "pi":
                    return ("pi",)
                self.err(f"unknown name '{name}' (the variables are yhat and y)" if self.loss
                         else f"unknown name '{name}' (the variable is x)")
            args = [self.sum()]
            while self.eat(","):
                args.append(self.sum())
            if not self.eat(")"):
                self.err("expected ')'")
            if name in ("max", "min"):
                if len(args) != 2:
                    raise FormulaError(f"{name} takes two arguments")
                return (name, args[0], args[1])
            if name not in _FUNS:
                raise FormulaError(f"unknown function '{name}'")
            if len(args) != 1:
                raise FormulaError(f"{name} takes one argument")
            return ("call", _FUNS[name], args[0])
        self.err("unexpected character")


def formula_degree(f):
    """The Rust checker's degree bound: x 1, numbers 0, sums the larger, products and quotients
    the sum, a^n |n| times, a^(p/q) ceil(|p|/q) times, a call its argument (saturating at
    2^64 - 1)."""
    cap = 2 ** 64 - 1
    op = f[0]
    if op == "x":
        return 1
    if op in ("num", "pi", "y"):
        return 0
    if op in ("neg", "call"):
        return formula_degree(f[-1])
    if op in ("add", "sub", "max", "min"):
        return max(formula_degree(f[1]), formula_degree(f[2]))
    if op in ("mul", "div"):
        return min(cap, formula_degree(f[1]) + formula_degree(f[2]))
    if op == "pow":
        return min(cap, formula_degree(f[1]) * abs(f[2]))
    if op == "rpow":
        return min(cap, formula_degree(f[1]) * -(-abs(f[2]) // f[3]))
    raise AssertionError(op)


def parse_formula(text, loss=False):
    """The formula text (already trimmed) parsed, or FormulaError. `loss`: a per-entry loss
    formula f(yhat, y), whose variables are yhat (the prediction, evaluated as the jet variable)
    and y (the target, a constant bound by bind_y before evaluation) instead of x."""
    s = text.encode("utf-8", "surrogatepass")
    if len(s) > FORMULA_MAX_LEN:
        raise FormulaError(f"longer than {FORMULA_MAX_LEN} bytes")
    p = _Parser(s, loss)
    f = p.sum()
    if p.peek() is not None:
        p.err("unexpected text")
    deg = formula_degree(f)
    if deg > FORMULA_MAX_DEGREE:
        raise FormulaError(f"degree in x up to {deg}, above the limit {FORMULA_MAX_DEGREE} (powers of powers multiply)")
    return f


def bind_y(f, y):
    """The loss formula f with its target y replaced by the rational y."""
    op = f[0]
    if op == "y":
        return ("num", y)
    if op in ("x", "num", "pi"):
        return f
    if op in ("neg", "pow", "rpow"):
        return (op, bind_y(f[1], y)) + tuple(f[2:])
    if op == "call":
        return (op, f[1], bind_y(f[2], y))
    return (op, bind_y(f[1], y), bind_y(f[2], y))


# Jets: lists of Taylor coefficients f^(k)(xi)/k!, each exact (fmpq) or an interval.

def _zero():
    return Q(0)


def _scale(v, c):
    return vmul(v, Q(c))


def _cauchy(a, b):
    out = []
    for k in range(len(a)):
        s = _zero()
        for i in range(k + 1):
            s = vadd(s, vmul(a[i], b[k - i]))
        out.append(s)
    return out


def _square(a):
    c = _cauchy(a, a)
    c[0] = vmul(a[0], a[0]) if is_exact(a[0]) else a[0].sq()
    return c


def _divide(a, b):
    c = []
    for k in range(len(a)):
        s = a[k]
        for i in range(1, k + 1):
            s = vsub(s, vmul(b[i], c[k - i]))
        q = vdiv(s, b[0])
        if q is None:
            raise EvalError("a denominator may be 0")
        c.append(q)
    return c


def _integrate(f0, a, g):
    """f with f' = g·a', given f(a0): f_k = (1/k) Σ_{j=1..k} j a_j g_{k−j}."""
    f = [f0]
    for k in range(1, len(a)):
        s = _zero()
        for j in range(1, k + 1):
            s = vadd(s, vmul(_scale(a[j], j), g[k - j]))
        f.append(_scale(s, Q(1, k)))
    return f


def _scalar(fun, v):
    """fun(v) for a value, exact where the result is a known rational."""
    if is_exact(v):
        q = v
        if fun == "exp" and q == 0:
            return Q(1)
        if fun == "ln" and q == 1:
            return Q(0)
        if fun in ("tanh", "atan", "erf", "sin") and q == 0:
            return Q(0)
        if fun == "cos" and q == 0:
            return Q(1)
        if fun == "sqrt" and q >= 0 and q.p.is_square() and q.q.is_square():
            return Q(q.p.isqrt(), q.q.isqrt())
        if fun == "abs":
            return abs(q)
    x = to_iv(v)
    if fun == "exp":
        return x.exp()
    if fun == "ln":
        return x.ln()
    if fun == "sqrt":
        return x.sqrt()
    if fun == "tanh":
        return x.tanh()
    if fun == "atan":
        return x.atan()
    if fun == "erf":
        return x.erf()
    if fun == "sin":
        return x.sin()
    if fun == "cos":
        return x.cos()
    if fun == "abs":
        return x.abs()
    raise AssertionError(fun)


def _pick(a, b, larger):
    """max(a, b) or min(a, b) of two jets; refuses derivatives where the branches may meet."""
    want = 1 if larger else -1
    s = vsign(vsub(a[0], b[0]))
    if s == want:
        return a
    if s == -want:
        return b
    if len(a) == 1:
        x, y = a[0], b[0]
        if is_exact(x) and is_exact(y):
            return [max(x, y) if larger else min(x, y)]
        return [to_iv(x).hull(to_iv(y))]
    raise EvalError(f"{'max' if larger else 'min'}(…) is not smooth where its arguments meet, and they may meet here: no derivative")


def _rpow_scalar(v, p, q):
    """v^(p/q) (q ≥ 2, lowest terms): v must be shown > 0, or ≠ 0 for odd q; exact when v is
    a q-th power of a rational."""
    s = vsign(v)
    if s is None or s == 0 or (s < 0 and q % 2 == 0):
        raise EvalError(f"^({p}/{q}) of a number that may be {'≤ 0' if q % 2 == 0 else '0'}: not shown in its domain")
    if is_exact(v):
        m = abs(v)
        rn, rd = m.p.root(q), m.q.root(q)
        if rn ** q == m.p and rd ** q == m.q:
            return exact(Q(s * rn, rd) ** p)
    r = to_iv(v).root(q)
    out = Iv.from_int(1)
    for _ in range(abs(p)):
        out = out.mul(r)
    if p > 0:
        return out
    inv = Iv.from_int(1).div(out)
    if inv is None:
        raise EvalError(f"^({p}/{q}) of a number that may be 0")
    return inv


def _exp_jet(f0, a):
    e = [f0]
    for k in range(1, len(a)):
        s = _zero()
        for j in range(1, k + 1):
            s = vadd(s, vmul(_scale(a[j], j), e[k - j]))
        e.append(_scale(s, Q(1, k)))
    return e


def formula_jet(f, x):
    """The jet of the formula f at the jet x (same length)."""
    n = len(x)

    def konst(v):
        return [v] + [_zero() for _ in range(n - 1)]

    op = f[0]
    if op == "x":
        return list(x)
    if op == "num":
        return konst(f[1])
    if op == "y":
        raise EvalError("the target y of a loss formula is not bound")
    if op == "pi":
        return konst(Iv.pi())
    if op == "neg":
        return [vsub(_zero(), c) for c in formula_jet(f[1], x)]
    if op in ("add", "sub"):
        a, b = formula_jet(f[1], x), formula_jet(f[2], x)
        return [vadd(u, v) if op == "add" else vsub(u, v) for u, v in zip(a, b)]
    if op == "mul":
        return _cauchy(formula_jet(f[1], x), formula_jet(f[2], x))
    if op == "div":
        return _divide(formula_jet(f[1], x), formula_jet(f[2], x))
    if op == "pow":
        a, e = formula_jet(f[1], x), f[2]
        m = abs(e)
        if m == 2:
            r = _square(a)
        else:
            r = konst(Q(1))
            for _ in range(m):
                r = _cauchy(r, a)
        return _divide(konst(Q(1)), r) if e < 0 else r
    if op == "rpow":
        # f = a^r, r = p/q: a·f' = r·a'·f, so f_k = Σ_{j=1..k} (r·j − (k − j)) a_j f_{k−j} / (k·a_0).
        a, p, q = formula_jet(f[1], x), f[2], f[3]
        r = Q(p, q)
        out = [_rpow_scalar(a[0], p, q)]
        for k in range(1, n):
            s = _zero()
            for j in range(1, k + 1):
                s = vadd(s, vmul(_scale(a[j], r * j - (k - j)), out[k - j]))
            c = vdiv(s, _scale(a[0], k))
            if c is None:
                raise EvalError("a denominator may be 0")
            out.append(c)
        return out
    if op in ("max", "min"):
        return _pick(formula_jet(f[1], x), formula_jet(f[2], x), op == "max")
    if op == "call":
        fun = f[1]
        a = formula_jet(f[2], x)
        f0 = _scalar(fun, a[0])
        if fun == "abs":
            neg = [vsub(_zero(), c) for c in a]
            j = list(_pick(a, neg, True))
            j[0] = f0
            return j
        if fun == "exp":
            return _exp_jet(f0, a)
        if fun in ("sin", "cos"):
            # s' = c·a', c' = −s·a'.
            s, c = [_scalar("sin", a[0])], [_scalar("cos", a[0])]
            for k in range(1, n):
                ds, dc = _zero(), _zero()
                for j in range(1, k + 1):
                    aj = _scale(a[j], j)
                    ds = vadd(ds, vmul(aj, c[k - j]))
                    dc = vsub(dc, vmul(aj, s[k - j]))
                s.append(_scale(ds, Q(1, k)))
                c.append(_scale(dc, Q(1, k)))
            return s if fun == "sin" else c
        if fun == "ln":
            return _integrate(f0, a, _divide(konst(Q(1)), a))
        if fun == "sqrt":
            s = [f0]
            two_s0 = _scale(s[0], 2)
            for k in range(1, n):
                t = a[k]
                for j in range(1, k):
                    t = vsub(t, vmul(s[j], s[k - j]))
                q = vdiv(t, two_s0)
                if q is None:
                    raise EvalError("sqrt is not differentiable at 0")
                s.append(q)
            return s
        if fun == "tanh":
            t = [f0]
            g = [vsub(Q(1), _square(t)[0])]
            for k in range(1, n):
                s = _zero()
                for j in range(1, k + 1):
                    s = vadd(s, vmul(_scale(a[j], j), g[k - j]))
                t.append(_scale(s, Q(1, k)))
                tt = _zero()
                for i in range(k + 1):
                    tt = vadd(tt, vmul(t[i], t[k - i]))
                g.append(vsub(_zero(), tt))
            return t
        if fun == "atan":
            one_plus = _square(a)
            one_plus[0] = vadd(one_plus[0], Q(1))
            return _integrate(f0, a, _divide(konst(Q(1)), one_plus))
        if fun == "erf":
            minus_sq = [vsub(_zero(), c) for c in _square(a)]
            e = _exp_jet(_scalar("exp", minus_sq[0]), minus_sq)
            two = Iv.from_int(2)
            c = two.div(Iv.pi().sqrt())
            return _integrate(f0, a, [vmul(v, c) for v in e])
    raise AssertionError(op)


def formula_derivatives(f, n, x):
    """h, h', ..., h^(n) at the value x (exact or an interval), from one jet of length n + 1."""
    jet = [x] + ([Q(1)] if n >= 1 else []) + [_zero() for _ in range(n - 1)]
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20000))
    try:
        j = formula_jet(f, jet)
    finally:
        sys.setrecursionlimit(old)
    out, fact = [], 1
    for k, c in enumerate(j):
        fact *= max(k, 1)
        out.append(_scale(c, fact))
    return out


# ---------------------------------------------------------------------------------------------
# Activations: exact values where a closed form is rational, enclosures of h^(k), k <= 4.

SELU_LAMBDA = "1.0507009873554804934193349852946"
SELU_ALPHA = "1.6732632423543772848170429916717"
NAMED = ("sigmoid", "tanh", "arctan", "elu", "selu", "softplus", "gelu", "silu", "quadratic")


def decimal_q(s):
    int_part, _, frac = s.partition(".")
    return Q(fmpz(int_part + frac), fmpz(10) ** len(frac))


class Pt:
    """A real number rat + Σ c·ln q (q > 0 rational): the points the checker evaluates at."""

    def __init__(self, rat, logs=()):
        self.rat, self.logs = rat, list(logs)

    @staticmethod
    def midpoint(a, b):
        half = Q(1, 2)
        return Pt((a.rat + b.rat) * half, [(c * half, q) for c, q in a.logs + b.logs])

    def as_rational(self):
        return self.rat if all(c == 0 for c, _ in self.logs) else None

    def exp_exact(self, t):
        """e^(t·x) exactly, when it is rational (each log term separately), else None."""
        if self.rat != 0:
            return None
        p = Q(1)
        for c, q in self.logs:
            r = rat_pow(q, c * t)
            if r is None:
                return None
            p *= r
        return p

    def enclose(self):
        x = Iv.from_q(self.rat)
        for c, q in self.logs:
            x = x.add(Iv.from_q(q).ln().mul(Iv.from_q(c)))
        return x

    def show(self):
        terms = ([short(self.rat)] if self.rat != 0 or not self.logs else []) + \
            [f"{short(c)}·ln({short(q)})" for c, q in self.logs]
        return " + ".join(terms)


def rat_pow(q, e):
    """q^e (q > 0) when it is rational, for exponents with denominator <= 64 and |numerator| <= 256."""
    b, a = e.q, abs(e.p)
    if b > 64 or a > 256:
        return None
    b, a = int(b), int(a)

    def root(n):
        r = n.root(b)
        return r if r ** b == n else None

    rn, rd = root(q.p), root(q.q)
    if rn is None or rd is None:
        return None
    p = Q(rn, rd) ** a
    return 1 / p if e.p < 0 else p


def log_products_equal(a, b, c, d):
    """ln a · ln d = ln b · ln c exactly, for rationals > 0 that are integer powers of one
    common base (other than 1); None when this cannot be decided that way."""
    zero_l = a == 1 or d == 1
    zero_r = b == 1 or c == 1
    if zero_l or zero_r:
        return zero_l == zero_r

    def base(r):
        for e in range(64, 0, -1):
            g = rat_pow(r, Q(1, e))
            if g is not None:
                return (1 / g, -e) if g < 1 else (g, e)
        return None

    bs = [base(r) for r in (a, b, c, d)]
    if any(x is None for x in bs):
        return None
    (ga, ea), (gb, eb), (gc, ec), (gd, ed) = bs
    if not (ga == gb == gc == gd):
        return None
    return ea * ed == eb * ec


def _poly_q(c, x):
    acc = Q(0)
    for k in reversed(c):
        acc = acc * x + k
    return acc


def _poly_i(c, x):
    acc = Iv.from_int(0)
    for k in reversed(c):
        acc = acc.mul(x).add(Iv.from_int(k))
    return acc


# σ^(k) as polynomials in s = σ; tanh^(k) in t = tanh; GELU^(k)/φ (k = 2, 3, 4) in x.
SIGMOID = [[0, 1], [0, 1, -1], [0, 1, -3, 2], [0, 1, -7, 12, -6], [0, 1, -15, 50, -60, 24]]
TANH = [[0, 1], [1, 0, -1], [0, -2, 0, 2], [-2, 0, 8, 0, -6], [0, 16, 0, -40, 0, 24]]
GELU = [[2, 0, -1], [0, -4, 0, 1], [-4, 0, 7, 0, -1]]


class Act:
    """An activation: a name ('sigmoid', ..., 'relu-like' with slopes, 'formula' with a parse)."""

    def __init__(self, name, slopes=None, formula=None):
        self.name, self.slopes, self.formula = name, slopes, formula

    def elu_scales(self):
        if self.name == "selu":
            lam = decimal_q(SELU_LAMBDA)
            return lam, lam * decimal_q(SELU_ALPHA)
        return Q(1), Q(1)

    def exact_at(self, k, x):
        """h^(k)(x) exactly where a closed form gives a rational; else None."""
        r = x.as_rational()
        zero = r is not None and r == 0
        n = self.name
        if n == "quadratic":
            if r is None:
                return None
            return [r * r, 2 * r, Q(2)][k] if k <= 2 else Q(0)
        if n == "relu-like":
            if r is None:
                return None
            sp, sm = self.slopes
            if r > 0:
                s = sp
            elif r < 0:
                s = sm
            else:
                return Q(0) if k == 0 else None
            return s * r if k == 0 else (s if k == 1 else Q(0))
        if n == "sigmoid":
            e = x.exp_exact(Q(1))
            return None if e is None else _poly_q(SIGMOID[k], e / (e + 1))
        if n == "tanh":
            e = x.exp_exact(Q(2))
            return None if e is None else _poly_q(TANH[k], (e - 1) / (e + 1))
        if n == "softplus" and k >= 1:
            e = x.exp_exact(Q(1))
            return None if e is None else _poly_q(SIGMOID[k - 1], e / (e + 1))
        if n in ("elu", "selu"):
            lin, ex = self.elu_scales()
            if r is not None:
                if r > 0:
                    return lin * r if k == 0 else (lin if k == 1 else Q(0))
                if zero:
                    return Q(0) if k == 0 else None
                return None
            e = x.exp_exact(Q(1))
            if e is None:
                return None
            if e == 1:
                return Q(0) if k == 0 else None
            if e < 1:
                return (e - 1) * ex if k == 0 else e * ex
            return None if k == 0 else (lin if k == 1 else Q(0))
        if n == "formula":
            if r is None:
                return None
            try:
                with Prec(64):
                    v = formula_derivatives(self.formula, k, r)[k]
            except EvalError:
                return None
            return v if is_exact(v) else None
        if n == "arctan" and zero and k <= 2:
            return Q(1 if k == 1 else 0)
        if n == "gelu" and zero and k <= 1:
            return Q(k, 2)
        if n == "silu" and zero and k <= 2:
            return Q(1 if k >= 1 else 0, 2)
        return None

    def enclose_upto(self, n, x):
        """Enclosures of h, h', ..., h^(n) over the interval x (one jet for a formula)."""
        if self.name == "formula":
            return [to_iv(v) for v in formula_derivatives(self.formula, n, x)]
        return [self.enclose(k, x) for k in range(n + 1)]

    def enclose(self, k, x):
        """An enclosure of h^(k) over the interval x, k <= 4; EvalError for a derivative of a
        piecewise activation over an interval that contains its kink at 0."""
        n = self.name

        def kink():
            raise EvalError(f"{n} is not smooth at 0, which lies in {x.show(8)}: no enclosure of its derivative of order {k}")

        def sig(x):
            one = Iv.from_int(1)
            return one.div(one.add(x.neg().exp()))

        if n == "formula":
            return to_iv(formula_derivatives(self.formula, k, x)[k])
        if n == "quadratic":
            return [x.sq(), x.mul(Iv.from_int(2)), Iv.from_int(2)][k] if k <= 2 else Iv.from_int(0)
        if n == "relu-like":
            sp, sm = self.slopes
            if k == 0:
                # s+ x on x > 0 and s- x on x < 0; the hull of both where x may be 0.
                if x.is_positive():
                    return x.mul(Iv.from_q(sp))
                if x.is_negative():
                    return x.mul(Iv.from_q(sm))
                return x.mul(Iv.from_q(sp)).hull(x.mul(Iv.from_q(sm)))
            if x.contains_zero():
                kink()
            s = sp if x.is_positive() else sm
            return Iv.from_q(s) if k == 1 else Iv.from_int(0)
        if n in ("elu", "selu"):
            lin, ex = self.elu_scales()

            def lin_b(k):
                return [x.mul(Iv.from_q(lin)), Iv.from_q(lin)][k] if k <= 1 else Iv.from_int(0)

            def exp_b(k):
                e = x.exp()
                v = e.sub(Iv.from_int(1)) if k == 0 else e
                return v.mul(Iv.from_q(ex))

            if x.is_positive():
                return lin_b(k)
            if x.is_negative():
                return exp_b(k)
            if k == 0:
                return lin_b(0).hull(exp_b(0))
            kink()
        if n == "sigmoid":
            return _poly_i(SIGMOID[k], sig(x))
        if n == "tanh":
            return _poly_i(TANH[k], x.tanh())
        if n == "softplus":
            if k == 0:
                return Iv.from_int(1).add(x.exp()).ln()
            return _poly_i(SIGMOID[k - 1], sig(x))
        if n == "silu":
            s = sig(x)
            own = _poly_i(SIGMOID[k], s).mul(x)
            return own if k == 0 else own.add(_poly_i(SIGMOID[k - 1], s).mul(Iv.from_int(k)))
        if n == "arctan":
            one = Iv.from_int(1)
            r = one.div(one.add(x.sq()))

            def pw(m):
                acc = r
                for _ in range(1, m):
                    acc = acc.mul(r)
                return acc

            if k == 0:
                return x.atan()
            if k == 1:
                return r
            if k == 2:
                return _poly_i([0, -2], x).mul(pw(2))
            if k == 3:
                return _poly_i([-2, 0, 6], x).mul(pw(3))
            return _poly_i([0, 24, 0, -24], x).mul(pw(4))
        if n == "gelu":
            two = Iv.from_int(2)
            sqrt2 = two.sqrt()
            big_phi = Iv.from_int(1).add(x.div(sqrt2).erf()).div(two)
            small_phi = x.sq().div(two).neg().exp().div(two.mul(Iv.pi()).sqrt())
            if k == 0:
                return x.mul(big_phi)
            if k == 1:
                return big_phi.add(x.mul(small_phi))
            return small_phi.mul(_poly_i(GELU[k - 2], x))
        raise AssertionError(n)


def value(act, k, x):
    """h^(k)(x): exact where a closed form is rational, else an enclosure (EvalError if none)."""
    q = act.exact_at(k, x)
    return q if q is not None else act.enclose(k, x.enclose())


# ---------------------------------------------------------------------------------------------
# Kind relu-like-spurious-minimum (Theorem 1): check_thm1, as critcert-check/src/thm1.rs.

THM1_KIND = "relu-like-spurious-minimum"
THM1_CLAIMS = [
    ("normal-equations", "W̄ is a least-squares solution: (W̄X̃ − Y)X̃ᵀ = 0 exactly, so ℓ0(W̄) is the minimum loss of any affine model"),
    ("minimum-output", "the network at the minimum outputs exactly W̄X̃, so its loss is ℓ0(W̄)"),
    ("local-minimum-region", "every hidden pre-activation at the minimum is at least μ > 0 and ρ(1 + max_i ‖x_i‖₁) ≤ μ, so on the region ‖W1 − Ŵ1‖_max < ρ, ‖b1 − b̂1‖_max < ρ (any W2, b2) the network is affine in x and its loss is at least ℓ0(W̄): the minimum is a local minimum"),
    ("infinitely-many-minima", "(W1, b1) ≠ 0 at the minimum, so by positive homogeneity of h̄ the points (tŴ1, tb̂1, Ŵ2/t, b̂2), t > 0, are distinct local minima with the same loss (region radius tρ)"),
    ("strictly-better-point", "the better point has loss strictly below ℓ0(W̄), so the minimum is not global: it is a spurious local minimum"),
]


def thm1_point(what, p, d1, dx):
    obj(what, p, ("W1", "b1", "W2", "b2"))
    return {
        "W1": mat(f"{what}.W1", p["W1"], d1, dx),
        "b1": vec(f"{what}.b1", p["b1"], d1),
        "W2": mat(f"{what}.W2", p["W2"], 1, d1)[0],
        "b2": vec(f"{what}.b2", p["b2"], 1)[0],
    }


# Theorem 1 data files (problem.data.csv): the CSV rules of the schema, implemented anew.

CSV_MAX_DIGITS = 10_000  # digits in the mantissa of each side of one number
CSV_MAX_EXPONENT = 10_000
# Unicode White_Space (what Rust's str::trim removes; Python's str.strip() would also remove
# U+001C..U+001F, so the set is explicit).
CSV_WS = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"
_CSV_DECIMAL = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,6}))?")
DATA_FILE = None  # the name of the file given with --data (read when a certificate names it)


def csv_decimal(t):
    m = _CSV_DECIMAL.fullmatch(t)
    if not m or not (m.group(2) or m.group(3)):
        low = t.lower().lstrip("+-")
        if low in ("nan", "inf", "infinity"):
            raise ValueError(f"{short(t, 40)!r} is not a finite number (NaN and infinities are not allowed)")
        raise ValueError(f"{short(t, 40)!r} is not a number")
    sign, ip, fp, ex = m.group(1), m.group(2), m.group(3) or "", m.group(4)
    e = int(ex) if ex is not None else 0
    if abs(e) > CSV_MAX_EXPONENT:
        raise ValueError(f"{short(t, 40)!r} has an exponent beyond ±{CSV_MAX_EXPONENT}")
    n = fmpz((sign if sign == "-" else "") + ((ip + fp) or "0"))
    k = e - len(fp)
    return Q(n * fmpz(10) ** k) if k >= 0 else Q(n, fmpz(10) ** (-k))


def csv_number(text):
    """One field of a data file: a decimal, or a fraction a/b of two decimals (schema rules)."""
    t = text.strip(CSV_WS)
    for part in t.split("/", 1):
        mantissa = re.split("[eE]", part, maxsplit=1)[0]
        if sum(c in "0123456789" for c in mantissa) > CSV_MAX_DIGITS:
            raise ValueError(f"a number with more than {CSV_MAX_DIGITS} digits")
    if "/" in t:
        a, b = t.split("/", 1)
        n, d = csv_decimal(a.strip(CSV_WS)), csv_decimal(b.strip(CSV_WS))
        if d == 0:
            raise ValueError(f"{short(t, 40)!r} has a zero denominator")
        return n / d
    return csv_decimal(t)


def csv_table(text, target_name):
    """(input column names, X rows, Y) of CSV text read by the schema's rules; ValueError names
    the line."""
    lines = [(i + 1, l.rstrip("\r")) for i, l in enumerate(text.split("\n"))]
    lines = [(i, l) for i, l in lines if l.strip(CSV_WS)]
    if not lines:
        raise ValueError("empty file")
    names = [f.strip(CSV_WS).strip('"') for f in lines[0][1].split(",")]
    if len(names) < 2:
        raise ValueError("the header has fewer than two columns")
    for j, n in enumerate(names):
        if n in names[:j]:
            raise ValueError(f"line 1: columns {names.index(n) + 1} and {j + 1} are both named {short(n, 40)!r}: ambiguous")
    if target_name not in names:
        raise ValueError(f"no column named {short(target_name, 40)!r}")
    t = names.index(target_name)
    X, Y = [], []
    for no, line in lines[1:]:
        fields = line.split(",")
        if len(fields) != len(names):
            raise ValueError(f"line {no}: {len(fields)} fields, but the header has {len(names)} columns")
        try:
            row = [csv_number(f.strip(CSV_WS).strip('"')) for f in fields]
        except ValueError as e:
            raise ValueError(f"line {no}: {e}") from None
        Y.append(row.pop(t))
        X.append(row)
    if len(Y) < 2:
        raise ValueError(f"{len(Y)} data row(s); need at least two")
    return names[:t] + names[t + 1:], X, Y


def thm1_csv_data(data, names):
    """X, Y of problem.data in its csv form: the SHA-256 and length of the embedded text or of
    the --data file, then its header and number of points against the certificate's."""
    c = obj("problem.data.csv", data["csv"], ("file", "sha256", "bytes", "points"), ("text",))
    fname = string("problem.data.csv.file", c["file"])
    want = string("problem.data.csv.sha256", c["sha256"])
    if not re.fullmatch(r"[0-9a-f]{64}", want):
        raise Rejected("problem.data.csv.sha256: expected 64 lowercase hexadecimal digits")
    nbytes = natural("problem.data.csv.bytes", c["bytes"])
    points = natural("problem.data.csv.points", c["points"])
    given = None
    if DATA_FILE is not None:
        # At most one byte more than the certificate states: a longer file is not its data.
        try:
            with open(DATA_FILE, "rb") as f:
                given = f.read(nbytes + 1)
        except OSError as e:
            raise Unreadable(f"{DATA_FILE}: cannot read: {e}") from None
        if len(given) > nbytes:
            raise Rejected(f"problem.data.csv: the data file {short(DATA_FILE)} has more than the {nbytes} bytes the certificate names for {short(fname)!r}: not the certificate's data")
        h = hashlib.sha256(given).hexdigest()
        if h != want:
            raise Rejected(f"problem.data.csv: the data file {short(DATA_FILE)} has SHA-256 {h}, but the certificate names the file {short(fname)!r} with SHA-256 {want}: not the certificate's data")
    if "text" in c:
        raw, what = string("problem.data.csv.text", c["text"]).encode("utf-8"), "problem.data.csv.text"
    elif given is not None:
        raw, what = given, f"the data file {short(DATA_FILE)}"
    else:
        raise Unreadable(f"the certificate names its data file by SHA-256 instead of embedding it: check it with --data FILE, where FILE is {short(fname)!r} ({nbytes} bytes, {points} points, SHA-256 {want})")
    h = hashlib.sha256(raw).hexdigest()
    if h != want:
        raise Rejected(f"problem.data.csv: {what} has SHA-256 {h}, but the certificate names {want}")
    if len(raw) != nbytes:
        raise Rejected(f"problem.data.csv.bytes is {nbytes}, but {what} has {len(raw)} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(f"problem.data.csv: {what} is not UTF-8 text") from None
    try:
        got, X, Y = csv_table(text, data["target_name"])
    except ValueError as e:
        raise Rejected(f"problem.data.csv: {what}: {e}") from None
    if got != names:
        raise Rejected(f"problem.data.feature_names: {what} has the input columns {short(got)}, the certificate names {short(names)}")
    if len(Y) != points:
        raise Rejected(f"problem.data.csv.points is {points}, but {what} has {len(Y)} data points")
    return X, Y


def check_thm1(cert):
    """Returns a list of (claim id, evidence) or raises Rejected."""
    require_claims(cert["claims"], THM1_CLAIMS)
    p = obj("problem", cert["problem"], ("activation", "width", "data"))
    act = obj("problem.activation", p["activation"], ("name", "s_plus", "s_minus"))
    if act["name"] != "relu-like":
        raise Rejected("problem.activation.name must be 'relu-like'")
    sp = rational("problem.activation.s_plus", act["s_plus"])
    sm = rational("problem.activation.s_minus", act["s_minus"])
    if not (sp > 0 and sm >= 0 and sp != sm):
        raise Rejected("problem.activation: need s_plus > 0, s_minus ≥ 0 and s_plus ≠ s_minus")
    d1 = natural("problem.width", p["width"])
    data = obj("problem.data", p["data"], ("feature_names", "target_name"), ("x", "y", "csv"))
    names = array("problem.data.feature_names", data["feature_names"])
    for i, n in enumerate(names):
        string(f"problem.data.feature_names[{i + 1}]", n)
    string("problem.data.target_name", data["target_name"])
    dx = len(names)
    if "x" in data and "y" in data and "csv" not in data:
        if DATA_FILE is not None:
            raise Unreadable("--data: this certificate restates its data value by value and names no data file")
        m = len(array("problem.data.y", data["y"]))
        if m < 2 or dx == 0 or d1 == 0:
            raise Rejected("problem: need at least two points, one input column and one hidden unit")
        X = mat("problem.data.x", data["x"], m, dx)
        Y = vec("problem.data.y", data["y"], m)
    elif "csv" in data and "x" not in data and "y" not in data:
        if dx == 0 or d1 == 0:
            raise Rejected("problem: need at least two points, one input column and one hidden unit")
        X, Y = thm1_csv_data(data, names)
        m = len(Y)
    else:
        raise Rejected("problem.data: give either 'x' and 'y', or 'csv'")
    # The same size limit as the Rust checker: the data's common denominator has at most
    # MAX_SCALE_BITS bits (plain decimals need few; unrelated long denominators are rejected).
    scale = 1
    for v in [v for row in X for v in row] + list(Y):
        scale = _lcm(scale, int(v.q))
        if scale.bit_length() > MAX_SCALE_BITS:
            raise Rejected(f"problem.data: the common denominator of the data exceeds {MAX_SCALE_BITS} bits")

    w = obj("witness", cert["witness"],
            ("least_squares", "alpha", "minimum", "radius", "better_point", "construction"))
    wbar = vec("witness.least_squares", w["least_squares"], dx + 1)
    alpha = rational("witness.alpha", w["alpha"])
    if alpha <= 0:
        raise Rejected("witness.alpha must be positive")
    minimum = thm1_point("witness.minimum", w["minimum"], d1, dx)
    rho = rational("witness.radius", w["radius"])
    better = thm1_point("witness.better_point", w["better_point"], d1, dx)
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
        return [sum((a * b for a, b in zip(row, x)), Q(0)) + c for row, c in zip(net["W1"], net["b1"])]

    def out(net, x):
        return sum((u * h(z) for u, z in zip(net["W2"], pre(net, x))), Q(0)) + net["b2"]

    def loss(net):
        return sum(((out(net, x) - y) ** 2 for x, y in zip(X, Y)), Q(0)) / 2

    evidence = []
    # normal-equations: (W̄X̃ − Y)X̃ᵀ = 0.
    Xt = [x + [Q(1)] for x in X]
    fit = [sum((a * b for a, b in zip(wbar, xt)), Q(0)) for xt in Xt]
    for j in range(dx + 1):
        s = sum(((f - y) * xt[j] for f, y, xt in zip(fit, Y, Xt)), Q(0))
        if s != 0:
            raise fail("normal-equations", f"(W̄X̃ − Y)X̃ᵀ is {s} at column {j + 1}, not 0")
    l0 = sum(((f - y) ** 2 for f, y in zip(fit, Y)), Q(0)) / 2
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
# Kind deep-linear-critical-point (Theorem 4 / Corollary 5), exact path: check_thm4, as
# critcert-check/src/thm4.rs.

THM4_KIND = "deep-linear-critical-point"
THM4_VERDICTS = ("global-minimum", "saddle", "not-critical", "near-global-minimum", "local-minimum", "local-maximum")
THM4_PREC = 256 + GUARD_BITS  # the Rust checker's 256 bits, plus guard bits
THM4_MAX_WORK = 20_000_000  # the gradients of a non-squared loss, m·n² (the Hessian of ℓ0 over the box), m·dy·dx² (a formula's blocks)
SQUARED = "half-squared-frobenius"
_DL_WIDTH = ("width", "every hidden width d_j (1 ≤ j ≤ H) is at least min(dx, dy)")
_DL_CRITICAL = ("critical-point", "every layer gradient W_{H+1:j+1}ᵀ ∇ℓ0(W_{H+1:1}) W_{j−1:1}ᵀ is exactly 0: the point is a critical point of ℓ")


def thm4_claims(verdict, strict, loss=SQUARED):
    """The canonical claims for a verdict and loss (the text of problem.loss); the squared loss
    keeps the statements its certificates have always had."""
    squared = loss == SQUARED
    if squared:
        zero = ("product-gradient-zero", "∇ℓ0(W_{H+1:1}) = (W_{H+1:1}X − Y)Xᵀ is exactly 0")
    else:
        zero = ("product-gradient-zero", "∇ℓ0(W_{H+1:1}) = G Xᵀ, with G = ∂ℓ0/∂Ŷ at Ŷ = W_{H+1:1}X, is exactly 0")
    if verdict == "global-minimum":
        if squared:
            return [_DL_WIDTH, _DL_CRITICAL, zero,
                    ("global-minimum", "ℓ0 is a convex quadratic, so ∇ℓ0 = 0 makes W_{H+1:1} a global minimiser of ℓ0; ℓ(W) = ℓ0(W_{H+1:1}) ≥ ℓ0(Ŵ_{H+1:1}) = ℓ(Ŵ) for every W: the point is a global minimum of ℓ (Corollary 5)")]
        return [_DL_WIDTH, _DL_CRITICAL, zero,
                ("global-minimum", "ℓ0 is convex, so ∇ℓ0 = 0 makes W_{H+1:1} a global minimiser of ℓ0; ℓ(W) = ℓ0(W_{H+1:1}) ≥ ℓ0(Ŵ_{H+1:1}) = ℓ(Ŵ) for every W: the point is a global minimum of ℓ (Corollary 5)")]
    if verdict == "saddle" and squared:
        v = [_DL_WIDTH, _DL_CRITICAL,
             ("product-gradient-nonzero", "∇ℓ0(W_{H+1:1}) = (W_{H+1:1}X − Y)Xᵀ has a nonzero entry, so by Theorem 4 the point is a saddle"),
             ("descent-curve", "the loss polynomial ℓ(θ(t)) − ℓ(Ŵ) of the descent curve has a negative lowest-order nonzero coefficient: points arbitrarily close to Ŵ have smaller loss"),
             ("ascent-curve", "the loss polynomial ℓ(θ(t)) − ℓ(Ŵ) of the ascent curve has a positive lowest-order nonzero coefficient: points arbitrarily close to Ŵ have larger loss")]
        if strict:
            v.append(("negative-curvature", "the direction V has Vᵀ∇²ℓ(Ŵ)V < 0 (twice the t² coefficient of ℓ(Ŵ + tV)): the saddle is strict"))
        return v
    if verdict == "saddle" and strict:
        return [_DL_WIDTH, _DL_CRITICAL, zero,
                ("inherited-descent", "with D = W_{H+1:2} C for the witness's change C of W1 (D = C when H = 0), the line θ(t) = (W1 + tC, W2, …, W_{H+1}) has product W_{H+1:1} + tD, so with ∇ℓ0 = 0 there ℓ(θ(t)) − ℓ(Ŵ) = ½t² Σ_{i,k} ∂²f/∂yhat²(ŷ_ik, y_ik)(Dx_i)_k² + o(t²), and that coefficient is negative: points arbitrarily close to Ŵ have smaller loss"),
                ("inherited-ascent", "the same for the witness's ascent change of W1, with a positive coefficient: points arbitrarily close to Ŵ have larger loss; the critical point is a saddle of ℓ, inherited from a saddle of ℓ0 (Theorem 4 Part 2)")]
    if verdict == "saddle":
        return [_DL_WIDTH, _DL_CRITICAL,
                ("product-gradient-nonzero", "∇ℓ0(W_{H+1:1}) = G Xᵀ, with G = ∂ℓ0/∂Ŷ at Ŷ = W_{H+1:1}X, has an entry that is nonzero (exactly, or by an enclosure that excludes 0); the point is critical, so by Theorem 4 Part 1, which holds for every differentiable ℓ0, it is a saddle (no escape curve is given)")]
    if verdict == "near-global-minimum":
        return [_DL_WIDTH,
                ("product-box-zero", "the box B = {R : |R − W_{H+1:1}| ≤ r entrywise} (for cross-entropy, intersected with the slice 1ᵀR = 1ᵀW_{H+1:1}, which removes the softmax's invariance R → R + 1cᵀ) contains exactly one zero R* of ∇ℓ0 (Krawczyk's test with an enclosure of the Hessian of ℓ0 over B)"),
                ("near-global-minimum", "ℓ0 is convex, so R* is a global minimiser of ℓ0; A = W_{H+1:2} (the identity when H = 0) has AAᵀ − s²I positive definite, so W* = (W1 + Aᵀ(AAᵀ)⁻¹(R* − W_{H+1:1}), W2, …, W_{H+1}) has product R* and is a global minimum of ℓ with ‖W* − Ŵ‖_F ≤ ‖R* − W_{H+1:1}‖_F / s ≤ δ: the point is within distance δ of a global minimum of ℓ")]
    if verdict == "local-minimum":
        return [_DL_WIDTH, _DL_CRITICAL, zero,
                ("loss-hessian-definite", "the Hessian of ℓ0 is positive definite at every R with |R − W_{H+1:1}| ≤ r entrywise (the bound of ∂²f/∂yhat² over that box in each block Σ_i f''(ŷ_ik, y_ik) x_i x_iᵀ, by an exact LDLᵀ): W_{H+1:1} is a strict local minimum of ℓ0 on that box"),
                ("local-minimum", "‖Ŵ_j‖_2 ≤ ‖Ŵ_j‖_F ≤ n_j and Π_j(n_j + ε) − Π_j n_j ≤ r, so every W with max_j ‖W_j − Ŵ_j‖_2 ≤ ε has |W_{H+1:1} − Ŵ_{H+1:1}| ≤ r entrywise and ℓ(W) ≥ ℓ(Ŵ): the point is a local minimum of ℓ on that set (Theorem 4 Part 2)")]
    if verdict == "local-maximum":
        return [_DL_WIDTH, _DL_CRITICAL, zero,
                ("loss-hessian-definite", "the Hessian of ℓ0 is negative definite at every R with |R − W_{H+1:1}| ≤ r entrywise (the bound of ∂²f/∂yhat² over that box in each block Σ_i f''(ŷ_ik, y_ik) x_i x_iᵀ, by an exact LDLᵀ): W_{H+1:1} is a strict local maximum of ℓ0 on that box"),
                ("local-maximum", "‖Ŵ_j‖_2 ≤ ‖Ŵ_j‖_F ≤ n_j and Π_j(n_j + ε) − Π_j n_j ≤ r, so every W with max_j ‖W_j − Ŵ_j‖_2 ≤ ε has |W_{H+1:1} − Ŵ_{H+1:1}| ≤ r entrywise and ℓ(W) ≤ ℓ(Ŵ): the point is a local maximum of ℓ on that set (Theorem 4 Part 2)")]
    return [_DL_WIDTH, ("not-critical", "some layer gradient W_{H+1:j+1}ᵀ ∇ℓ0(W_{H+1:1}) W_{j−1:1}ᵀ has a nonzero entry: the point is not a critical point of ℓ")]


def _mm(a, b):
    bt = list(zip(*b)) if b else []
    return [[sum((x * y for x, y in zip(row, col)), Q(0)) for col in bt] for row in a]


def _vmm(a, b):
    """a·b for matrices of values (exact or intervals); exact zeros are skipped."""
    bt = list(zip(*b)) if b else []
    out = []
    for row in a:
        r = []
        for col in bt:
            s = Q(0)
            for x, y in zip(row, col):
                if not (is_zero(x) or is_zero(y)):
                    s = vadd(s, vmul(x, y))
            r.append(s)
        out.append(r)
    return out


def _tr(a, rows, cols):
    return [[a[i][j] for i in range(rows)] for j in range(cols)]


def _eye(n):
    return [[Q(int(i == j)) for j in range(n)] for i in range(n)]


def _nonzero(a):
    return [(i, j, v) for i, row in enumerate(a) for j, v in enumerate(row) if v != 0]


def _exactly_zero(v):
    """Exactly 0: an exact 0, or an enclosure whose both ends are 0 (a structural zero)."""
    return is_zero(v) if is_exact(v) else (v.lo == 0 and v.hi == 0)


def _eq(v):
    return f"= {short(v)} (exact)" if is_exact(v) else f"∈ {v.show()}"


def _certainly_nonzero(v):
    return v != 0 if is_exact(v) else (v.is_positive() or v.is_negative())


def _positive_definite(A):
    """Exact positive definiteness of a symmetric rational matrix: elimination without pivoting,
    every pivot > 0."""
    A = [list(r) for r in A]
    n = len(A)
    for k in range(n):
        if not A[k][k] > 0:
            return False
        for i in range(k + 1, n):
            if A[i][k] != 0:
                f = A[i][k] / A[k][k]
                for j in range(k, n):
                    A[i][j] -= f * A[k][j]
    return True


def _iv_end_q(v, lower):
    """The lower (upper) end of a value as an exact rational."""
    if is_exact(v):
        return v
    return arb_to_q(v.lo if lower else v.hi)


def _sigma(t):
    """σ(t) = 1/(1 + e^(−t)): exactly 1/2 at t = 0, else enclosed."""
    if is_zero(t):
        return Q(1, 2)
    one = Iv.from_int(1)
    s = one.div(one.add(to_iv(t).neg().exp()))
    if s is None:
        raise EvalError("σ: a division by an enclosure containing 0")
    return s


class Loss:
    """A loss ℓ0 of deep-linear-critical-point (proofs/MATH.md §6), per data point i with the
    prediction column ŷ_i (values: exact or intervals) and the target column y_i (rationals)."""

    def __init__(self, name, delta=None, f=None):
        self.name, self.delta, self.f = name, delta, f
        self.convex = name != "formula"
        self._bound = {}

    @staticmethod
    def parse(text):
        if text == SQUARED:
            return Loss("squared")
        if text in ("logistic", "cross-entropy"):
            return Loss(text)
        if text.startswith("huber:"):
            d = rational("problem.loss (huber:δ)", text[len("huber:"):])
            if d <= 0:
                raise Rejected(f"problem.loss: huber:δ needs δ > 0, not {d}")
            return Loss("huber", delta=d)
        if text.startswith("formula:"):
            try:
                f = parse_formula(text[len("formula:"):], loss=True)
            except FormulaError as e:
                raise Rejected(f"problem.loss: formula loss: {e}") from None
            return Loss("formula", f=f)
        raise Rejected(f"problem.loss: {short(text)!r} is not a loss (half-squared-frobenius, logistic, cross-entropy, huber:δ, formula:f(yhat, y))")

    def check_targets(self, Y):
        dy, m = len(Y), len(Y[0])
        if self.name == "logistic":
            if dy != 1:
                raise Rejected(f"problem.Y: the logistic loss needs dy = 1, not {dy}")
            for i, v in enumerate(Y[0]):
                if v != 1 and v != -1:
                    raise Rejected(f"problem.Y: Y[1,{i + 1}] = {v} is not a label −1 or 1")
        if self.name == "cross-entropy":
            if dy < 2:
                raise Rejected(f"problem.Y: cross-entropy needs dy ≥ 2 classes, not {dy}")
            for i in range(m):
                for k in range(dy):
                    if Y[k][i] < 0:
                        raise Rejected(f"problem.Y: Y[{k + 1},{i + 1}] = {Y[k][i]} is negative")
                s = sum((Y[k][i] for k in range(dy)), Q(0))
                if s != 1:
                    raise Rejected(f"problem.Y: column {i + 1} of Y sums to {s}, not 1: not a probability vector")

    def _derivs(self, n, yhat, y):
        f = self._bound.get(y)
        if f is None:
            old = sys.getrecursionlimit()
            sys.setrecursionlimit(max(old, 20000))
            try:
                f = self._bound[y] = bind_y(self.f, y)
            finally:
                sys.setrecursionlimit(old)
        return formula_derivatives(f, n, yhat)

    def softmax(self, yhat):
        dy = len(yhat)
        if all(is_exact(v) for v in yhat) and all(v == yhat[0] for v in yhat):
            return [Q(1, dy)] * dy
        one = Iv.from_int(1)
        out = []
        for k in range(dy):
            s = Iv.from_int(0)
            for l in range(dy):
                s = s.add(one if l == k else to_iv(vsub(yhat[l], yhat[k])).exp())
            p = one.div(s)
            if p is None:
                raise EvalError("softmax: a division by an enclosure containing 0")
            out.append(p)
        return out

    def value(self, yhat, y):
        """ℓ0_i(ŷ_i), at an exact column."""
        if self.name == "squared":  # exact, as the Rust checker's rational path (no bit limit)
            if not all(is_exact(a) for a in yhat):
                raise EvalError("the squared loss is evaluated at exact points only")
            return sum(((a - b) * (a - b) for a, b in zip(yhat, y)), Q(0)) / 2
        if self.name == "logistic":
            z = to_iv(yhat[0]).mul(Iv.from_q(y[0]))
            return Iv.from_int(1).add(z.neg().exp()).ln()
        if self.name == "cross-entropy":
            first = to_iv(yhat[0])
            s = Iv.from_int(0)
            for a in yhat:
                s = s.add(to_iv(a).sub(first).exp())
            v = s.ln().add(first)
            for a, b in zip(yhat, y):
                v = v.sub(to_iv(a).mul(Iv.from_q(b)))
            return v
        if self.name == "huber":
            d, s = self.delta, Q(0)
            for a, b in zip(yhat, y):
                if not is_exact(a):
                    raise EvalError("huber: the loss is evaluated at exact points only")
                r = a - b
                s += r * r / 2 if abs(r) <= d else d * (abs(r) - d / 2)
            return s
        s = Q(0)
        for a, b in zip(yhat, y):
            s = vadd(s, self._derivs(0, a, b)[0])
        return s

    def grad(self, yhat, y):
        """The column ∂ℓ0/∂ŷ_i of G."""
        if self.name == "squared":
            if not all(is_exact(a) for a in yhat):
                raise EvalError("the squared loss's G is evaluated at exact points only")
            return [a - b for a, b in zip(yhat, y)]
        if self.name == "logistic":
            return [vmul(vmul(_sigma(vmul(Q(-1), vmul(y[0], yhat[0]))), y[0]), Q(-1))]
        if self.name == "cross-entropy":
            return [vsub(s, b) for s, b in zip(self.softmax(yhat), y)]
        if self.name == "huber":
            d = self.delta
            out = []
            for a, b in zip(yhat, y):
                r = vsub(a, b)
                if is_exact(r):
                    out.append(min(max(r, -d), d))
                else:  # clamp is monotone: the clamped ends
                    lo, hi = arb_to_q(r.lo), arb_to_q(r.hi)
                    out.append(Iv.span(min(max(lo, -d), d), min(max(hi, -d), d)))
            return out
        return [self._derivs(1, a, b)[1] for a, b in zip(yhat, y)]

    def hess(self, yhat, y):
        """∂²ℓ0_i/∂ŷ_i² (dy × dy) at a column (intervals: over the box); EvalError where ℓ0 may
        not be twice differentiable."""
        dy = len(yhat)

        def diag(v):
            return [[v[k] if k == l else Q(0) for l in range(dy)] for k in range(dy)]
        if self.name == "squared":
            return diag([Q(1)] * dy)
        if self.name == "logistic":
            z = vmul(y[0], yhat[0])
            return [[vmul(_sigma(z), _sigma(vsub(Q(0), z)))]]
        if self.name == "cross-entropy":
            s = self.softmax(yhat)
            return [[vsub(s[k], vmul(s[k], s[l])) if k == l else vsub(Q(0), vmul(s[k], s[l]))
                     for l in range(dy)] for k in range(dy)]
        if self.name == "huber":
            d, out = self.delta, []
            for a, b in zip(yhat, y):
                r = to_iv(vsub(a, b))
                lo, hi = arb_to_q(r.lo), arb_to_q(r.hi)
                if lo > -d and hi < d:
                    out.append(Q(1))
                elif lo > d or hi < -d:
                    out.append(Q(0))
                else:
                    raise EvalError(f"huber: the residual {r.show(8)} may be ±δ, where the loss is not twice differentiable")
            return diag(out)
        return diag([self._derivs(2, a, b)[2] for a, b in zip(yhat, y)])


def krawczyk(g, H, r):
    """Krawczyk's existence and uniqueness test for a zero of a map f: R^p → R^p in the cube
    x̃ + [−r, r]^p: g (arb balls) encloses f(x̃), H (arb balls) its Jacobian over the cube, r > 0
    rational. With C a float inverse of mid(H) (a hint: soundness never depends on it), passes
    iff |C g| + r |I − C H| 1 < r componentwise; returns the largest ratio ρ_i/r (an upper
    bound, rational) or raises EvalError."""
    p = len(g)
    try:
        C = float_inverse([[float(b.mid()) for b in row] for row in H])
    except (OverflowError, ValueError):
        C = None
    if C is None:
        raise EvalError("the midpoint of the Hessian enclosure is singular in floating point (a continuous symmetry?): no preconditioner")
    Cm = arb_mat([[arb(c) for c in row] for row in C])
    eye = arb_mat([[arb(int(i == j)) for j in range(p)] for i in range(p)])
    M = eye - Cm * arb_mat(H)
    cg = Cm * arb_mat([[b] for b in g])
    ra = arb(r)
    worst = Q(0)
    for i in range(p):
        s = arb(0)
        for j in range(p):
            s += abs(M[i, j])
        reach = (abs(cg[i, 0]) + ra * s).upper()
        if not reach.is_finite() or not arb_to_q(reach) < r:
            raise EvalError(f"|K_{i + 1} − x̃_{i + 1}| ≤ {_sci(reach)} is not shown below r = {_sci(ra)}")
        worst = max(worst, arb_to_q(reach))
    return worst / r


THM4_OPTIONAL = ("descent_curve", "ascent_curve", "negative_curvature_direction", "radius", "sigma_min_bound",
                 "distance", "norm_bounds", "epsilon", "product_descent_direction", "product_ascent_direction")


def check_thm4(cert):
    w = obj("witness", cert["witness"], ("verdict", "point"), THM4_OPTIONAL)
    verdict = w["verdict"]
    if not isinstance(verdict, str) or verdict not in THM4_VERDICTS:
        raise Rejected(f"witness.verdict {short(verdict)!r} is not one of {', '.join(THM4_VERDICTS)}")
    p = obj("problem", cert["problem"], ("loss", "widths", "X", "Y"))
    loss_text = string("problem.loss", p["loss"])
    loss = Loss.parse(loss_text)
    inherited = "product_descent_direction" in w or "product_ascent_direction" in w
    strict = "negative_curvature_direction" in w or inherited
    expected = thm4_claims(verdict, strict, loss_text)
    require_claims(cert["claims"], expected)
    if any(k in w for k in ("descent_curve", "ascent_curve", "negative_curvature_direction")) \
            and not (verdict == "saddle" and loss.name == "squared"):
        raise Rejected("witness: curves and directions belong to a saddle of the squared loss only")
    if inherited and not (verdict == "saddle" and loss.name == "formula"):
        raise Rejected("witness: product directions belong to a saddle of a formula loss only")
    near = verdict == "near-global-minimum"
    local = verdict in ("local-minimum", "local-maximum")
    for key, allowed in (("radius", near or local), ("sigma_min_bound", near), ("distance", near),
                         ("norm_bounds", local), ("epsilon", local)):
        if key in w and not allowed:
            raise Rejected(f"witness.{key} does not belong to a '{verdict}' certificate")
    d = [natural(f"problem.widths[{i + 1}]", v) for i, v in enumerate(array("problem.widths", p["widths"]))]
    if len(d) < 2 or 0 in d or not isinstance(p["X"], list) or not p["X"] or not isinstance(p["X"][0], list) or not p["X"][0]:
        raise Rejected("problem: need at least one layer, positive widths and at least one point")
    L, m = len(d) - 1, len(p["X"][0])
    X = mat("problem.X", p["X"], d[0], m)
    Y = mat("problem.Y", p["Y"], d[L], m)

    def layers(what, v):
        array(what, v, L)
        return [mat(f"{what}.W{j + 1}", v[j], d[j + 1], d[j]) for j in range(L)]

    if loss.name != "squared":
        # G, ∇ℓ0 = GXᵀ and the layer gradients, enclosed: bounded before any work.
        work = m * d[0] * d[L] + sum(d[j] * d[j - 1] * (d[0] + d[L]) for j in range(1, L + 1))
        if work > THM4_MAX_WORK:
            raise Rejected(f"the gradients of this loss need about {work} interval operations (m·dx·dy + Σ_j d_j·d_(j−1)·(dx + dy)), above the limit {THM4_MAX_WORK}")
    W = layers("witness.point", w["point"])
    loss.check_targets(Y)
    t = _Thm4(loss, d, X, Y, W, w, layers)
    evidence = []
    with Prec(THM4_PREC):
        for cid, _ in expected:
            try:
                evidence.append((cid, t.claim(cid, verdict)))
            except EvalError as e:
                raise fail(cid, str(e)) from None
    return evidence


class _Thm4:
    """The parsed problem and witness of a deep-linear-critical-point certificate, one method
    per claim (each raises Rejected through fail(), or EvalError, which fails the claim)."""

    def __init__(self, loss, d, X, Y, W, w, layers):
        self.loss, self.d, self.X, self.Y, self.W, self.w, self.layers = loss, d, X, Y, W, w, layers
        self.L, self.m = len(d) - 1, len(X[0])
        self._grads = self._box = None

    def claim(self, cid, verdict):
        if cid == "width":
            return self.width()
        if cid == "critical-point":
            return self.critical_point()
        if cid == "not-critical":
            return self.not_critical()
        if cid == "product-gradient-zero":
            return self.product_gradient_zero(cid)
        if cid == "global-minimum":
            return self.global_minimum()
        if cid == "product-gradient-nonzero":
            return self.product_gradient_nonzero()
        if cid in ("descent-curve", "ascent-curve"):
            return self.curve(cid)
        if cid == "negative-curvature":
            return self.negative_curvature()
        if cid == "product-box-zero":
            return self.product_box_zero()
        if cid == "near-global-minimum":
            return self.near_global_minimum()
        if cid == "loss-hessian-definite":
            return self.loss_hessian_definite(cid, verdict == "local-minimum")
        if cid in ("local-minimum", "local-maximum"):
            return self.local_optimum(cid)
        if cid in ("inherited-descent", "inherited-ascent"):
            return self.inherited(cid)
        raise Rejected(f"unknown claim {short(cid)!r}")

    def field(self, cid, key):
        if key not in self.w:
            raise fail(cid, f"the witness has no {key}")
        return rational(f"witness.{key}", self.w[key])

    def partial(self, b, a):  # W_{b:a}, 1-based inclusive; identity d_{a-1} when b < a
        P = _eye(self.d[a - 1])
        for j in range(a, b + 1):
            P = _mm(self.W[j - 1], P)
        return P

    def predictions(self):
        return _mm(self.partial(self.L, 1), self.X)

    def column(self, M, i):
        return [M[k][i] for k in range(len(M))]

    def gradients(self):
        """(∇ℓ0 at the product, ℓ(Ŵ), [∂ℓ/∂W_j]): exact where G is, else mixed (exact entries
        stay exact, the rest enclosed)."""
        if self._grads is None:
            d, L, m, X, Y = self.d, self.L, self.m, self.X, self.Y
            Yh = self.predictions()
            cols = [self.loss.grad(self.column(Yh, i), self.column(Y, i)) for i in range(m)]
            G = [[cols[i][k] for i in range(m)] for k in range(d[L])]
            value = Q(0)
            for i in range(m):
                value = vadd(value, self.loss.value(self.column(Yh, i), self.column(Y, i)))
            exact_g = all(is_exact(v) for row in G for v in row)
            mm = _mm if exact_g else _vmm
            P = mm(G, _tr(X, d[0], m))
            grads = []
            for j in range(1, L + 1):
                A, B = self.partial(L, j + 1), self.partial(j - 1, 1)
                grads.append(mm(mm(_tr(A, d[L], d[j]), P), _tr(B, d[j - 1], d[0])))
            self._grads = (P, value, grads)
        return self._grads

    def width(self):
        d, L = self.d, self.L
        r = min(d[0], d[L])
        for j in range(1, L):
            if d[j] < r:
                raise fail("width", f"d_{j} = {d[j]} < min(dx, dy) = {r}")
        return f"widths {d}, min(dx, dy) = {r}"

    def critical_point(self):
        _, _, grads = self.gradients()
        for j, g in enumerate(grads):
            for a, row in enumerate(g):
                for b, v in enumerate(row):
                    if not _exactly_zero(v):
                        raise fail("critical-point", f"∂ℓ/∂W{j + 1}[{a + 1},{b + 1}] {_eq(v)}, not exactly 0")
        return f"all {self.L} layer gradients are exactly 0"

    def not_critical(self):
        _, _, grads = self.gradients()
        hits = [(j, a, b, v) for j, g in enumerate(grads) for a, row in enumerate(g) for b, v in enumerate(row)
                if _certainly_nonzero(v)]
        if not hits:
            raise fail("not-critical", "no layer-gradient entry is certainly nonzero")
        exact_hits = [h for h in hits if is_exact(h[3])]
        j, a, b, v = max(exact_hits, key=lambda t: abs(t[3])) if exact_hits else hits[0]
        return f"∂ℓ/∂W{j + 1}[{a + 1},{b + 1}] {_eq(v)}"

    def product_gradient_zero(self, cid):
        P, _, _ = self.gradients()
        for a, row in enumerate(P):
            for b, v in enumerate(row):
                if not _exactly_zero(v):
                    raise fail(cid, f"∇ℓ0[{a + 1},{b + 1}] {_eq(v)}, not exactly 0")
        return f"all {self.d[self.L]}×{self.d[0]} entries of ∇ℓ0 are exactly 0"

    def global_minimum(self):
        if not self.loss.convex:
            raise fail("global-minimum", "the loss is a formula, not known to be convex: no global minimum follows")
        self.product_gradient_zero("global-minimum")
        _, value, _ = self.gradients()
        return f"∇ℓ0 = 0 at the product and ℓ0 is convex; ℓ(Ŵ) = min ℓ {'= ' + short(value) if is_exact(value) else '∈ ' + value.show()}"

    def product_gradient_nonzero(self):
        P, value, _ = self.gradients()
        for a, row in enumerate(P):
            for b, v in enumerate(row):
                if _certainly_nonzero(v):
                    return f"∇ℓ0[{a + 1},{b + 1}] {_eq(v)}; ℓ(Ŵ) {'= ' + short(value) if is_exact(value) else '∈ ' + value.show()}"
        raise fail("product-gradient-nonzero", "no entry of ∇ℓ0 at the product is certainly nonzero")

    # The squared loss's saddle: exact loss polynomials along the witness's curves.

    def loss_poly(self, curve):  # curve[j] = [C_{j,1}, C_{j,2}, ...]; returns [c_1, c_2, ...]
        d, m, X, Y, W = self.d, self.m, self.X, self.Y, self.W
        f = [X]
        for j in range(self.L):
            layer = [W[j]] + curve[j]
            size = min(len(f) + len(layer) - 1, MAX_ORDER + 1)  # truncated: c_k needs f up to order k
            out = [[[Q(0)] * m for _ in range(d[j + 1])] for _ in range(size)]
            for a, wa in enumerate(layer):
                for b, fb in enumerate(f[:max(0, size - a)]):
                    prod = _mm(wa, fb)
                    for i in range(d[j + 1]):
                        for k in range(m):
                            out[a + b][i][k] += prod[i][k]
            f = out
        f[0] = [[a - b for a, b in zip(ra, ry)] for ra, ry in zip(f[0], Y)]
        deg = len(f) - 1

        def inner(a, b):
            return sum((x * y for ra, rb in zip(a, b) for x, y in zip(ra, rb)), Q(0))
        return [sum((inner(f[a], f[k - a]) for a in range(max(0, k - deg), min(k, deg) + 1)), Q(0)) / 2
                for k in range(1, min(2 * deg, MAX_ORDER) + 1)]

    def curve(self, cid):
        key = cid.replace("-", "_")
        if key not in self.w:
            raise fail(cid, "the witness has no such curve")
        what, v, d, L = f"witness.{key}", self.w[key], self.d, self.L
        array(what, v, L)
        for j in range(L):
            n = len(array(f"{what}.W{j + 1}", v[j]))
            if n > MAX_ORDER:
                raise Rejected(f"{what}.W{j + 1}: {n} coefficient matrices, above the limit of {MAX_ORDER}")
        curve = [[mat(f"{what}.W{j + 1}.t^{k + 1}", c, d[j + 1], d[j]) for k, c in enumerate(v[j])] for j in range(L)]
        poly = self.loss_poly(curve)
        low = next(((k + 1, c) for k, c in enumerate(poly) if c != 0), None)
        if low is None:
            raise fail(cid, f"the loss along it has no nonzero coefficient up to order {MAX_ORDER}")
        if (low[1] < 0) != (cid == "descent-curve"):
            raise fail(cid, f"the lowest-order coefficient is {low[1]} (order {low[0]}), wrong sign")
        return f"lowest-order term {low[1]}·t^{low[0]}"

    def negative_curvature(self):
        cid = "negative-curvature"
        if "negative_curvature_direction" not in self.w:
            raise fail(cid, "the witness has no direction")
        V = self.layers("witness.negative_curvature_direction", self.w["negative_curvature_direction"])
        poly = self.loss_poly([[v] for v in V])
        if len(poly) < 2 or poly[0] != 0 or poly[1] >= 0:
            raise fail(cid, f"ℓ(Ŵ + tV) − ℓ(Ŵ) has t-coefficient {poly[0] if poly else 0} and t²-coefficient {poly[1] if len(poly) > 1 else 0}")
        return f"Vᵀ∇²ℓ(Ŵ)V = {2 * poly[1]} < 0"

    # near-global-minimum: Krawczyk on ∇ℓ0 around the product (on the softmax's slice).

    def box_zero(self):
        """(ρ/r, factor) of Krawczyk's test in the box of radius r around the product R̂, with
        factor·r² ≥ ‖R* − R̂‖_F²; or the EvalError of its failure (cached either way)."""
        if self._box is None:
            try:
                self._box = self._box_zero()
            except EvalError as e:
                self._box = e
        if isinstance(self._box, EvalError):
            raise self._box
        return self._box

    def _box_zero(self):
        cid = "product-box-zero"
        r = self.field(cid, "radius")
        if r <= 0:
            raise EvalError(f"the radius {r} is not positive")
        d, X, Y, m, L = self.d, self.X, self.Y, self.m, self.L
        dx, dy = d[0], d[L]
        slice_ = self.loss.name == "cross-entropy"
        rows = dy - 1 if slice_ else dy
        last = dy - 1
        n = rows * dx
        if m * n * n > THM4_MAX_WORK:
            raise EvalError(f"the Hessian of ℓ0 over the box needs m·n² = {m * n * n} operations, above the limit {THM4_MAX_WORK}")
        Yh = self.predictions()
        g0 = [Q(0)] * n
        J = [[Q(0)] * n for _ in range(n)]
        for i in range(m):
            yh, yc = self.column(Yh, i), self.column(Y, i)
            gc = self.loss.grad(yh, yc)
            # Over the box (on the slice: the free rows move by ≤ r‖x_i‖₁, the last one, minus
            # their sum, by ≤ (dy − 1)r‖x_i‖₁).
            l1 = sum((abs(X[a][i]) for a in range(dx)), Q(0))
            boxed = []
            for k in range(dy):
                s = r * l1 * (last if slice_ and k == last else 1)
                boxed.append(Iv.span(yh[k] - s, yh[k] + s))
            h = self.loss.hess(boxed, yc)
            for k in range(rows):
                gk = vsub(gc[k], gc[last]) if slice_ else gc[k]
                for a in range(dx):
                    g0[k * dx + a] = vadd(g0[k * dx + a], vmul(gk, X[a][i]))
                for l in range(rows):
                    hkl = vadd(vsub(vsub(h[k][l], h[k][last]), h[last][l]), h[last][last]) if slice_ else h[k][l]
                    if is_zero(hkl):
                        continue
                    for a in range(dx):
                        for b in range(dx):
                            xx = X[a][i] * X[b][i]
                            if xx != 0:
                                J[k * dx + a][l * dx + b] = vadd(J[k * dx + a][l * dx + b], vmul(hkl, xx))
        ratio = krawczyk([_ball(to_iv(v)) for v in g0], [[_ball(to_iv(v)) for v in row] for row in J], r)
        factor = rows * dx + dx * last * last if slice_ else n
        return ratio, factor

    def product_box_zero(self):
        ratio, factor = self.box_zero()
        return f"K(B) − R̂ ⊂ [−ρ, ρ]^n with ρ/r ≤ {_sci(arb(ratio).upper(), 4)}, r = {self.w['radius']}"

    def near_global_minimum(self):
        cid = "near-global-minimum"
        if not self.loss.convex:
            raise fail(cid, "the loss is a formula, not known to be convex")
        _, factor = self.box_zero()
        r = self.field(cid, "radius")
        s = self.field(cid, "sigma_min_bound")
        delta = self.field(cid, "distance")
        if s <= 0 or delta <= 0:
            raise fail(cid, f"sigma_min_bound {s} and distance {delta} must be positive")
        d, L = self.d, self.L
        A = _eye(d[L]) if L == 1 else self.partial(L, 2)
        gram = _mm(A, _tr(A, d[L], len(A[0])))
        for i in range(d[L]):
            gram[i][i] -= s * s
        if not _positive_definite(gram):
            raise fail(cid, f"AAᵀ − s²I is not positive definite for s = {s} (A = W_{{H+1:2}})")
        need, have = factor * r * r, delta * delta * s * s
        if have < need:
            raise fail(cid, f"δ²s² = {short(have)} < {factor}·r² = {short(need)}: the distance does not follow")
        return f"σ_min(A) ≥ s = {s}; ‖R* − R̂‖_F ≤ √{factor}·r with r = {r}; δ = {delta}"

    # Inherited local optima of a formula loss.

    def loss_hessian_definite(self, cid, minimum):
        if self.loss.convex:
            raise fail(cid, "inherited local optima are certified for formula losses (a named loss is convex: its critical points with ∇ℓ0 = 0 are global minima)")
        r = self.field(cid, "radius")
        if r <= 0:
            raise fail(cid, f"the radius {r} is not positive")
        d, X, Y, m, L = self.d, self.X, self.Y, self.m, self.L
        dx, dy = d[0], d[L]
        if m * dy * dx * dx > THM4_MAX_WORK:
            raise fail(cid, f"the Hessian of ℓ0 needs m·dy·dx² = {m * dy * dx * dx} operations, above the limit {THM4_MAX_WORK}")
        Yh = self.predictions()
        blocks = [[[Q(0)] * dx for _ in range(dx)] for _ in range(dy)]
        for i in range(m):
            s = r * sum((abs(X[a][i]) for a in range(dx)), Q(0))
            for k in range(dy):
                h = self.loss.hess([Iv.span(Yh[k][i] - s, Yh[k][i] + s)], [Y[k][i]])[0][0]
                # The lower (upper) end, negated for a maximum: both cases test positive
                # definiteness (each x_i x_iᵀ is positive semidefinite).
                c = _iv_end_q(h, minimum)
                c = c if minimum else -c
                if c == 0:
                    continue
                for a in range(dx):
                    for b in range(dx):
                        blocks[k][a][b] += c * X[a][i] * X[b][i]
        for k, B in enumerate(blocks):
            if not _positive_definite(B):
                raise fail(cid, f"block {k + 1} (output row {k + 1}) of the Hessian bound is not {'positive' if minimum else 'negative'} definite")
        return f"all {dy} blocks definite over the box of radius {r}"

    def inherited(self, cid):
        """The sign of Σ_{i,k} f''(ŷ_ik, y_ik)(Dx_i)_k², D = W_{H+1:2} C, at ∇ℓ0 = 0."""
        descent = cid == "inherited-descent"
        if self.loss.convex:
            raise fail(cid, "inherited saddles are certified for formula losses")
        self.product_gradient_zero(cid)
        d, X, Y, m, L = self.d, self.X, self.Y, self.m, self.L
        dx, dy = d[0], d[L]
        if m * dy * dx > THM4_MAX_WORK:
            raise fail(cid, f"the second derivative needs m·dy·dx = {m * dy * dx} operations, above the limit {THM4_MAX_WORK}")
        key = "product_descent_direction" if descent else "product_ascent_direction"
        if key not in self.w:
            raise fail(cid, "the witness has no such direction")
        D = mat(f"witness.{key}", self.w[key], d[1], dx)
        for j in range(2, L + 1):
            D = _mm(self.W[j - 1], D)
        DX = _mm(D, X)
        Yh = self.predictions()
        total = exact(Q(0))
        for i in range(m):
            for k in range(dy):
                if DX[k][i] == 0:
                    continue
                h = self.loss.hess([exact(Yh[k][i])], [Y[k][i]])[0][0]
                total = vadd(total, vmul(h, exact(DX[k][i] * DX[k][i])))
        sign = vsign(total)
        if sign != (-1 if descent else 1):
            raise fail(cid, f"Σ f''·(Dx)² = {vshow(total)} is not certainly {'negative' if descent else 'positive'}")
        return f"2·(t² coefficient) = {vshow(total)}"

    def local_optimum(self, cid):
        minimum = cid == "local-minimum"
        self.product_gradient_zero(cid)
        self.loss_hessian_definite(cid, minimum)
        r = self.field(cid, "radius")
        eps = self.field(cid, "epsilon")
        if eps <= 0:
            raise fail(cid, f"ε = {eps} is not positive")
        if "norm_bounds" not in self.w:
            raise fail(cid, "the witness has no norm_bounds")
        nb = vec("witness.norm_bounds", self.w["norm_bounds"])
        if len(nb) != self.L:
            raise fail(cid, f"witness.norm_bounds has {len(nb)} entries, expected {self.L}")
        with_, without = Q(1), Q(1)
        for j, (n, Wj) in enumerate(zip(nb, self.W)):
            fro = sum((v * v for row in Wj for v in row), Q(0))
            if n < 0 or n * n < fro:
                raise fail(cid, f"n_{j + 1} = {n} is not an upper bound of ‖W{j + 1}‖_F (‖W{j + 1}‖_F² = {fro})")
            with_ *= n + eps
            without *= n
        spread = with_ - without
        if spread > r:
            raise fail(cid, f"Π(n_j + ε) − Π n_j = {short(spread)} > r = {r}")
        return f"ε = {eps}: the products stay within r = {r} of Ŵ_{{H+1:1}}"


# ---------------------------------------------------------------------------------------------
# Kind smooth-counterexample (Theorem 2, Corollary 3; proofs/MATH.md §2, Appendices B-D):
# check_thm2, as critcert-check/src/thm2.rs.
#
# The fixed data X (rows are points) = [[1, 0], [0, 1], [1/2, 1/2]], Y = [0, 0, 1]; a 2-2-1
# network ŷ = W2·h(W1·x + b1) + b2. Parameters are flattened in the order W1[1,1], W1[1,2],
# W1[2,1], W1[2,2], b1[1], b1[2], W2[1,1], W2[1,2], b2[1].

THM2_KIND = "smooth-counterexample"
SMOOTH_X = [[Q(1), Q(0)], [Q(0), Q(1)], [Q(1, 2), Q(1, 2)]]
SMOOTH_Y = [Q(0), Q(0), Q(1)]
THIRD = Q(1, 3)

_SC_ZERO = ("zero-loss-point", "with D = h(v3)h((v1+v2)/2) − h(v1)h((v3+v4)/2), h(v1)h(v4) = h(v2)h(v3) holds exactly (C2.1) and D ≠ 0 (C2.2), so the point W1 = [[v1,v2],[v3,v4]], b1 = 0, W2 = (h(v3), −h(v1))/D, b2 = 0 outputs exactly (0, 0, 1) = Y: loss 0")
_SC_ZERO_ROOT = ("zero-loss-point", "with D = h(v3)h((v1+v2)/2) − h(v1)h((v3+v4)/2): h is continuous on the bracket [a, b] of v4 and h(v1)h(x) − h(v2)h(v3) has opposite signs at a and b, so a root v4 in [a, b] exists and h(v1)h(v4) = h(v2)h(v3) holds exactly (C2.1); D ≠ 0 for every v4 in [a, b] (C2.2); so the point W1 = [[v1,v2],[v3,v4]], b1 = 0, W2 = (h(v3), −h(v1))/D, b2 = 0 outputs exactly (0, 0, 1) = Y: loss 0")
_SC_LOSS = ("minimum-loss", "the minimum outputs u1h(v1) + u2h(v2) = 1/3 at every data point (C2.3, exactly or by the definition of u2), the least-squares output, so its loss is exactly 1/3")
_SC_CRITICAL = ("critical-point", "the gradient of the loss at the minimum is exactly 0: the residuals e = (1/3 − y_i) satisfy Σe_i = 0 and Σe_i x_i = 0, and every partial derivative is a multiple of these sums")
_SC_HESSIAN = ("hessian-inertia", "the 9×9 Hessian of the loss at the minimum, computed exactly from u1, u2 and h, h', h'' at v1, v2 (all rational), has exactly the stated inertia (n+, n0, n−) by exact symmetric elimination (Sylvester's law of inertia), and n0 > 0: the Hessian is singular, so the second-order test decides nothing and local minimality rests on local-minimum-box")
_SC_BOX_RELU = ("local-minimum-box", "v1, v2 > 0 and 2ρ ≤ min(v1, v2): on the box ‖θ − θ̂‖_max ≤ ρ every hidden pre-activation at every data point is ≥ 0, so h̄ acts as s+·z, the network is affine in x on the data and its loss is at least the least-squares loss 1/3")
_SC_SECOND = ("second-order-condition", "at the minimum itself, with w_k = u_k h'(v_k) and a_k = u_k h''(v_k)/3 evaluated exactly or as MPFR intervals: w1² + a1 > 0 (C2.6) and w1²a2 + w2²a1 + a1a2 > 0 (C2.7); these are the positivity conditions that local-minimum-box extends to the whole box, not by themselves a proof of minimality")
_SC_BOX = ("local-minimum-box", "on the box ‖θ − θ̂‖_max ≤ ρ, with P_k, Q_k the unit-k pre-activations at x1, x2 (both in v_k ± 2ρ), s_k = P_k − Q_k, ℓ(θ) − 1/3 ≥ ¼ sᵀ(aaᵀ + diag d)s where a_k = W2[k](h'(m_k) + c1_k s_k²), d_k = (W2[k]/3)(h''(m_k) + 4c2_k s_k²), c1 ∈ h'''/24, c2 ∈ h''''/192 over v_k ± 2ρ; interval enclosures give a1² + d1 > 0 and a1²d2 + a2²d1 + d1d2 > 0, so ℓ ≥ 1/3 on the box")
_SC_SPURIOUS = ("spurious-minimum", "the local minimum has loss 1/3 > 0 = the loss of the zero-loss point: it is not global")


def thm2_claims(relu_like, v4_root, hessian):
    """The canonical claims, by family, bracketed v4 and claimed Hessian inertia."""
    v = [_SC_ZERO_ROOT if v4_root else _SC_ZERO, _SC_LOSS, _SC_CRITICAL]
    if hessian:
        v.append(_SC_HESSIAN)
    v += [_SC_BOX_RELU] if relu_like else [_SC_SECOND, _SC_BOX]
    return v + [_SC_SPURIOUS]


def _trim(s):
    return s.strip(_TRIM)


def thm2_activation(a):
    """The problem's activation (the Rust checker's parse_activation, strictly)."""
    obj("problem.activation", a, ("name",), ("s_plus", "s_minus", "formula"))
    name = string("problem.activation.name", a["name"])
    for k in ("s_plus", "s_minus", "formula"):
        if k in a:
            string(f"problem.activation.{k}", a[k])
    if name == "relu-like":
        if "formula" in a:
            raise Rejected("problem.activation: 'relu-like' takes no formula")
        if "s_plus" not in a or "s_minus" not in a:
            raise Rejected("problem.activation: relu-like needs s_plus and s_minus")
        sp = rational("problem.activation.s_plus", a["s_plus"])
        sm = rational("problem.activation.s_minus", a["s_minus"])
        if not (sp > 0 and sm >= 0 and sp != sm):
            raise Rejected("problem.activation: need s_plus > 0, s_minus ≥ 0 and s_plus ≠ s_minus")
        return Act("relu-like", slopes=(sp, sm))
    if "s_plus" in a or "s_minus" in a:
        raise Rejected(f"problem.activation: {short(name)!r} takes no slopes")
    if name == "formula":
        if "formula" not in a:
            raise Rejected("problem.activation: 'formula' needs the field formula")
        text = _trim(a["formula"])
        try:
            return Act("formula", formula=parse_formula(text))
        except FormulaError as e:
            raise Rejected(f"problem.activation.formula {short(a['formula'])!r}: {e}") from None
    if "formula" in a:
        raise Rejected(f"problem.activation: {short(name)!r} takes no formula")
    if name not in NAMED:
        raise Rejected(f"problem.activation: unknown activation {short(name)!r}")
    return Act(name)


def _is_log(v):
    return isinstance(v, dict) and "ln" in v and set(v) <= {"ln", "times"} and isinstance(v["ln"], str) \
        and isinstance(v.get("times", ""), str)


def real(what, v):
    """A real of the schema: a rational "p/q", or {"ln": "q"[, "times": "c"]} meaning c·ln q."""
    if isinstance(v, str):
        return Pt(rational(what, v))
    if _is_log(v):
        arg = rational(f"{what}.ln", v["ln"])
        if arg <= 0:
            raise Rejected(f"{what}: ln of {short(arg)} ≤ 0")
        c = rational(f"{what}.times", v["times"]) if "times" in v else Q(1)
        return Pt(Q(0), [(c, arg)])
    raise Rejected(f"{what}: expected a rational \"p/q\" or {{\"ln\": \"q\", \"times\": \"c\"}}")


def _is_root(v):
    return isinstance(v, dict) and set(v) == {"solve", "bracket"} and isinstance(v["solve"], str) \
        and isinstance(v["bracket"], list) and all(isinstance(s, str) for s in v["bracket"])


def _is_solve(v):
    return isinstance(v, dict) and set(v) == {"solve"} and isinstance(v["solve"], str)


def _hessian(u, hs):
    """The exact 9×9 Hessian of the loss at the minimum from u_k and (h, h', h'') at v_k:
    ∇²ℓ = Σ_i g_i g_iᵀ + e_i ∇²ŷ_i with e_i = 1/3 − y_i, g_i = ∇ŷ(x_i); every hidden
    pre-activation of unit k at the minimum is v_k, so ∂ŷ/∂(W1[k,a], b1[k]) = u_k h'(v_k) x̃_a,
    ∂ŷ/∂W2[k] = h(v_k), ∂ŷ/∂b2 = 1, ∂²ŷ/∂(W1,b1)_k² = u_k h''(v_k) x̃x̃ᵀ,
    ∂²ŷ/∂(W1,b1)_k ∂W2[k] = h'(v_k) x̃."""
    H = [[Q(0)] * 9 for _ in range(9)]
    for x, y in zip(SMOOTH_X, SMOOTH_Y):
        e = THIRD - y
        xt = (x[0], x[1], Q(1))
        g = [Q(0)] * 9
        for k in range(2):
            idx = (2 * k, 2 * k + 1, 4 + k)
            for a, xa in zip(idx, xt):
                g[a] = u[k] * hs[k][1] * xa
            g[6 + k] = hs[k][0]
        g[8] = Q(1)
        for r in range(9):
            for c in range(9):
                H[r][c] += g[r] * g[c]
        for k in range(2):
            idx = (2 * k, 2 * k + 1, 4 + k)
            for a, xa in zip(idx, xt):
                for b, xb in zip(idx, xt):
                    H[a][b] += e * u[k] * hs[k][2] * xa * xb
                H[a][6 + k] += e * hs[k][1] * xa
                H[6 + k][a] += e * hs[k][1] * xa
    return H


def box_bounds(act, v, u, rho):
    """Lower bounds (intervals) of a1² + d1 and a1²d2 + a2²d1 + d1d2 over the box of radius rho
    around the minimum (proofs/MATH.md §2): m_k ∈ v_k ± 2ρ, W2[k] ∈ u_k ± ρ, s_k² ∈ [0, 4ρ²],
    a_k = W2[k](h'(m_k) + c1 s_k²), d_k = (W2[k]/3)(h''(m_k) + 4c2 s_k²), c1 ∈ h'''/24 and
    c2 ∈ h''''/192 over v_k ± 2ρ (Taylor with remainder; the remainder points lie between P_k
    and Q_k, both in v_k ± 2ρ)."""
    r1 = Iv.span(-rho, rho)
    r2 = Iv.span(-2 * rho, 2 * rho)
    s2 = Iv.span(Q(0), 4 * rho * rho)
    a, d = [], []
    for k in range(2):
        m = v[k].enclose().add(r2)
        w = u[k].add(r1)
        h = act.enclose_upto(4, m)
        c1 = h[3].div(Iv.from_int(24))
        c2x4 = h[4].div(Iv.from_int(48))
        a.append(w.mul(h[1].add(c1.mul(s2))))
        d.append(w.div(Iv.from_int(3)).mul(h[2].add(c2x4.mul(s2))))
    diag = a[0].sq().add(d[0])
    det = a[0].sq().mul(d[1]).add(a[1].sq().mul(d[0])).add(d[0].mul(d[1]))
    return diag, det


def _zero_loss_root(act, h, v3, root, m12):
    """C2.1 for a bracketed v4 by the intermediate value theorem; returns (evidence, D over the
    bracket)."""
    cid = "zero-loss-point"
    if root["solve"] != "C2.1":
        raise Rejected('witness.zero_loss.v[4]: the only equation v4 may solve is "C2.1"')
    array("witness.zero_loss.v[4].bracket", root["bracket"], 2)
    a = rational("witness.zero_loss.v[4].bracket[1]", root["bracket"][0])
    b = rational("witness.zero_loss.v[4].bracket[2]", root["bracket"][1])
    if a >= b:
        raise fail(cid, f"the bracket [{short(a)}, {short(b)}] is empty")
    bracket = Iv.span(a, b)
    try:
        hb = act.enclose(0, bracket)
    except EvalError as e:
        raise fail(cid, f"h is not shown continuous on [{short(a)}, {short(b)}]: {e}") from None
    target = vmul(h[1], h[2])

    def g(t):
        return vsub(vmul(h[0], value(act, 0, Pt(t))), target)

    ga, gb = g(a), g(b)
    if {vsign(ga), vsign(gb)} != {-1, 1}:
        raise fail(cid, f"C2.1: h(v1)h(x) − h(v2)h(v3) is {vshow(ga)} at a = {short(a)} and {vshow(gb)} at b = {short(b)}: no sign change is shown")
    mid = v3.enclose().add(bracket).div(Iv.from_int(2))
    m34 = act.enclose(0, mid)
    dd = vsub(vmul(h[2], m12), vmul(h[0], m34))
    ev = (f"C2.1 by the intermediate value theorem: h ∈ {hb.show(8)} is continuous on [{short(a)}, {short(b)}] and "
          f"h(v1)h(x) − h(v2)h(v3) is {vshow(ga)} at a and {vshow(gb)} at b, so a root v4 ∈ [{short(a)}, {short(b)}] exists")
    return ev, dd


def check_thm2(cert):
    p = obj("problem", cert["problem"], ("activation", "architecture", "data"))
    w = obj("witness", cert["witness"], ("precision", "zero_loss", "minimum", "radius"), ("hessian_inertia",))
    act = thm2_activation(p["activation"])
    relu_like = act.name == "relu-like"
    # The typed reading of every field first (as the Rust checker's deserialisation).
    arch = [natural(f"problem.architecture[{i + 1}]", v) for i, v in enumerate(array("problem.architecture", p["architecture"]))]
    data = obj("problem.data", p["data"], ("x", "y"))
    for i, row in enumerate(array("problem.data.x", data["x"])):
        for j, s in enumerate(array(f"problem.data.x[{i + 1}]", row)):
            string(f"problem.data.x[{i + 1},{j + 1}]", s)
    for i, s in enumerate(array("problem.data.y", data["y"])):
        string(f"problem.data.y[{i + 1}]", s)
    prec = natural("witness.precision", w["precision"], 2 ** 32 - 1)
    z = obj("witness.zero_loss", w["zero_loss"], ("v",))
    zraw = array("witness.zero_loss.v", z["v"])
    for i, e in enumerate(zraw):
        if not (isinstance(e, str) or _is_log(e) or _is_root(e)):
            raise Rejected(f"witness.zero_loss.v[{i + 1}]: expected a real or {{\"solve\": \"C2.1\", \"bracket\": [\"a\", \"b\"]}}")
    mn = obj("witness.minimum", w["minimum"], ("v", "u1", "u2"))
    for i, e in enumerate(array("witness.minimum.v", mn["v"])):
        if not (isinstance(e, str) or _is_log(e)):
            raise Rejected(f"witness.minimum.v[{i + 1}]: expected a real")
    if not (isinstance(mn["u1"], str) or _is_log(mn["u1"])):
        raise Rejected("witness.minimum.u1: expected a real")
    if not (isinstance(mn["u2"], str) or _is_log(mn["u2"]) or _is_solve(mn["u2"])):
        raise Rejected('witness.minimum.u2: expected a real or {"solve": "C2.3"}')
    string("witness.radius", w["radius"])
    inertia = None
    if "hessian_inertia" in w:
        inertia = [natural(f"witness.hessian_inertia[{i + 1}]", v) for i, v in enumerate(array("witness.hessian_inertia", w["hessian_inertia"]))]

    if len(zraw) != 4:
        raise Rejected(f"witness.zero_loss.v: expected 4 entries, found {len(zraw)}")
    v4_root = zraw[3] if _is_root(zraw[3]) else None
    expected = thm2_claims(relu_like, v4_root is not None, inertia is not None)
    require_claims(cert["claims"], expected)
    if arch != [2, 2, 1]:
        raise Rejected("problem.architecture must be [2, 2, 1]")
    try:
        ok = (len(data["x"]) == 3 and len(data["y"]) == 3
              and all(len(r) == 2 and [rational("problem.data.x", s) for s in r] == x for r, x in zip(data["x"], SMOOTH_X))
              and [rational("problem.data.y", s) for s in data["y"]] == SMOOTH_Y)
    except Rejected:
        ok = False
    if not ok:
        raise Rejected("problem.data must be the Theorem 2 data X = [[1,0],[0,1],[1/2,1/2]], Y = [0,0,1]")
    if not 32 <= prec <= 4096:
        raise Rejected("witness.precision must be between 32 and 4096 bits")
    given = 3 if v4_root is not None else 4
    zv = []
    for i, e in enumerate(zraw[:given]):
        what = f"witness.zero_loss.v[{i + 1}]"
        if _is_root(e):
            raise Rejected(f"{what}: only v4 may be given as a root of C2.1")
        zv.append(real(what, e))
    array("witness.minimum.v", mn["v"], 2)
    mv = [real(f"witness.minimum.v[{i + 1}]", e) for i, e in enumerate(mn["v"])]
    u1 = real("witness.minimum.u1", mn["u1"])
    rho = rational("witness.radius", w["radius"])
    with Prec(prec + GUARD_BITS):
        return _check_thm2_claims(act, relu_like, zv, v4_root, mv, u1, mn["u2"], rho, inertia, prec)


def _check_thm2_claims(act, relu_like, zv, v4_root, mv, u1, u2_raw, rho, inertia, prec):
    evidence = []
    cid = None

    def val(k, x):
        return value(act, k, x)

    try:
        # zero-loss-point
        cid = "zero-loss-point"
        h = [val(0, x) for x in zv]
        m12 = val(0, Pt.midpoint(zv[0], zv[1]))
        if v4_root is not None:
            c21, dd = _zero_loss_root(act, h, zv[2], v4_root, m12)
        else:
            lhs, rhs = vmul(h[0], h[3]), vmul(h[1], h[2])
            softplus_args = None
            if act.name == "softplus":
                es = [x.exp_exact(Q(1)) for x in zv]
                if all(e is not None for e in es):
                    softplus_args = [e + 1 for e in es]
            if is_exact(lhs) and is_exact(rhs):
                if lhs != rhs:
                    raise fail(cid, f"C2.1 fails: h(v1)h(v4) = {short(lhs)} ≠ {short(rhs)} = h(v2)h(v3)")
                c21 = f"C2.1 exact: h(v1)h(v4) = h(v2)h(v3) = {short(lhs)}"
            elif softplus_args is not None and log_products_equal(*softplus_args) is True:
                c21 = ("C2.1 exact: h(v_i) = " + ", ".join(f"ln({short(r)})" for r in softplus_args)
                       + " are integer multiples of the log of one base, and ln·ln agree")
            else:
                raise fail(cid, f"C2.1 is an equality and is not shown exactly: h(v1)h(v4) {vshow(lhs)}, h(v2)h(v3) {vshow(rhs)}")
            m34 = val(0, Pt.midpoint(zv[2], zv[3]))
            dd = vsub(vmul(h[2], m12), vmul(h[0], m34))
        if vsign(dd) in (None, 0):
            raise fail(cid, f"C2.2: D {vshow(dd)} is not shown to be nonzero")
        evidence.append((cid, f"{c21}; C2.2 ({vhow(dd)}): D {vshow(dd)}; outputs (h3h1 − h1h3)/D = 0, (h3h2 − h1h4)/D = 0, D/D = 1"))

        # minimum-loss
        cid = "minimum-loss"
        hv = [val(0, mv[0]), val(0, mv[1])]
        r = u1.as_rational()
        u1v = r if r is not None else u1.enclose()
        first = vmul(u1v, hv[0])
        if _is_solve(u2_raw):
            if u2_raw["solve"] != "C2.3":
                raise Rejected('witness.minimum.u2: the only equation to solve is "C2.3"')
            u2v = vdiv(vsub(THIRD, first), hv[1])
            if u2v is None:
                raise fail(cid, f"u2 is defined by C2.3 but h(v2) {vshow(hv[1])} may be 0")
            how23 = f"by construction (u2 = (1/3 − u1h(v1))/h(v2) {vshow(u2v)})"
        else:
            u2 = real("witness.minimum.u2", u2_raw)
            r = u2.as_rational()
            u2v = r if r is not None else u2.enclose()
            out = vadd(first, vmul(u2v, hv[1]))
            if not (is_exact(out) and out == THIRD):
                raise fail(cid, f"C2.3 fails: u1h(v1) + u2h(v2) {vshow(out)} is not exactly 1/3")
            how23 = "exact"
        # The constant 1/3 is the least-squares output: residuals ⟂ 1, x[1], x[2]; loss 1/3.
        e = [THIRD - y for y in SMOOTH_Y]
        sums = [sum(e, Q(0))] + [sum((ei * x[j] for ei, x in zip(e, SMOOTH_X)), Q(0)) for j in range(2)]
        loss = sum((ei * ei for ei in e), Q(0)) / 2
        if loss != THIRD or any(s != 0 for s in sums):
            raise fail(cid, "the constant 1/3 is not the least-squares fit")
        evidence.append((cid, f"C2.3 {how23}; output 1/3 at all 3 points; residuals (1/3, 1/3, −2/3) are orthogonal to 1 and to both input columns; loss ½·(1/9 + 1/9 + 4/9) = {loss}"))

        # critical-point: h' exists at v1, v2 (every partial derivative is a multiple of Σe_i or
        # Σe_i x_i, both exactly 0).
        cid = "critical-point"
        hp = [val(1, mv[0]), val(1, mv[1])]
        evidence.append((cid, f"Σe_i = {sums[0]}, Σe_i x_i = ({sums[1]}, {sums[2]}); h'(v1) {vshow(hp[0])}, h'(v2) {vshow(hp[1])}: all 9 partial derivatives are exactly 0"))

        hpp = []
        for x in mv:
            try:
                hpp.append(val(2, x))
            except EvalError as err:
                hpp.append(err)

        if inertia is not None:
            cid = "hessian-inertia"
            for v in hpp:
                if isinstance(v, EvalError):
                    raise v
            vals = [u1v, u2v] + hv + hp + hpp
            if not all(is_exact(v) for v in vals):
                raise fail(cid, "u, h, h', h'' at the minimum are not all rational")
            got = list(inertia_of(_hessian([u1v, u2v], [[hv[k], hp[k], hpp[k]] for k in range(2)])))
            if got != inertia:
                raise fail(cid, f"the exact inertia is {got}, not {inertia}")
            if got[1] == 0:
                raise fail(cid, "the Hessian is nonsingular: the test would be conclusive")
            evidence.append((cid, f"exact 9×9 Hessian has inertia (n+, n0, n−) = ({got[0]}, {got[1]}, {got[2]})"))

        if relu_like:
            cid = "local-minimum-box"
            a, b = mv[0].as_rational(), mv[1].as_rational()
            if a is None or b is None:
                raise fail(cid, "v1, v2 must be rational")
            lo = min(a, b)
            if lo <= 0 or rho <= 0 or 2 * rho > lo:
                raise fail(cid, f"need v1, v2 > 0 and 0 < 2ρ ≤ min(v1, v2); ρ = {short(rho)}, min(v1, v2) = {short(lo)}")
            # Each pre-activation v_k(x_i1 + x_i2) moves by at most ρ(‖x_i‖₁ + 1) on the box.
            low = min(vk * (x[0] + x[1]) - rho * (abs(x[0]) + abs(x[1]) + 1) for vk in (a, b) for x in SMOOTH_X)
            if low < 0:
                raise fail(cid, f"a pre-activation on the box can be as low as {short(low)} < 0")
            evidence.append((cid, f"pre-activations at θ̂ are v_k(x_i1 + x_i2) = v_k ≥ {short(lo)}; on the box they move by at most ρ(‖x_i‖₁ + 1) = 2ρ = {short(2 * rho)}, so every one is ≥ {short(low)}"))
        else:
            cid = "second-order-condition"
            for v in hpp:
                if isinstance(v, EvalError):
                    raise v
            uv = [u1v, u2v]
            wk = [vmul(uv[k], hp[k]) for k in range(2)]
            ak = [vdiv(vmul(uv[k], hpp[k]), Q(3)) for k in range(2)]
            w2 = [vmul(wk[k], wk[k]) for k in range(2)]
            c26 = vadd(w2[0], ak[0])
            c27 = vadd(vadd(vmul(w2[0], ak[1]), vmul(w2[1], ak[0])), vmul(ak[0], ak[1]))
            if vsign(c26) != 1:
                raise fail(cid, f"C2.6: w1² + a1 {vshow(c26)} is not shown positive")
            if vsign(c27) != 1:
                raise fail(cid, f"C2.7: w1²a2 + w2²a1 + a1a2 {vshow(c27)} is not shown positive")
            evidence.append((cid, f"C2.6 ({vhow(c26)}): {vshow(c26)}; C2.7 ({vhow(c27)}): {vshow(c27)}"))

            cid = "local-minimum-box"
            if rho <= 0:
                raise fail(cid, f"the radius ρ = {short(rho)} is not positive")
            diag, det = box_bounds(act, mv, [to_iv(u1v), to_iv(u2v)], rho)
            if not (diag.is_positive() and det.is_positive()):
                raise fail(cid, f"on the box of radius ρ = {short(rho)} the enclosures a1² + d1 {diag.show(8)} and a1²d2 + a2²d1 + d1d2 {det.show(8)} are not both positive")
            evidence.append((cid, f"ρ = {short(rho)}, {ctx.prec}-bit Arb: a1² + d1 ∈ {diag.show(8)}, a1²d2 + a2²d1 + d1d2 ∈ {det.show(8)}"))

        cid = "spurious-minimum"
        evidence.append((cid, "1/3 > 0"))
    except EvalError as err:
        raise fail(cid, str(err)) from None
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


# ---------------------------------------------------------------------------------------------
# Kind critical-point: a candidate critical point θ̃ of a small network's loss, classified over
# the box B = θ̃ + [−r, r]^p (strict local minimum, saddle) or shown not critical at θ̃.
#
# Models. gaussian-relu / population-squared: F(W) = ½ E_x(Σ_i relu(w_iᵀx) − Σ_t relu(v_tᵀx))²,
# x ~ N(0, I_k), in closed form through the arc-cosine kernel. Written here with the raw
# quantities a = ‖u‖², b = ‖w‖², d = uᵀw and S = ‖u‖‖w‖ sin θ = sqrt(Σ_{α<β}(u_α w_β − u_β w_α)²)
# (Lagrange's identity, a sum of squares), φ = π − θ = π/2 + atan(d/S):
#   κ(u, w) = E relu(uᵀx) relu(wᵀx) = (S + φ d)/(2π),   κ(u, u) = ‖u‖²/2,
#   F = Σ_i a_i/4 + Σ_{i<j} κ(w_i, w_j) − Σ_{i,t} κ(w_i, v_t) + Σ_t ‖v_t‖²/4 + Σ_{t<t'} κ(v_t, v_t'),
#   ∇_u κ = ((S/a) u + φ w)/(2π),
#   ∇²_uu κ = ((S/a)(I − uuᵀ/a) + q qᵀ/(a² S))/(2π),               q = a w − d u,
#   ∇²_uw κ = (u qᵀ/(a S) + φ I + w rᵀ/(b S))/(2π),  [α][β] = ∂²κ/∂u_α∂w_β, r = b u − d w;
# all need S > 0 (u, w nonzero and not parallel), shown over the whole box. mlp /
# half-squared-error: ŷ = W2 h(W1 x + b1) + b2, ℓ = ½ Σ_i ‖ŷ_i − y_i‖², gradient Σ e_o J_o and
# Hessian Σ J_oᵀJ_o + e_o ∇²ŷ_o. Every Hessian entry is enclosed at both of its positions and the
# two enclosures are intersected (the Hessian of a C² function is symmetric): an empty
# intersection rejects.
#
# Linear algebra on balls (flint.arb / arb_mat): an interval [lo, hi] becomes the ball
# arb(lo).union(arb(hi)) ⊇ [lo, hi]. Krawczyk: C is a float inverse of the midpoint Hessian (own
# Gauss–Jordan; a hint: the test is sound for any C), made exact; with M = I − C·H(B) and
# c = C·∇ℓ(θ̃) (arb_mat products: C is a point matrix, so the ball products add only rounding),
# |K_i − θ̃_i| ≤ |c_i| + r Σ_j |M_ij| must be < r for every i. Positive definiteness: the ball
# midpoints form an exact symmetric matrix mid (radii rad, |A − mid| ≤ rad entrywise for every A
# in the enclosure); s² > Σ rad² and an LDLᵀ of mid − sI in ball arithmetic with every pivot
# certainly > 0 give λ_min(A) ≥ λ_min(mid) − ‖A − mid‖₂ > s − ‖rad‖_F > 0.

POINT_KIND = "critical-point"
POINT_MAX_PARAMS = 1000  # the most parameters (the Hessian has p² entries)
POINT_MAX_WORK = 50_000_000  # m·p²·dy (mlp), (n + t)·n·k² (gaussian-relu) at most
POINT_MAX_RADIUS_BITS = 4096  # bits of numerator + denominator of the radius

_CP_SMOOTH = ("smooth-box", "the loss is twice continuously differentiable on the box B = θ̃ + [−r, r]^p: enclosures of its gradient and Hessian over B exist (gaussian-relu: no student is 0 and no two of the student and teacher vectors are parallel on B; mlp: no pre-activation reaches a point where the activation is not twice differentiable)")
_CP_UNIQUE = ("unique-critical-point", "Krawczyk: −C∇ℓ(θ̃) + (I − C∇²ℓ(B))[−r, r]^p lies in the open cube (−r, r)^p for the checker's preconditioner C, so B contains exactly one critical point θ*")
_CP_VALUE = ("loss-enclosure", "ℓ(θ*) lies in [loss_lower, loss_upper], which contains ℓ(θ̃) + ∇ℓ(B)·[−r, r]^p")
_CP_PD = ("positive-definite", "every symmetric matrix in the Hessian enclosure over B is positive definite (mid − sI is positive definite by a verified factorisation and the Frobenius norm of the radius matrix is below s): ℓ is strictly convex on B, so θ* is a strict local minimum and ℓ(θ*) = min over B")
_CP_SPURIOUS = ("spurious", "loss_lower > 0, while the loss is 0 at the teacher (a student per teacher, the others 0): θ* is a spurious local minimum")
_CP_NEG = ("negative-curvature", "dᵀ∇²ℓ(θ)d < 0 for the witness's exact direction d and ∇²ℓ(θ)_ii > 0 for some coordinate i, for every θ in B: the critical point θ* is neither a local minimum nor a local maximum, a saddle")
_CP_NOT = ("not-critical", "some entry of the gradient enclosure at θ̃ excludes 0: θ̃ is not a critical point")
POINT_VERDICTS = ("strict-local-minimum", "saddle", "not-critical")
# The witness fields each verdict uses; any other one is refused (one reading per certificate).
POINT_FIELDS = {
    "strict-local-minimum": ("radius", "shift", "loss_lower", "loss_upper"),
    "saddle": ("radius", "direction", "loss_lower", "loss_upper"),
    "not-critical": (),
}


def point_claims(verdict, spurious):
    """The canonical claims of a critical-point certificate."""
    if verdict == "strict-local-minimum":
        return [_CP_SMOOTH, _CP_UNIQUE, _CP_PD, _CP_VALUE] + ([_CP_SPURIOUS] if spurious else [])
    if verdict == "saddle":
        return [_CP_SMOOTH, _CP_UNIQUE, _CP_NEG, _CP_VALUE]
    return [_CP_NOT]


def point_claims_spurious(problem, verdict):
    """A gaussian-relu minimum with at most n teachers (n students) must claim `spurious`."""
    if verdict != "strict-local-minimum" or problem.get("model") != "gaussian-relu":
        return False
    t, w = problem.get("teachers"), problem.get("point", {}).get("W")
    if not isinstance(t, list) or not isinstance(w, list):
        return False
    n = len(w[0]) if w and isinstance(w[0], list) else 0
    return len(t) <= n


def _string_matrix(what, v):
    """A JSON array of arrays of strings (the typed reading; the shape is checked later)."""
    for i, row in enumerate(array(what, v)):
        for j, s in enumerate(array(f"{what}[{i + 1}]", row)):
            string(f"{what}[{i + 1},{j + 1}]", s)
    return v


class _Gauss:
    """gaussian-relu: k-dimensional students (n of them) and exact teachers."""

    def __init__(self, k, n, teachers):
        self.k, self.n, self.teachers = k, n, teachers

    def names(self):
        return [f"W[{a + 1},{i + 1}]" for i in range(self.n) for a in range(self.k)]

    def flatten(self, point):
        W = point["W"]
        return [W[a][i] for i in range(self.n) for a in range(self.k)]


class _Mlp:
    """mlp: ŷ = W2 h(W1 x + b1) + b2 with the squared loss on (X, Y)."""

    def __init__(self, act, dx, width, dy, X, Y):
        self.act, self.dx, self.width, self.dy, self.X, self.Y = act, dx, width, dy, X, Y

    def names(self):
        dx, width, dy = self.dx, self.width, self.dy
        return ([f"W1[{j + 1},{c + 1}]" for j in range(width) for c in range(dx)]
                + [f"b1[{j + 1}]" for j in range(width)]
                + [f"W2[{o + 1},{j + 1}]" for o in range(dy) for j in range(width)]
                + [f"b2[{o + 1}]" for o in range(dy)])

    def flatten(self, point):
        return ([v for row in point["W1"] for v in row] + [row[0] for row in point["b1"]]
                + [v for row in point["W2"] for v in row] + [row[0] for row in point["b2"]])


def point_model(p):
    """The model of a critical-point problem, its point read: (model, θ̃ as a list of fmpq)."""
    model, loss = p["model"], p["loss"]
    pt = p["point"]

    def only(names):
        for key in pt:
            if key not in names:
                raise Rejected(f"problem.point: unexpected matrix {short(key)!r} for model {short(model)!r}")

    def need(name, rows, cols):
        if name not in pt:
            raise Rejected(f"problem.point has no matrix {name!r}")
        return mat(f"problem.point.{name}", pt[name], rows, cols)

    if (model, loss) == ("gaussian-relu", "population-squared"):
        if any(key in p for key in ("activation", "widths", "X", "Y")):
            raise Rejected("problem: gaussian-relu takes only teachers and point")
        only(("W",))
        if "W" not in pt:
            raise Rejected("problem.point has no matrix 'W'")
        k = len(pt["W"])
        n = len(pt["W"][0]) if k else 0
        if k == 0 or n == 0 or k * n > POINT_MAX_PARAMS:
            raise Rejected(f"problem.point.W is {k} × {n}: need 1 ≤ k·n ≤ {POINT_MAX_PARAMS}")
        if "teachers" not in p:
            raise Rejected("problem: gaussian-relu needs teachers")
        t = p["teachers"]
        if not 1 <= len(t) <= POINT_MAX_PARAMS:
            raise Rejected(f"problem.teachers: need 1 to {POINT_MAX_PARAMS} teachers")
        work = (n + len(t)) * n * k * k
        if work > POINT_MAX_WORK:
            raise Rejected(f"problem: (n + t)·n·k² = {work} interval operations, above {POINT_MAX_WORK}")
        teachers = mat("problem.teachers", t, len(t), k)
        m = _Gauss(k, n, teachers)
        return m, m.flatten({"W": need("W", k, n)})
    if (model, loss) == ("mlp", "half-squared-error"):
        if "teachers" in p:
            raise Rejected("problem: mlp takes no teachers")
        only(("W1", "b1", "W2", "b2"))
        if "activation" not in p:
            raise Rejected("problem: mlp needs an activation")
        act = thm2_activation(p["activation"])
        widths = p.get("widths")
        if widths is None or len(widths) != 3:
            raise Rejected("problem.widths must be [dx, width, dy]")
        dx, width, dy = widths
        params = (dx + 1) * width + (width + 1) * dy
        if dx == 0 or width == 0 or dy == 0 or params > POINT_MAX_PARAMS:
            raise Rejected(f"problem.widths {widths}: need positive widths and at most {POINT_MAX_PARAMS} parameters")
        if "X" not in p:
            raise Rejected("problem: mlp needs X")
        if "Y" not in p:
            raise Rejected("problem: mlp needs Y")
        m = len(p["X"])
        if m == 0 or len(p["Y"]) != m or m * params * params * dy > POINT_MAX_WORK:
            raise Rejected(f"problem: X and Y need the same positive number of rows, and m·p²·dy ≤ {POINT_MAX_WORK} (m = {m}, Y has {len(p['Y'])} rows, p = {params})")
        X = mat("problem.X", p["X"], m, dx)
        Y = mat("problem.Y", p["Y"], m, dy)
        mm = _Mlp(act, dx, width, dy, X, Y)
        point = {"W1": need("W1", width, dx), "b1": need("b1", width, 1),
                 "W2": need("W2", dy, width), "b2": need("b2", dy, 1)}
        return mm, mm.flatten(point)
    raise Rejected(f"problem: unknown model/loss {short(model)!r}/{short(loss)!r} (gaussian-relu/population-squared or mlp/half-squared-error)")


class Dn:
    """A first-order enclosure for the mean-value form: a ball v enclosing a quantity over the
    box and balls g enclosing its partial derivatives over the box in the box's m variables
    (g None: a constant). Arb ball arithmetic throughout; a non-finite ball rejects."""

    __slots__ = ("v", "g")

    def __init__(self, v, g=None):
        if not v.is_finite():
            raise NotFinite("an enclosure is not finite")
        self.v, self.g = v, g

    @staticmethod
    def from_q(q):
        return Dn(arb(q))

    @staticmethod
    def from_int(n):
        return Dn(arb(n))

    @staticmethod
    def pi():
        return Dn(arb.pi())

    @staticmethod
    def _lin(ga, ca, gb, cb):
        """ca·ga + cb·gb for gradients (None = 0) and balls ca, cb."""
        if ga is None and gb is None:
            return None
        if gb is None:
            return [ca * x for x in ga]
        if ga is None:
            return [cb * y for y in gb]
        return [ca * x + cb * y for x, y in zip(ga, gb)]

    def add(self, o):
        g = self.g if o.g is None else o.g if self.g is None else [x + y for x, y in zip(self.g, o.g)]
        return Dn(self.v + o.v, g)

    def sub(self, o):
        g = self.g if o.g is None else [-y for y in o.g] if self.g is None else [x - y for x, y in zip(self.g, o.g)]
        return Dn(self.v - o.v, g)

    def neg(self):
        return Dn(-self.v, None if self.g is None else [-x for x in self.g])

    def mul(self, o):
        return Dn(self.v * o.v, Dn._lin(self.g, o.v, o.g, self.v))

    def sq(self):
        return Dn(self.v * self.v, None if self.g is None else [(2 * self.v) * x for x in self.g])

    def div(self, o):
        if o.v.contains(0):
            return None
        q = self.v / o.v
        inv = 1 / o.v
        g = Dn._lin(self.g, inv, o.g, -q * inv)
        return Dn(q, g)

    def sqrt(self):
        if not self.v > 0:
            raise EvalError(f"sqrt of a number that may be ≤ 0 (its enclosure is {self.show()})")
        s = self.v.sqrt()
        return Dn(s, None if self.g is None else [x / (2 * s) for x in self.g])

    def atan(self):
        c = 1 / (1 + self.v * self.v)
        return Dn(self.v.atan(), None if self.g is None else [c * x for x in self.g])

    def is_positive(self):
        return self.v > 0

    def show(self, digits=12):
        return f"[{self.v.lower().str(digits, radius=False)}, {self.v.upper().str(digits, radius=False)}]"


def _mean_value(center, d, r):
    """The enclosure of a quantity over the box θ̃ + [−r, r]^m: its value at θ̃ (the ball
    center.v) widened by r·Σ|∂_v| (the mean value theorem, partials enclosed over the box by
    d.g), intersected with the direct enclosure d.v."""
    center = Iv(center.v, center.v)
    lo, hi = d.v.lower(), d.v.upper()
    if d.g is not None:
        s = arb(0)
        for x in d.g:
            s += abs(x)
        w = (arb(r) * s).upper()
        if w.is_finite():  # else the direct enclosure alone
            lo2, hi2 = _lo(center.lo - w), _hi(center.hi + w)
            lo, hi = _max([lo, lo2]), _min([hi, hi2])
    else:
        lo, hi = _max([lo, center.lo]), _min([hi, center.hi])
    if not lo <= hi:
        raise EvalError("two enclosures of one quantity are disjoint (an internal inconsistency: rejected)")
    return Iv(lo, hi)


def _idiv(x, y, what):
    q = x.div(y)
    if q is None:
        raise EvalError(f"{what}: a divisor may be 0 (its enclosure is {y.show(8)})")
    return q


def _isum(xs):
    it = iter(xs)
    acc = next(it)
    for x in it:
        acc = acc.add(x)
    return acc


def kernel_pair(u, w, order, what, num=Iv):
    """κ(u, w), ∇_u κ and (order 2) ∇²_uu κ, ∇²_uw κ over u, w (formulas above): intervals
    (num = Iv) or first-order enclosures (num = Dn)."""
    k = len(u)
    a = _isum(x.sq() for x in u)
    b = _isum(x.sq() for x in w)
    d = _isum(x.mul(y) for x, y in zip(u, w))
    s2 = _isum(u[al].mul(w[be]).sub(u[be].mul(w[al])).sq() for al in range(k) for be in range(al + 1, k))
    if not s2.is_positive():
        raise EvalError(f"{what}: the two vectors may be parallel or 0 (‖u‖²‖w‖² − (uᵀw)² ∈ {s2.show(8)})")
    S = s2.sqrt()
    half_pi = num.pi().div(num.from_int(2))
    phi = half_pi.add(_idiv(d, S, what).atan())
    two_pi = num.pi().mul(num.from_int(2))
    value = _idiv(S.add(phi.mul(d)), two_pi, what)
    if order == 0:
        return value, None, None, None
    s_a = _idiv(S, a, what)
    grad = [_idiv(s_a.mul(u[al]).add(phi.mul(w[al])), two_pi, what) for al in range(k)]
    if order == 1:
        return value, grad, None, None
    q = [a.mul(w[al]).sub(d.mul(u[al])) for al in range(k)]
    r = [b.mul(u[al]).sub(d.mul(w[al])) for al in range(k)]
    aS = a.mul(S)
    bS = b.mul(S)
    a2S = a.mul(aS)
    uu, uw = [], []
    for al in range(k):
        row_uu, row_uw = [], []
        for be in range(k):
            proj = _idiv(u[al].mul(u[be]), a, what)
            if al == be:
                proj = num.from_int(1).sub(proj)
            else:
                proj = proj.neg()
            row_uu.append(_idiv(s_a.mul(proj).add(_idiv(q[al].mul(q[be]), a2S, what)), two_pi, what))
            t = _idiv(u[al].mul(q[be]), aS, what).add(_idiv(w[al].mul(r[be]), bS, what))
            if al == be:
                t = t.add(phi)
            row_uw.append(_idiv(t, two_pi, what))
        uu.append(row_uu)
        uw.append(row_uw)
    return value, grad, uu, uw


def _teacher_constant(teachers):
    """Σ_t ‖v_t‖²/4 + Σ_{t<t'} κ(v_t, v_t') for exact teachers (parallel pairs allowed:
    κ = uᵀw/2 for θ = 0, 0 for θ = π)."""
    total = Iv.from_int(0)
    for t, v in enumerate(teachers):
        total = total.add(Iv.from_q(sum((x * x for x in v), Q(0)) / 4))
        for v2 in teachers[t + 1:]:
            d = sum((x * y for x, y in zip(v, v2)), Q(0))
            s2 = sum(((v[al] * v2[be] - v[be] * v2[al]) ** 2 for al in range(len(v)) for be in range(al + 1, len(v))), Q(0))
            if s2 == 0:
                total = total.add(Iv.from_q(d / 2 if d > 0 else Q(0)))
            else:
                total = total.add(kernel_pair([Iv.from_q(x) for x in v], [Iv.from_q(x) for x in v2], 0, "two teachers")[0])
    return total


def gauss_eval(model, theta, r, order):
    """Loss, gradient and (order 2) Hessian of the gaussian-relu loss: at θ̃ (r None: the loss
    and the gradient) or over the box θ̃ + [−r, r]^p (the gradient and the Hessian; the loss
    is None). Student i is θ[i·k : (i+1)·k]. Over the box, every pair term (value, gradient,
    Hessian blocks) is enclosed twice, directly and by the mean value form around θ̃ with its
    derivatives enclosed over the box (Dn), and the two enclosures are intersected."""
    k, n = model.k, model.n
    p = k * n
    center = [Iv.from_q(v) for v in theta]
    Wc = [center[i * k:(i + 1) * k] for i in range(n)]
    Vc = [[Iv.from_q(x) for x in v] for v in model.teachers]
    half = Iv.from_q(Q(1, 2))
    if r is None:
        loss = _teacher_constant(model.teachers)
        grad = [x.mul(half) for x in center]
    else:
        loss = None
        box = [Iv.span(v - r, v + r) for v in theta]
        grad = [x.mul(half) for x in box]
        Wb = []
        for i in range(n):  # student i's k variables, as first-order enclosures
            Wb.append([Dn(_ball(box[i * k + a]), [arb(int(a == b)) for b in range(k)]) for a in range(k)])
        Vb = [[Dn(arb(x)) for x in v] for v in model.teachers]
        Wd = [[Dn(arb(x)) for x in theta[i * k:(i + 1) * k]] for i in range(n)]  # θ̃ as balls
    H = None
    if order == 2:
        H = [[Iv.from_int(0)] * p for _ in range(p)]
        for e in range(p):
            H[e][e] = half
    zeros = [arb(0)] * k
    for i in range(n):
        if r is None:
            loss = loss.add(_isum(x.sq() for x in Wc[i]).mul(Iv.from_q(Q(1, 4))))
        others = [(j, 1) for j in range(n) if j != i] + [(t, -1) for t in range(len(Vc))]
        for j, sign in others:
            what = f"students {i + 1} and {j + 1}" if sign > 0 else f"student {i + 1} and teacher {j + 1}"
            oc = Wc[j] if sign > 0 else Vc[j]
            if r is None:
                val, g, uu, uw = kernel_pair(Wc[i], oc, 1, what)
                if sign < 0:
                    loss = loss.sub(val)
                elif j > i:
                    loss = loss.add(val)
            else:
                _, gc, uuc, uwc = kernel_pair(Wd[i], Wd[j] if sign > 0 else Vb[j], 2, what, Dn)
                if sign > 0:  # 2k variables: student i's, then student j's
                    ub = [Dn(x.v, x.g + zeros) for x in Wb[i]]
                    wb = [Dn(x.v, zeros + x.g) for x in Wb[j]]
                else:
                    ub, wb = Wb[i], Vb[j]
                _, gb, uub, uwb = kernel_pair(ub, wb, 2, what, Dn)
                g = [_mean_value(gc[a], gb[a], r) for a in range(k)]
                uu = [[_mean_value(uuc[a][b], uub[a][b], r) for b in range(k)] for a in range(k)]
                uw = [[_mean_value(uwc[a][b], uwb[a][b], r) for b in range(k)] for a in range(k)]
            for a in range(k):
                grad[i * k + a] = grad[i * k + a].add(g[a]) if sign > 0 else grad[i * k + a].sub(g[a])
            if H is not None:
                for a in range(k):
                    row = H[i * k + a]
                    for b in range(k):
                        c = i * k + b
                        row[c] = row[c].add(uu[a][b]) if sign > 0 else row[c].sub(uu[a][b])
                        if sign > 0:
                            row[j * k + b] = uw[a][b]
    return loss, grad, H


def mlp_eval(model, theta, r, order):
    """Loss, gradient and (order 2) Hessian of the mlp loss at θ̃ (r None) or over the box
    θ̃ + [−r, r]^p, by direct interval evaluation."""
    act, dx, width, dy = model.act, model.dx, model.width, model.dy
    th = [Iv.from_q(v) if r is None else Iv.span(v - r, v + r) for v in theta]
    p = len(th)

    def iw1(j, c):
        return j * dx + c

    def ib1(j):
        return width * dx + j

    def iw2(o, j):
        return width * (dx + 1) + o * width + j

    def ib2(o):
        return width * (dx + 1) + dy * width + o

    half = Iv.from_q(Q(1, 2))
    one = Iv.from_int(1)
    loss = Iv.from_int(0)
    grad = [Iv.from_int(0)] * p
    H = [[Iv.from_int(0)] * p for _ in range(p)] if order == 2 else None
    for i, (x, y) in enumerate(zip(model.X, model.Y)):
        xt = [Iv.from_q(v) for v in x] + [one]
        hz = []
        for j in range(width):
            z = th[ib1(j)]
            for c in range(dx):
                z = z.add(th[iw1(j, c)].mul(xt[c]))
            try:
                hz.append(act.enclose_upto(order, z))
            except EvalError as err:
                raise EvalError(f"point {i + 1}, hidden unit {j + 1}: {err}") from None
        e = []
        for o in range(dy):
            yhat = th[ib2(o)]
            for j in range(width):
                yhat = yhat.add(th[iw2(o, j)].mul(hz[j][0]))
            e.append(yhat.sub(Iv.from_q(y[o])))
        loss = loss.add(_isum(v.sq() for v in e).mul(half))
        for o in range(dy):
            J = []  # (index, ∂ŷ_o/∂θ_index), the nonzero entries
            for j in range(width):
                s = th[iw2(o, j)].mul(hz[j][1])
                J += [(iw1(j, c), s.mul(xt[c])) for c in range(dx)]
                J.append((ib1(j), s))
                J.append((iw2(o, j), hz[j][0]))
            J.append((ib2(o), one))
            for a, v in J:
                grad[a] = grad[a].add(e[o].mul(v))
            if H is not None:
                for a, va in J:
                    row = H[a]
                    for b, vb in J:
                        row[b] = row[b].add(va.mul(vb))
        if H is not None:
            for j in range(width):
                back = _isum(e[o].mul(th[iw2(o, j)]) for o in range(dy))
                curv = back.mul(hz[j][2])
                idx = [iw1(j, c) for c in range(dx)] + [ib1(j)]
                for c in range(dx + 1):
                    for c2 in range(dx + 1):
                        H[idx[c]][idx[c2]] = H[idx[c]][idx[c2]].add(curv.mul(xt[c].mul(xt[c2])))
                    for o in range(dy):
                        t = e[o].mul(hz[j][1]).mul(xt[c])
                        H[idx[c]][iw2(o, j)] = H[idx[c]][iw2(o, j)].add(t)
                        H[iw2(o, j)][idx[c]] = H[iw2(o, j)][idx[c]].add(t)
    return loss, grad, H


def _symmetric(H):
    """The entrywise intersection of H and Hᵀ (both enclose the symmetric Hessian)."""
    p = len(H)
    out = [[None] * p for _ in range(p)]
    for a in range(p):
        out[a][a] = H[a][a]
        for b in range(a + 1, p):
            x, y = H[a][b], H[b][a]
            lo, hi = _max([x.lo, y.lo]), _min([x.hi, y.hi])
            if not lo <= hi:
                raise EvalError(f"the enclosures of H[{a + 1},{b + 1}] and H[{b + 1},{a + 1}] are disjoint")
            out[a][b] = out[b][a] = Iv(lo, hi)
    return out


def _ball(iv):
    return arb(iv.lo).union(arb(iv.hi))


def float_inverse(A):
    """A float inverse of A by Gauss–Jordan with partial pivoting, or None (a hint only)."""
    n = len(A)
    M = [list(row) + [1.0 if i == j else 0.0 for j in range(n)] for i, row in enumerate(A)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(M[r][col]))
        v = M[piv][col]
        if not (abs(v) > 0.0) or v != v or abs(v) == float("inf"):
            return None
        M[col], M[piv] = M[piv], M[col]
        prow = [x / v for x in M[col]]
        M[col] = prow
        for r in range(n):
            if r != col:
                f = M[r][col]
                if f != 0.0:
                    row = M[r]
                    M[r] = [x - f * y for x, y in zip(row, prow)]
    inv = [row[n:] for row in M]
    if any(x != x or abs(x) == float("inf") for row in inv for x in row):
        return None
    return inv


def arb_to_q(x):
    """The exact value of a finite arb of radius 0 (an interval end), as an fmpq."""
    if not (x.is_finite() and x.is_exact()):
        raise EvalError("an interval end is not a finite exact number")
    man, exp = x.man_exp()
    return Q(man) * Q(2) ** int(exp) if exp >= 0 else Q(man, fmpz(2) ** int(-exp))


def _sci(x, digits=6):
    return arb(x).str(digits, radius=False)


def check_point(cert):
    p = obj("problem", cert["problem"], ("model", "loss", "point"), ("teachers", "activation", "widths", "X", "Y"))
    w = obj("witness", cert["witness"], ("verdict", "precision"),
            ("radius", "shift", "direction", "loss_lower", "loss_upper"))
    # The typed reading of every field first.
    string("problem.model", p["model"])
    string("problem.loss", p["loss"])
    if "teachers" in p:
        _string_matrix("problem.teachers", p["teachers"])
    if "activation" in p:
        obj("problem.activation", p["activation"], ("name",), ("s_plus", "s_minus", "formula"))
        for key in ("name", "s_plus", "s_minus", "formula"):
            if key in p["activation"]:
                string(f"problem.activation.{key}", p["activation"][key])
    if "widths" in p:
        for i, v in enumerate(array("problem.widths", p["widths"])):
            natural(f"problem.widths[{i + 1}]", v)
    for key in ("X", "Y"):
        if key in p:
            _string_matrix(f"problem.{key}", p[key])
    if not isinstance(p["point"], dict):
        raise Rejected("problem.point: expected an object")
    for key, m in p["point"].items():
        _string_matrix(f"problem.point.{short(key)}", m)
    verdict = string("witness.verdict", w["verdict"])
    prec = natural("witness.precision", w["precision"], 2 ** 32 - 1)
    for key in ("radius", "shift", "loss_lower", "loss_upper"):
        if key in w:
            string(f"witness.{key}", w[key])
    if "direction" in w:
        for i, s in enumerate(array("witness.direction", w["direction"])):
            string(f"witness.direction[{i + 1}]", s)

    if verdict not in POINT_VERDICTS:
        raise Rejected(f"unknown verdict {short(verdict)!r}")
    require_claims(cert["claims"], point_claims(verdict, point_claims_spurious(p, verdict)))
    if not 32 <= prec <= 4096:
        raise Rejected("witness.precision must be between 32 and 4096 bits")
    for key in ("radius", "shift", "direction", "loss_lower", "loss_upper"):
        if key in w and key not in POINT_FIELDS[verdict]:
            raise Rejected(f"witness.{key}: a {verdict} certificate has no such field")
    model, theta = point_model(p)
    # The work grows with the precision too: at most POINT_MAX_WORK operations of 128 bits.
    if isinstance(model, _Gauss):
        t = len(model.teachers)
        work = (model.n + t) * model.n * model.k ** 2 + t * t * model.k
    else:
        work = len(model.X) * len(theta) ** 2 * model.dy
    work *= -(-prec // 128)
    if work > POINT_MAX_WORK:
        raise Rejected(f"problem and precision: about {work} 128-bit interval operations, above {POINT_MAX_WORK}")
    with Prec(prec + GUARD_BITS):
        return _check_point_claims(model, theta, w, verdict, point_claims_spurious(p, verdict))


def _check_point_claims(model, theta, w, verdict, spurious):
    evidence = []
    cid = [None]
    try:
        _point_claims(model, theta, w, verdict, spurious, evidence, cid)
    except EvalError as err:
        raise fail(cid[0], str(err)) from None
    return evidence


def _point_claims(model, theta, w, verdict, spurious, evidence, where):
    """Appends (claim id, evidence) per claim in order; `where[0]` is the claim being checked."""
    evaluate = gauss_eval if isinstance(model, _Gauss) else mlp_eval
    names = model.names()
    pn = len(theta)
    cid = where[0] = None

    def field(key):
        if key not in w:
            raise fail(cid, f"the witness has no {key}")
        return w[key]

    try:
        thin = evaluate(model, theta, None, 1)
    except EvalError as err:
        thin = err

    def at_point():
        if isinstance(thin, EvalError):
            raise fail(cid, f"at θ̃: {thin}")
        return thin

    if verdict == "not-critical":
        cid = where[0] = "not-critical"
        _, g, _ = at_point()
        for name, gi in zip(names, g):
            if gi.is_positive() or gi.is_negative():
                evidence.append((cid, f"∂ℓ/∂{name} ∈ {gi.show(10)}"))
                return
        raise fail(cid, "every gradient entry at θ̃ may be 0")

    cid = where[0] = "smooth-box"
    r = rational("witness.radius", field("radius"))
    if r <= 0 or abs(r.p).bit_length() + r.q.bit_length() > POINT_MAX_RADIUS_BITS:
        raise fail(cid, f"witness.radius must be a positive rational of at most {POINT_MAX_RADIUS_BITS} bits")
    try:
        _, grad_b, H = evaluate(model, theta, r, 2)
        H = _symmetric(H)
    except EvalError as err:
        raise fail(cid, f"over B: {err}") from None
    widest = _max([_ball(x).rad() for row in H for x in row])
    evidence.append((cid, f"{pn} parameters, r = {r}; gradient and Hessian enclosed over B (widest Hessian radius {_sci(widest, 4)})"))

    cid = where[0] = "unique-critical-point"
    _, g0, _ = at_point()
    HB = [[_ball(x) for x in row] for row in H]
    ratio = krawczyk([_ball(x) for x in g0], HB, r)  # EvalError: this claim fails
    evidence.append((cid, f"K(B) − θ̃ ⊂ [−ρ, ρ]^p with ρ/r ≤ {_sci(arb(ratio).upper(), 4)}"))

    if verdict == "strict-local-minimum":
        cid = where[0] = "positive-definite"
        s = rational("witness.shift", field("shift"))
        if s <= 0:
            raise fail(cid, "witness.shift must be positive")
        sa = arb(s)
        rad2 = arb(0)
        A = []
        for i, row in enumerate(HB):
            out = []
            for j, b in enumerate(row):
                rad2 += b.rad() * b.rad()
                out.append(b.mid() - sa if i == j else b.mid())
            A.append(out)
        if not (sa * sa - rad2 > 0):
            raise fail(cid, f"‖rad‖_F² ≤ {_sci(rad2.upper())} is not shown below s² = {_sci(sa * sa)}")
        for kk in range(pn):
            piv = A[kk][kk]
            if not piv > 0:
                raise fail(cid, f"pivot {kk + 1} of mid − sI is {piv.str(6)} (not shown positive)")
            for i in range(kk + 1, pn):
                Ai = A[i]
                l = Ai[kk] / piv
                if l.is_zero():
                    continue
                for j in range(kk + 1, i + 1):
                    Ai[j] -= l * A[j][kk]
        low = sa - rad2.sqrt()
        evidence.append((cid, f"λ_min over B ≥ s − ‖rad‖_F ≥ {_sci(low.lower())} (s = {s})"))
    else:
        cid = where[0] = "negative-curvature"
        dvec = vec("witness.direction", field("direction"))
        if len(dvec) != pn:
            raise fail(cid, f"witness.direction has {len(dvec)} entries, expected {pn}")
        quad = Iv.from_int(0)
        for a in range(pn):
            if dvec[a] == 0:
                continue
            quad = quad.add(H[a][a].mul(Iv.from_q(dvec[a] * dvec[a])))
            for b in range(a + 1, pn):
                if dvec[b] != 0:
                    quad = quad.add(H[a][b].mul(Iv.from_q(2 * dvec[a] * dvec[b])))
        if not quad.is_negative():
            raise fail(cid, f"dᵀ∇²ℓ(B)d ∈ {quad.show(6)} is not shown negative")
        up = next((a for a in range(pn) if H[a][a].is_positive()), None)
        if up is None:
            raise fail(cid, "no diagonal entry of the Hessian enclosure over B is shown positive: θ* may be a local maximum")
        evidence.append((cid, f"dᵀ∇²ℓ(B)d ∈ {quad.show(6)}; ∇²ℓ(B)_{{{up + 1},{up + 1}}} ∈ {H[up][up].show(6)} (positive curvature along {names[up]})"))

    cid = where[0] = "loss-enclosure"
    lo = rational("witness.loss_lower", field("loss_lower"))
    hi = rational("witness.loss_upper", field("loss_upper"))
    loss0, _, _ = at_point()
    span = Iv.span(-r, r)
    enc = loss0
    for gb in grad_b:
        enc = enc.add(gb.mul(span))
    if not (arb_to_q(enc.lo) >= lo and arb_to_q(enc.hi) <= hi):
        raise fail(cid, f"ℓ(θ̃) + ∇ℓ(B)·[−r, r]^p ∈ {enc.show(10)} is not shown inside [{_sci(arb(lo))}, {_sci(arb(hi))}]")
    evidence.append((cid, f"ℓ(θ*) ∈ {enc.show(10)}"))

    if spurious:
        cid = where[0] = "spurious"
        if not (isinstance(model, _Gauss) and len(model.teachers) <= model.n):
            raise fail(cid, "only a gaussian-relu minimum with at most n teachers is spurious")
        if lo <= 0:
            raise fail(cid, f"loss_lower = {short(lo)} is not positive")
        evidence.append((cid, f"ℓ(θ*) ≥ {short(lo)} > 0 = F(teacher): {len(model.teachers)} teachers ≤ {model.n} students"))


KINDS = {
    THM1_KIND: check_thm1,
    THM2_KIND: check_thm2,
    THM4_KIND: check_thm4,
    POINT_KIND: check_point,
}


# ---------------------------------------------------------------------------------------------

def _no_duplicate_keys(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise Rejected(f"duplicate key {short(k)!r}: a certificate must have one reading")
        d[k] = v
    return d


def _bad_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _int_literal(s):
    if len(s) > MAX_NUMBER_CHARS:
        raise Rejected(f"a JSON integer of {len(s)} characters, above the limit of {MAX_NUMBER_CHARS}")
    return int(fmpz(s))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _depth_and_nulls(v):
    """The nesting depth of arrays and objects; raises Rejected on a null anywhere and
    Unreadable on a string with a lone surrogate escape (not valid JSON text, as serde_json
    says)."""
    deepest, stack = 0, [(v, 0)]
    while stack:
        x, d = stack.pop()
        if x is None:
            raise Rejected("null is not a certificate value (leave an optional field out instead)")
        if isinstance(x, str) and _SURROGATE.search(x):
            raise Unreadable("not valid JSON: a lone surrogate in a string")
        if isinstance(x, dict):
            deepest = max(deepest, d + 1)
            for k in x:
                if _SURROGATE.search(k):
                    raise Unreadable("not valid JSON: a lone surrogate in a key")
            stack.extend((y, d + 1) for y in x.values())
        elif isinstance(x, list):
            deepest = max(deepest, d + 1)
            stack.extend((y, d + 1) for y in x)
    return deepest


def parse(text):
    """The certificate text parsed strictly: Unreadable (exit 2) or Rejected (exit 1)."""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_bad_constant,
                           parse_int=_int_literal)
    except RecursionError:
        raise Unreadable(f"not valid JSON: nested more than {MAX_NESTING} levels") from None
    except ValueError as e:
        raise Unreadable(f"not valid JSON: {e}") from None
    if _depth_and_nulls(value) > MAX_NESTING:
        raise Unreadable(f"not valid JSON: nested more than {MAX_NESTING} levels")
    if not isinstance(value, dict):
        raise Unreadable("not a certificate: the top level is not a JSON object")
    return value


def check(cert):
    """Checks a parsed certificate; returns (kind, evidence) or raises Rejected."""
    obj("certificate", cert, ("critcert", "kind", "problem", "witness", "claims"))
    v = cert["critcert"]
    if not isinstance(v, int) or isinstance(v, bool) or v != VERSION:
        raise Rejected(f"unsupported certificate version {short(v)!r} (this checker reads version {VERSION})")
    kind = cert["kind"]
    if not isinstance(kind, str) or kind not in KINDS:
        raise Rejected(f"unknown certificate kind {short(kind)!r}")
    if DATA_FILE is not None and kind != THM1_KIND:
        raise Unreadable(f"--data: a certificate of kind {kind!r} names no data file")
    return kind, KINDS[kind](cert)


def self_test():
    """Cross-checks the derivative formulas of the named activations, their exact values and the
    jet recurrences of formulas against Arb's own power series (flint.arb_series, a separate
    implementation of Taylor arithmetic): at sample points every enclosure of h^(k), k <= 4,
    must meet Arb's, and every exact value must lie in it. Returns the list of failures."""
    from flint import arb_series

    fails = []

    def series_derivs(f, x0):
        c = f(arb_series([x0, 1], prec=5)).coeffs()
        c += [arb(0)] * (5 - len(c))
        out, fact = [], 1
        for k in range(5):
            fact *= max(k, 1)
            out.append(c[k] * fact)
        return out

    def meets(iv, ball):
        return ball.lower() <= iv.hi and iv.lo <= ball.upper()

    def th(s):
        e = (2 * s).exp()
        return (e - 1) / (e + 1)

    lam, lam_alpha = arb(decimal_q(SELU_LAMBDA)), arb(decimal_q(SELU_LAMBDA) * decimal_q(SELU_ALPHA))
    refs = {
        "sigmoid": lambda x, neg: 1 / (1 + (-x).exp()),
        "tanh": lambda x, neg: th(x),
        "arctan": lambda x, neg: x.atan(),
        "softplus": lambda x, neg: (1 + x.exp()).log(),
        "gelu": lambda x, neg: x * (1 + (x / arb(2).sqrt()).erf()) / 2,
        "silu": lambda x, neg: x / (1 + (-x).exp()),
        "quadratic": lambda x, neg: x * x,
        "elu": lambda x, neg: x.exp() - 1 if neg else x,
        "selu": lambda x, neg: lam_alpha * (x.exp() - 1) if neg else lam * x,
    }
    formulas = {
        "x*tanh(ln(1 + exp(x)))": lambda x, neg: x * th((1 + x.exp()).log()),
        "x/(1 + abs(x))": lambda x, neg: x / (1 - x) if neg else x / (1 + x),
        "sqrt(1 + x^2)*atan(x) - erf(x/3)^3 + pi/x^2": lambda x, neg: (1 + x * x).sqrt() * x.atan() - (x / 3).erf() ** 3 + arb.pi() / (x * x),
        "max(x, 2*x) + min(exp(x), 30)": lambda x, neg: (x if neg else 2 * x) + x.exp(),
        "ln(2 + tanh(x))^3 - 1/(1 + x^2)^2 + x^(-3)": lambda x, neg: (2 + th(x)).log() ** 3 - 1 / ((1 + x * x) * (1 + x * x)) + 1 / (x * x * x),
        "x + x^2/3 + 1/(1 + x)": lambda x, neg: x + x * x / 3 + 1 / (1 + x),
        "sin(x)*cos(2*x) + (1 + x^2)^(3/2) - (x^2 + 1)^(-1/3)": lambda x, neg: x.sin() * (2 * x).cos() + (1 + x * x) * (1 + x * x).sqrt() - ((1 + x * x).log() / -3).exp(),
    }
    points = [Pt(Q(p)) for p in (Q(-13, 10), Q(-1, 2), Q(1, 4), Q(7, 10), Q(2))]
    points += [Pt(Q(0), [(Q(1), Q(3))]), Pt(Q(0), [(Q(1), Q(1, 2))]), Pt(Q(0), [(Q(1, 2), Q(2))])]
    with Prec(192):
        cases = [(n, Act(n), f) for n, f in refs.items()]
        cases += [(t, Act("formula", formula=parse_formula(t)), f) for t, f in formulas.items()]
        for name, act, f in cases:
            for x in points:
                xi = x.enclose()
                x0 = arb(xi.lo).union(arb(xi.hi))
                neg = xi.is_negative()
                try:
                    ref = series_derivs(lambda s: f(s, neg), x0)
                    encl = act.enclose_upto(4, xi)
                except (EvalError, ZeroDivisionError) as e:
                    fails.append(f"{name} at {x.show()}: {e}")
                    continue
                for k in range(5):
                    if not ref[k].is_finite():
                        continue
                    if not meets(encl[k], ref[k]):
                        fails.append(f"{name}: h^({k}) at {x.show()} is {encl[k].show()}, Arb series {ref[k]}")
                    ex = act.exact_at(k, x)
                    if ex is not None and not ref[k].contains(arb(ex)) and not meets(Iv.from_q(ex), ref[k]):
                        fails.append(f"{name}: exact h^({k}) at {x.show()} is {ex}, Arb series {ref[k]}")
    return fails


def point_self_test():
    """critical-point: the closed-form loss, gradient and Hessian of both models against
    central differences of the loss and the gradient (256 bits, step 2⁻⁴⁰), and κ against a
    known value. Returns the list of failures."""
    fails = []
    step = Q(1, 2 ** 40)

    def mid(x):
        return arb(x.lo).union(arb(x.hi)).mid()

    def close(a, b, what, tol=arb(10) ** -18):
        if not abs(a - b) < tol:
            fails.append(f"critical-point: {what}: {a.str(20)} vs central difference {b.str(20)}")

    with Prec(256):
        # κ((1, 0), (1, 1)) = (1 + 3π/4)/(2π) (θ = π/4).
        kv = kernel_pair([Iv.from_int(1), Iv.from_int(0)], [Iv.from_int(1), Iv.from_int(1)], 0, "test")[0]
        want = (1 + 3 * arb.pi() / 4) / (2 * arb.pi())
        close(mid(kv), want, "κ((1,0),(1,1))")
        gauss = _Gauss(3, 3, [[Q(1), Q(0), Q(0)], [Q(0), Q(1), Q(0)], [Q(1, 3), Q(-1, 2), Q(1)]])
        gpoint = [Q(v, 7) for v in (5, 1, -2, 1, 6, 2, -3, 2, 4)]
        mlp = _Mlp(Act("tanh"), 2, 2, 2, SMOOTH_X, [[y, 1 - y] for y in SMOOTH_Y])
        mpoint = [Q(v, 5) for v in (3, -1, 2, 4, 1, -2, 2, -1, 3, 1, -1, 2)]
        for name, model, point, ev in (("gaussian-relu", gauss, gpoint, gauss_eval), ("mlp", mlp, mpoint, mlp_eval)):
            p = len(point)
            try:
                loss, g, _ = ev(model, point, None, 1)
                _, gb, H = ev(model, point, Q(1, 2 ** 200), 2)
                H = _symmetric(H)
            except EvalError as e:
                fails.append(f"critical-point: {name}: {e}")
                continue
            for a in range(p):
                up = list(point)
                dn = list(point)
                up[a] += step
                dn[a] -= step
                lu, gu, _ = ev(model, up, None, 1)
                ld, gd, _ = ev(model, dn, None, 1)
                close(mid(g[a]), (mid(lu) - mid(ld)) / (2 * arb(step)), f"{name}: ∂ℓ/∂θ_{a + 1}")
                close(mid(gb[a]), mid(g[a]), f"{name}: ∂ℓ/∂θ_{a + 1} over a tiny box")
                for b in range(p):
                    close(mid(H[b][a]), (mid(gu[b]) - mid(gd[b])) / (2 * arb(step)), f"{name}: H[{b + 1},{a + 1}]")
    return fails


def main(argv):
    for stream in (sys.stdout, sys.stderr):  # never fail on printing a hostile string
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if "--self-test" in argv:
        fails = self_test() + point_self_test()
        for f in fails:
            print(f"self-test: {f}", file=sys.stderr)
        print(f"self-test: {'passed' if not fails else f'{len(fails)} failures'}: named activations and formula jets agree with flint.arb_series; critical-point gradients and Hessians agree with central differences")
        return 3 if fails else 0
    global DATA_FILE
    argv = list(argv)
    if "--data" in argv:
        i = argv.index("--data")
        if i + 1 >= len(argv):
            print(f"{PROG}: --data needs a file", file=sys.stderr)
            return 2
        name = argv[i + 1]
        del argv[i:i + 2]
        try:
            with open(name, "rb"):
                DATA_FILE = name
        except OSError as e:
            print(f"{PROG}: {name}: cannot read: {e}", file=sys.stderr)
            return 2
    verbose = "-v" in argv or "--verbose" in argv
    files = [a for a in argv if not a.startswith("-")]  # --skip-other-kinds: accepted, a no-op
    if not files:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    status = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            print(f"{PROG}: {path}: cannot read: {e}", file=sys.stderr)
            return 2
        try:
            kind, evidence = check(parse(text))
        except Unreadable as e:
            print(f"{PROG}: {path}: {e}", file=sys.stderr)
            return 2
        except Rejected as e:
            print(f"rejected: {path}: {e}")
            status = 1
            continue
        except Exception as e:  # a bug in this checker, never a verdict
            print(f"{PROG}: {path}: internal error: {e!r}", file=sys.stderr)
            return 3
        print(f"accepted: {path} ({kind}, {len(evidence)} claims)")
        if verbose:
            for cid, ev in evidence:
                print(f"  ✓ {cid}: {ev}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
