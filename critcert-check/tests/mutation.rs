//! Mutation harness for the checker: every committed certificate under `proofs/` is mutated in
//! many deterministic, seeded ways, and every mutated text is checked with
//! [`critcert_check::check_str`]. The test fails if a check
//!
//! 1. **panics** (each check runs under `std::panic::catch_unwind`; the mutation is reported),
//! 2. **takes more than 3 seconds** (`CRITCERT_MUTATION_MAX_SECS` overrides; a check still
//!    running after `CRITCERT_MUTATION_HANG_SECS`, default 60, ends the whole run with the
//!    mutation printed, so that a hang cannot stall CI), or
//! 3. **accepts a mutation that is not harmless** by the classes below. An accepted change that
//!    makes a claim false would be a soundness bug: the checker vouching for a statement that
//!    does not hold.
//!
//! It also fails if a committed certificate is not accepted, or if the harness's own oracle
//! (below) does not re-derive every claim of a committed certificate.
//!
//! # How a mutation is judged harmless
//!
//! Never by asking the checker. The harness reads the mutated text with its own strict JSON
//! reader: a key twice in one object, a `null`, invalid JSON, trailing text, or an object
//! written as the array of its values (which serde would read positionally: a second spelling
//! of the certificate, possibly with another meaning — `["2"]` for the number `"2"` reads as
//! `{"ln": "2"}`, i.e. ln 2) make the mutation *malformed*: never harmless. Otherwise it compares
//! the mutated certificate with the committed one value by value and lists the changed paths.
//! The mutation is harmless iff it falls in one of these classes:
//!
//! * `same-content` — no value changed: whitespace, indentation, line endings, key order within
//!   an object, equivalent string escapes, a dropped final newline. It reads the same, so it
//!   says the same.
//! * `radius-decreased` — `witness.radius` replaced by a canonical rational `ρ'` with
//!   `0 < ρ' < ρ` (`relu-like-spurious-minimum`, `smooth-counterexample`; not `critical-point`,
//!   whose Krawczyk test is not monotone in `r`: a box smaller than the Newton step holds no
//!   critical point, so a smaller radius is judged by the oracle). A local minimum on the region or box of radius
//!   `ρ` is one on every smaller one (a smaller neighbourhood), and every sufficient condition
//!   the claims state is monotone in `ρ` (`ρ(1 + max‖x‖₁) ≤ μ`, `2ρ ≤ min v`, enclosures over
//!   `v ± 2ρ` that shrink). An *increased* radius is not in this class: it claims more (see
//!   `claims-re-derived`).
//! * `precision-in-range` — `witness.precision` (smooth) replaced by an integer in `32..=4096`.
//!   It only sets how tight the outward-rounded MPFR enclosures are: every enclosure contains
//!   the exact value at every precision, and no equality rests on an enclosure.
//! * `construction-informational` — `witness.construction` of a `relu-like-spurious-minimum`
//!   (`case` one of its two names, `beta`, `gamma`, `tie_break` canonical rationals, or
//!   `tie_break` removed). The checker reads these fields but no claim rests on them:
//!   `strictly-better-point` evaluates the exact loss of `witness.better_point` itself
//!   (critcert-check/src/thm1.rs) and no claim statement mentions β, γ, the case or the
//!   tie break. They record how the producer found the better point.
//! * `alpha-unreferenced` — `witness.alpha` of a `relu-like-spurious-minimum` replaced by
//!   another canonical positive rational. No claim statement mentions α and no check uses it
//!   beyond `α > 0`; every claim is re-derived from `witness.minimum` itself
//!   (`infinitely-many-minima` is about the scalings `t > 0` of the stated minimum).
//! * `data-labels` — `problem.data.feature_names[i]` or `problem.data.target_name` of a
//!   `relu-like-spurious-minimum` replaced by another string. Names are labels: the checker
//!   uses only their number (`dx`), and every claim is about `problem.data.x` and `.y`.
//! * `claims-re-derived` — any other accepted change for which the harness's **oracle**
//!   re-derives every claim of the mutated certificate from its own problem and witness, with
//!   the canonical claim list for its verdict and form. The checker re-derives every claim
//!   too, so another valid witness (a saddle with perturbed data, a curve with another
//!   higher-order term, the minimum moved along its family `(tŴ1, tb̂1, Ŵ2/t)` with radius
//!   `tρ`, a better point nudged, `u2` defined by C2.3 for another `u1`, a radius slightly above
//!   a bisection's non-maximal one, an equivalent activation formula, …) is a true certificate
//!   and may be accepted. The oracle is written here from the claim statements, independently
//!   of the checker's code (it takes only the canonical claim lists and the SELU constants,
//!   which define what a certificate says):
//!   - `deep-linear-critical-point`, `relu-like-spurious-minimum`: exact rationals, every claim;
//!   - `smooth-counterexample`: MPFR floats at `P = 512 + 3·(bits of the largest number)` bits
//!     (at most 30 512), Taylor jets of `h` to order 5; equalities that a claim says hold
//!     exactly must hold within `2^-(P/2)` relative to their terms, inequalities must hold
//!     beyond it; the ranges of `h'…h''''` over `v ± 2ρ` are sampled on 97 points (each
//!     segment widened by step·|h⁽ʲ⁺¹⁾| where `h⁽ʲ⁺¹⁾` changes sign on it) and put into the
//!     claim's bound; the loss itself is evaluated on 32 corners and 32 random points of the
//!     box. Not a proof, but independent of the checker and far finer than any mutation.
//!   - `critical-point` (model `gaussian-relu` only; the `mlp` model has no oracle and no
//!     committed certificate): MPFR floats at `P = 256 + min(bits of the largest number of
//!     θ̃, teachers, r, d; 768)` bits, tolerance `2^-(P/2)`. The population loss, gradient and
//!     Hessian come from the kernel in the scalars `a = ‖u‖²`, `b = ‖w‖²`, `c = uᵀw`
//!     (derivatives worked out by hand, checked against central differences by
//!     `point_oracle_derivatives_agree_with_differences`), not the checker's geometric
//!     formulas. `smooth-box`: every student has `‖w̃_i‖ > √k·r` and every pair with a student
//!     stays more than `asin(√k·r/‖w̃_i‖) + asin(√k·r/‖w̃_j‖)` away from the angles 0 and π (so
//!     nothing in the box is 0 or parallel; a zero teacher fails); `unique-critical-point`:
//!     Newton's method from θ̃ converges to θ* (gradient below the tolerance) with
//!     `|θ* − θ̃|_∞ < r`; the Hessian is evaluated at θ̃, θ*, 8 corners and 4 random points of
//!     the box and must be positive definite at each (an `LDLᵀ`; strict convexity, hence
//!     uniqueness) for a minimum, nonsingular with `dᵀHd < 0` and a common positive diagonal
//!     entry for a saddle (`negative-curvature`); `positive-definite` also needs the shift to
//!     be consistent with the claim's enclosure `mid ± rad` (`mid − sI` definite, `‖rad‖_F < s`):
//!     a radius matrix covering every sampled Hessian around a midpoint with `mid_ii > s` has
//!     `rad_ij ≥ (max − min)/2` and `rad_ii ≥ max((max − min)/2, s − min)`, whose Frobenius
//!     norm must be below `s`; `loss-enclosure`: `ℓ(θ*)` inside `[loss_lower, loss_upper]`,
//!     which must also contain `ℓ(θ̃) ± r·Σ_i max|∂_iℓ|` over the samples (an inner estimate of
//!     `ℓ(θ̃) + ∇ℓ(B)·[−r, r]^p`); `spurious`: `loss_lower > 0`, at most `n` teachers, and the
//!     oracle's loss at the teacher is 0; `not-critical`: the gradient at θ̃ exists and an
//!     entry exceeds the tolerance. The precision is not read beyond its range: every claim is
//!     about the exact loss. Newton's point is cached by problem and point, the box analysis
//!     by problem, point, radius, verdict and direction, so that mutations of the shift, the
//!     loss bounds or the precision cost no recomputation.
//!
//!   The oracle is consulted only for mutations the checker accepted (its verdict does not
//!   depend on the checker's; it is only not computed when not needed).
//! * `several-harmless` — several changes, each harmless by the path rules above.
//!
//! Anything else that is accepted fails the test, printed with its operator, index, changed
//! paths (old → new) and the oracle's objection, the whole mutated text written to
//! `$CARGO_TARGET_TMPDIR/mutation-failures/` (with an index, `failures.txt`). Replay one with
//! `CRITCERT_MUTATION_ONLY=FILE#INDEX` (e.g. `thm2/gelu.json#123`, same seed): it prints the
//! text, the classification and the checker's answer.
//!
//! # Mutation operators
//!
//! Each mutation is drawn from a xorshift64* generator seeded by (seed, certificate file,
//! mutation index), so a run is reproducible and independent of thread scheduling:
//!
//! * `rational` — a rational string `"p/q"` (a node picked by role, so that a 150×4 data matrix
//!   is one role among many): `p ± 1`, negated, doubled, halved, `q + 1`, `± 10⁻³⁰`,
//!   `·(1 ± 10⁻⁶)`, `0`, `±1`, `±10⁵⁰⁰`, `10⁵⁰⁰⁰`, `10⁻⁵⁰⁰`, `−10⁵⁰⁰⁰/3`, (rarely) `10¹⁰⁰⁰⁰⁰`, a
//!   small random rational, and non-canonical spellings (`"2/4"`, `"+1"`, `"1.0"`, `"01"`,
//!   `" 1"`, `"1 "`, `"1/0"`, `"-0"`, `"p/1"`, `"0/q"`, `"p/-q"`, `"1e3"`, `""`, `"p / q"`,
//!   decimals);
//! * `integer` — a JSON number (version, precision, widths, architecture, inertia, width):
//!   `n ± 1`, `0`, `−1`, `−n`, `2n`, `2³²`, `u32::MAX`, `u64::MAX`, `i64::MIN`, `10²⁰`, floats,
//!   raw spellings `1e2`, `-0`, `01`, `1E400`, `1.0`, `NaN`, `Infinity`, `0x10`, the precision
//!   bounds 31/32/4096/4097, a random precision in range;
//! * `string` — a non-numeric string (names, verdicts, cases, ids, `solve`, `kind`, `loss`):
//!   another meaningful word of the formats, case changes, padding, `""`, a dropped character,
//!   zero-width and NUL characters, a 100 000-character string, a hostile formula;
//! * `formula` — the activation replaced by (or given) a formula: hostile ones
//!   (`exp(exp(exp(x)))`, `1/(x-1)`, `min(x, exp(exp(x)) - exp(exp(x)))`,
//!   `0*exp(exp(exp(exp(x))))`, `(x^64)^64`, poles, logs and roots of non-positives, `0/0`,
//!   `exp(1000000000)`, …), nesting 10–5000 deep, texts of 100–5000 bytes, towers of `exp`,
//!   random formulas, and formulas equal to the named activation;
//! * `remove-key`; `duplicate-key` (spliced into the text: `"key": value` twice, the copy
//!   first or second, with the same or another value); `unknown-key` (including optional
//!   fields of other objects, with values taken from other certificates); `null` (a value, an
//!   array element or a new key); `retype` (string ↔ number ↔ array ↔ object ↔ bool, an
//!   object as the array of its values); `array` (element removed, duplicated, swapped,
//!   reversed, truncated, emptied); `nest` (a value wrapped in 10–1000 arrays or objects);
//! * `claims` — claims reordered, removed, duplicated, statements altered (a character, a
//!   comparison, appended or negated text, emptied, two statements swapped), ids altered,
//!   claims of other certificates and kinds inserted, the list replaced by another
//!   certificate's;
//! * `splice` — a subtree replaced by the one at the same path in another committed
//!   certificate (same kind three times in four: another activation's radius or minimum,
//!   another dataset's least-squares solution, another saddle's curves);
//! * semantic operators that make claim-relevant changes often: `radius` (scaled by 0…2,
//!   `±2⁻ᵏ`, `·(1 ± 2⁻ᵏ)`, negated), `precision` (in and out of range); `rescale`
//!   (relu-like: the minimum moved to `(tŴ1, tb̂1, Ŵ2/t)` with radius `tρ`, `ρ`, `tρ(1 +
//!   10⁻³)` or `2tρ`, or the better point nudged by `±10⁻ᵏ`); `resynth` (deep linear: a random
//!   point, verdict, curves and direction with the canonical claims of that verdict);
//!   `reweight` (smooth: `u1` random with `u2` defined by C2.3, a random `v`, the radius
//!   scaled, the inertia and its claim dropped); `point` (critical-point: the shift scaled by
//!   `½ … 2` or `1 ± 10⁻ᵏ`, or for a saddle an entry of the direction scaled or nudged, a loss
//!   bound scaled or nudged by `±10⁻ᵏ`, one coordinate of `W` or of a teacher nudged by `±10⁻ᵏ`,
//!   `k ≤ 30`; with `radius` and `precision`);
//! * `truncate` — the text cut at a random position (a quarter of the cuts in the last bytes);
//! * `byte-flip` — one to four bytes replaced, bit-flipped, inserted or deleted;
//! * `reformat` — keys shuffled and the text re-emitted compact, tab-indented, CRLF, …;
//! * `stack` — two or three value-level mutations at once.
//!
//! Value-level mutations are emitted in the committed layout seven times in ten, in another
//! layout otherwise.
//!
//! # Runs
//!
//! Default (CI): `cargo test -p critcert-check --test mutation`, 1000 mutations per
//! certificate (`CRITCERT_MUTATIONS`; 28 certificates: 28 000 mutations; measured 24–31 s in
//! the test profile on two shared cores before the five `critical-point` certificates joined,
//! 69–107 s after (release and test profile alike), on two cores shared with other
//! builds: the four minima take the checker 8–23 ms a mutation, about 60 s of the run's CPU,
//! and a miss of the oracle's cache 0.1–0.3 s). Long run (45 000 per certificate; measured
//! 38–48 minutes on two shared cores for the 23 certificates before, not re-measured since):
//!
//! ```text
//! CRITCERT_MUTATIONS=45000 cargo test -p critcert-check --release --test mutation -- --nocapture
//! ```
//!
//! Other knobs: `CRITCERT_MUTATION_SEED` (default 0x5EED), `CRITCERT_MUTATION_THREADS`
//! (default: available parallelism, at most 8), `CRITCERT_MUTATION_LIST=1` (print every
//! accepted mutation other than `same-content`, `radius-decreased`, `precision-in-range`, to
//! audit what the oracle passed). Each run prints one summary line — total,
//! accepted by class, rejected (and how many naming a claim), input errors, panics, slow
//! checks, unexpected acceptances, the slowest mutation with its time — then harmless
//! mutations the checker rejected (a completeness matter, not a failure), a table per
//! operator and the check time per certificate.

use critcert_check::{check_str, Error};
use rug::{Integer, Rational};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path as FsPath, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Deterministic randomness.

/// xorshift64* seeded through splitmix64.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(z | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// FNV-1a, to turn a file name into part of a seed.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

// ---------------------------------------------------------------------------------------------
// Paths into JSON values.

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Seg {
    K(String),
    I(usize),
}

type Path = Vec<Seg>;

fn show_path(p: &[Seg]) -> String {
    let mut s = String::new();
    for seg in p {
        match seg {
            Seg::K(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::I(i) => s.push_str(&format!("[{i}]")),
        }
    }
    if s.is_empty() {
        "(root)".into()
    } else {
        s
    }
}

/// The path with indices erased: nodes of one group play the same role.
fn group_of(p: &[Seg]) -> String {
    let mut s = String::new();
    for seg in p {
        match seg {
            Seg::K(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::I(_) => s.push_str("[]"),
        }
    }
    s
}

fn get<'a>(v: &'a Value, p: &[Seg]) -> Option<&'a Value> {
    p.iter().try_fold(v, |v, s| match s {
        Seg::K(k) => v.get(k.as_str()),
        Seg::I(i) => v.get(*i),
    })
}

fn get_mut<'a>(v: &'a mut Value, p: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in p {
        cur = match s {
            Seg::K(k) => cur.get_mut(k.as_str())?,
            Seg::I(i) => cur.get_mut(*i)?,
        };
    }
    Some(cur)
}

/// A canonical certificate rational (`p/q` in lowest terms, `q > 1`, or `p`), by the harness's
/// own reading.
fn canonical_rational(s: &str) -> Option<Rational> {
    let ok = !s.is_empty()
        && s.len() < 200_000
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'/');
    if !ok {
        return None;
    }
    let r: Rational = s.parse().ok()?;
    (r.to_string() == s).then_some(r)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cat {
    /// A string holding a canonical rational.
    Rational,
    /// Any other string.
    Str,
    /// A JSON number.
    Num,
    /// A non-empty object.
    Obj,
    /// An array.
    Arr,
    /// Any node but the root.
    Any,
}

/// The nodes of a value, grouped by category and by role ([`group_of`]), so that a node is
/// picked by choosing a role uniformly and then a node of it: a 150×4 data matrix is one role
/// among many, not 600 chances out of 700.
struct Index {
    groups: BTreeMap<Cat, Vec<Vec<Path>>>,
}

impl Index {
    fn new(v: &Value) -> Index {
        let mut by: BTreeMap<Cat, BTreeMap<String, Vec<Path>>> = BTreeMap::new();
        fn walk(v: &Value, p: &mut Path, by: &mut BTreeMap<Cat, BTreeMap<String, Vec<Path>>>) {
            let mut add = |c: Cat, p: &Path| {
                by.entry(c)
                    .or_default()
                    .entry(group_of(p))
                    .or_default()
                    .push(p.clone())
            };
            if !p.is_empty() {
                add(Cat::Any, p);
            }
            match v {
                Value::String(s) if canonical_rational(s).is_some() => add(Cat::Rational, p),
                Value::String(_) => add(Cat::Str, p),
                Value::Number(_) => add(Cat::Num, p),
                Value::Array(a) => {
                    add(Cat::Arr, p);
                    for (i, x) in a.iter().enumerate() {
                        p.push(Seg::I(i));
                        walk(x, p, by);
                        p.pop();
                    }
                }
                Value::Object(o) => {
                    if !o.is_empty() {
                        add(Cat::Obj, p);
                    }
                    for (k, x) in o {
                        p.push(Seg::K(k.clone()));
                        walk(x, p, by);
                        p.pop();
                    }
                }
                _ => {}
            }
        }
        walk(v, &mut Vec::new(), &mut by);
        Index {
            groups: by
                .into_iter()
                .map(|(c, g)| (c, g.into_values().collect()))
                .collect(),
        }
    }

    fn pick(&self, cat: Cat, rng: &mut Rng) -> Option<Path> {
        let groups = self.groups.get(&cat)?;
        if groups.is_empty() {
            return None;
        }
        let g = rng.pick(groups);
        Some(rng.pick(g).clone())
    }
}

// ---------------------------------------------------------------------------------------------
// Emitting text: layouts, and raw splices for what a JSON value cannot hold (a key twice, a
// number spelled `1e2`).

#[derive(Clone, Copy, Debug)]
enum Style {
    /// `serde_json::to_string_pretty` with a final newline: the committed format.
    Committed,
    Compact,
    Tabs,
    Crlf,
    /// One line with `": "` and `", "`.
    Spaced,
}

fn emit(v: &Value, style: Style) -> String {
    fn go(v: &Value, style: Style, depth: usize, out: &mut String) {
        let (indent, nl, colon, comma): (&str, &str, &str, &str) = match style {
            Style::Committed => ("  ", "\n", ": ", ","),
            Style::Compact => ("", "", ":", ","),
            Style::Tabs => ("\t", "\n", ": ", ","),
            Style::Crlf => ("    ", "\r\n", " : ", " ,"),
            Style::Spaced => ("", " ", ": ", ","),
        };
        let pad = |d: usize, out: &mut String| {
            out.push_str(nl);
            for _ in 0..d {
                out.push_str(indent);
            }
        };
        match v {
            Value::Array(a) if a.is_empty() => out.push_str("[]"),
            Value::Object(o) if o.is_empty() => out.push_str("{}"),
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(comma);
                    }
                    pad(depth + 1, out);
                    go(x, style, depth + 1, out);
                }
                pad(depth, out);
                out.push(']');
            }
            Value::Object(o) => {
                out.push('{');
                for (i, (k, x)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push_str(comma);
                    }
                    pad(depth + 1, out);
                    out.push_str(&serde_json::to_string(k).unwrap());
                    out.push_str(colon);
                    go(x, style, depth + 1, out);
                }
                pad(depth, out);
                out.push('}');
            }
            other => out.push_str(&serde_json::to_string(other).unwrap()),
        }
    }
    let mut out = String::new();
    go(v, style, 0, &mut out);
    if matches!(style, Style::Committed | Style::Tabs) {
        out.push('\n');
    }
    out
}

/// A value-level mutation in progress: the value, and raw text to splice in after emitting
/// (`marker` strings, emitted as JSON strings, replaced by raw text).
struct Draft {
    v: Value,
    raw: Vec<(String, String)>,
}

impl Draft {
    /// A unique marker string for a raw splice.
    fn marker(&mut self, raw: String) -> String {
        let m = format!("\u{1}RAW{}\u{1}", self.raw.len());
        self.raw.push((m.clone(), raw));
        m
    }

    fn text(&self, style: Style) -> String {
        let mut t = emit(&self.v, style);
        for (m, raw) in &self.raw {
            let quoted = serde_json::to_string(m).unwrap();
            t = t.replace(&quoted, raw);
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------
// The harness's own strict reader and the classification of a mutated text.

/// A JSON value read strictly: any key twice in one object or any `null` is an error.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON without null")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
                Ok(Value::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
                Ok(Value::Number(n.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Value, E> {
                Number::from_f64(x)
                    .map(Value::Number)
                    .ok_or_else(|| E::custom("non-finite"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::String(s.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
                Err(E::custom("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Value, A::Error> {
                let mut out = Vec::new();
                while let Some(StrictValue(x)) = s.next_element()? {
                    out.push(x);
                }
                Ok(Value::Array(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Value, A::Error> {
                let mut out = Map::new();
                while let Some(k) = m.next_key::<String>()? {
                    if out.contains_key(&k) {
                        return Err(serde::de::Error::custom(format!("duplicate key {k}")));
                    }
                    let StrictValue(x) = m.next_value()?;
                    out.insert(k, x);
                }
                Ok(Value::Object(out))
            }
        }
        d.deserialize_any(V).map(StrictValue)
    }
}

fn read_strict(text: &str) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = StrictValue::deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(v.0)
}

/// Whether `mutated` has an array where `original` has something else. No field of the formats
/// takes either an array or another type, and serde reads a struct (or the `{"ln": q}` variant
/// of a number) from an array positionally: such an array is a second spelling, possibly with
/// another meaning (`["2"]` for `"2"` reads as ln 2).
fn array_spelling(original: &Value, mutated: &Value) -> bool {
    match (original, mutated) {
        (Value::Array(x), Value::Array(y)) => x.iter().zip(y).any(|(a, b)| array_spelling(a, b)),
        (_, Value::Array(_)) => true,
        (Value::Object(x), Value::Object(y)) => y
            .iter()
            .any(|(k, b)| x.get(k).is_some_and(|a| array_spelling(a, b))),
        _ => false,
    }
}

/// One changed place: the path, and the old and new values (`None`: absent).
struct Change {
    path: Path,
    old: Option<Value>,
    new: Option<Value>,
}

fn diff(a: &Value, b: &Value, path: &mut Path, out: &mut Vec<Change>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                path.push(Seg::K(k.clone()));
                match y.get(k) {
                    Some(vb) => diff(va, vb, path, out),
                    None => out.push(Change {
                        path: path.clone(),
                        old: Some(va.clone()),
                        new: None,
                    }),
                }
                path.pop();
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    let mut p = path.clone();
                    p.push(Seg::K(k.clone()));
                    out.push(Change {
                        path: p,
                        old: None,
                        new: Some(vb.clone()),
                    });
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                path.push(Seg::I(i));
                diff(va, vb, path, out);
                path.pop();
            }
        }
        _ if a == b => {}
        _ => out.push(Change {
            path: path.clone(),
            old: Some(a.clone()),
            new: Some(b.clone()),
        }),
    }
}

const RELU_LIKE: &str = "relu-like-spurious-minimum";
const SMOOTH: &str = "smooth-counterexample";

/// The harmless class of one change of a certificate of `kind`, if it has one (see the file's
/// documentation for the reasons).
fn harmless_change(kind: &str, c: &Change) -> Option<&'static str> {
    let p = show_path(&c.path);
    let str_of = |v: &Option<Value>| v.as_ref().and_then(|v| v.as_str().map(str::to_string));
    let rat_of = |v: &Option<Value>| str_of(v).and_then(|s| canonical_rational(&s));
    match p.as_str() {
        "witness.radius" if kind == RELU_LIKE || kind == SMOOTH => {
            let (old, new) = (rat_of(&c.old)?, rat_of(&c.new)?);
            (new > 0 && new < old).then_some("radius-decreased")
        }
        "witness.precision" if kind == SMOOTH => {
            let n = c.new.as_ref()?.as_u64()?;
            (32..=4096).contains(&n).then_some("precision-in-range")
        }
        "witness.alpha" if kind == RELU_LIKE => {
            (rat_of(&c.new)? > 0).then_some("alpha-unreferenced")
        }
        _ if kind == RELU_LIKE && p.starts_with("witness.construction") => {
            // Well-formed values only (the checker still requires the form).
            let rationals = |v: &Value| match v {
                Value::String(s) => canonical_rational(s).is_some(),
                Value::Array(a) => a
                    .iter()
                    .all(|x| x.as_str().and_then(canonical_rational).is_some()),
                _ => false,
            };
            let ok = match (p.as_str(), &c.new) {
                (_, None) => p == "witness.construction.tie_break",
                ("witness.construction.case", Some(v)) => {
                    matches!(v.as_str(), Some("J-nonempty" | "J-empty"))
                }
                ("witness.construction", Some(_)) => false,
                (_, Some(v)) => rationals(v),
            };
            ok.then_some("construction-informational")
        }
        "problem.data.target_name" if kind == RELU_LIKE => {
            (str_of(&c.old).is_some() && str_of(&c.new).is_some()).then_some("data-labels")
        }
        _ if kind == RELU_LIKE
            && group_of(&c.path) == ".problem.data.feature_names[]"
            && str_of(&c.old).is_some()
            && str_of(&c.new).is_some() =>
        {
            Some("data-labels")
        }
        _ => None,
    }
}

/// The verdict on a mutated text, decided independently of the checker.
enum Class {
    /// On the list of harmless classes by its changed paths alone.
    Harmless(&'static str),
    /// Changed beyond the path rules: harmless (class `claims-re-derived`) only if the
    /// harness's oracle re-derives every claim of the mutated certificate (`value`).
    Changed { why: String, value: Value },
    /// Not a certificate with one reading: never harmless.
    Malformed(String),
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let head: String = s.chars().take(n).collect();
        format!("{head}… ({} chars)", s.chars().count())
    }
}

fn show_opt(v: &Option<Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => clip(&v.to_string(), 160),
    }
}

fn classify(kind: &str, original: &Value, text: &str) -> Class {
    let v = match read_strict(text) {
        Ok(v) => v,
        Err(e) => return Class::Malformed(format!("malformed JSON ({e})")),
    };
    if array_spelling(original, &v) {
        return Class::Malformed(
            "an array where the certificate has another type (a positional second spelling)".into(),
        );
    }
    let mut changes = Vec::new();
    diff(original, &v, &mut Vec::new(), &mut changes);
    if changes.is_empty() {
        return Class::Harmless("same-content");
    }
    let classes: Vec<Option<&'static str>> =
        changes.iter().map(|c| harmless_change(kind, c)).collect();
    if classes.iter().all(Option::is_some) {
        let first = classes[0].unwrap();
        return Class::Harmless(if classes.iter().all(|c| *c == Some(first)) {
            first
        } else {
            "several-harmless"
        });
    }
    let why = changes
        .iter()
        .take(6)
        .map(|c| {
            format!(
                "{}: {} → {}",
                show_path(&c.path),
                show_opt(&c.old),
                show_opt(&c.new)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
        + if changes.len() > 6 { "; …" } else { "" };
    Class::Changed { why, value: v }
}

/// The harmless class of an accepted mutation, or why it is not harmless.
fn judge_accepted(kind: &str, class: Class) -> Result<&'static str, String> {
    match class {
        Class::Harmless(c) => Ok(c),
        Class::Malformed(why) => Err(why),
        Class::Changed { why, value } => match oracle::judge(kind, &value) {
            Ok(()) => Ok("claims-re-derived"),
            Err(o) => Err(format!("{why} — and the oracle: {o}")),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The certificates.

struct Cert {
    /// Relative to `proofs/`, e.g. `thm2/gelu.json`.
    name: String,
    kind: String,
    text: String,
    value: Value,
    index: Index,
}

fn proofs_dir() -> PathBuf {
    FsPath::new(env!("CARGO_MANIFEST_DIR")).join("../proofs")
}

/// The kinds the harness mutates: those its oracle can re-derive (`critical-point`: the
/// `gaussian-relu` certificates of Safran & Shamir's model; they are also covered by the tamper
/// tests of `tests/point.rs` and `proofs/tamper_both.py`, both checkers).
const MUTATED_KINDS: [&str; 4] = [oracle::DEEP, RELU_LIKE, SMOOTH, oracle::POINT];

fn load_certs() -> Vec<Cert> {
    fn walk(dir: &FsPath, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    let root = proofs_dir();
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let value: Value = serde_json::from_str(&text).unwrap();
            let kind = value["kind"].as_str().unwrap_or("").to_string();
            if !MUTATED_KINDS.contains(&kind.as_str()) {
                return None;
            }
            // The deep-linear oracle knows the squared loss only; the other losses are covered by
            // tests/losses.rs, tests/paper.rs (both checkers on single-number changes) and
            // proofs/tamper_both.py.
            if kind == oracle::DEEP && value["problem"]["loss"] != "half-squared-frobenius" {
                return None;
            }
            // The critical-point oracle knows Safran & Shamir's model only (an `mlp`
            // certificate is covered by tests/point.rs and proofs/tamper_both.py).
            if kind == oracle::POINT && value["problem"]["model"] != "gaussian-relu" {
                return None;
            }
            let name = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            Some(Cert {
                name,
                kind,
                index: Index::new(&value),
                value,
                text,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Mutation operators.

/// Hostile and interesting formulas for a `formula` activation.
const FORMULAS: &[&str] = &[
    "exp(exp(exp(x)))",
    "1/(x-1)",
    "min(x, exp(exp(x)) - exp(exp(x)))",
    "0*exp(exp(exp(exp(x))))",
    "(x^64)^64",
    "((x^64)^64)^64",
    "x^64",
    "x^65",
    "x^(-64)",
    "(x-1)^(-64)",
    "exp(x)^64",
    "exp(exp(exp(exp(exp(x)))))",
    "1/(exp(x)-exp(x))",
    "x/(x-x)",
    "1/x",
    "1/0",
    "0/0",
    "0^(-1)",
    "ln(x)",
    "ln(0*x)",
    "ln(x-x)",
    "sqrt(x)",
    "sqrt(-1-x^2)",
    "sqrt(x^2)",
    "abs(x)",
    "max(x, 0)",
    "min(x, 0)",
    "max(x, 0.01*x)",
    "max(x, x)",
    "min(x^2, (x - 22)*((x - 22)^2*(0 - exp(exp(x)))))",
    "x^2 + x + 0*(1/(exp(exp(x)) - exp(exp(x))))",
    "x^2 + exp(exp(exp(exp(x))))",
    "1/(1 + exp(-x)) + 0*exp(exp(exp(exp(x + 3))))",
    "1/(1 + exp(-x))",
    "1/(1+exp(-x)) + 0",
    "tanh(x)",
    "atan(x)",
    "arctan(x)",
    "erf(x)",
    "x*tanh(ln(1 + exp(x)))",
    "ln(1 + exp(x))",
    "x/(1 + exp(-x))",
    "x/(1 + abs(x))",
    "x^2",
    "x*x",
    "x^2 + 0*x",
    "x^2 + x/1000000",
    "x^2 - 0.000001",
    "x",
    "0",
    "1",
    "-x",
    "pi*x",
    "x - x",
    "exp(710)",
    "exp(1000000000)",
    "exp(-1000000000)*x",
    "1000000000000000000000000000000*x",
    "0.000000000000000000000000000001*x^2",
    "x^0",
    "0^0",
    "ln(exp(x))",
    "exp(ln(x))",
    "sqrt(sqrt(sqrt(sqrt(x))))",
    "-(-(-(-x)))",
    "x^2^2",
    "x^(2)",
    "x^(-0)",
    "x^ 2",
    "1e3*x",
    "1.2.3",
    "x +",
    "",
    " ",
    "x $",
    "sin(x)",
    "y",
    "xx",
    "x(1)",
    "max(x)",
    "exp(x, 1)",
    "log(x)",
    "x\u{0}",
    "x ∞",
];

fn nested_parens(n: usize) -> String {
    format!("{}x{}", "(".repeat(n), ")".repeat(n))
}

/// A random formula of depth at most `d`.
fn random_formula(rng: &mut Rng, d: usize) -> String {
    if d == 0 || rng.one_in(4) {
        return rng
            .pick(&["x", "x", "x", "1", "2", "0", "pi", "0.5", "1000", "3"])
            .to_string();
    }
    match rng.below(12) {
        0..=4 => format!(
            "({} {} {})",
            random_formula(rng, d - 1),
            rng.pick(&["+", "-", "*", "/"]),
            random_formula(rng, d - 1)
        ),
        5 => format!(
            "({})^{}",
            random_formula(rng, d - 1),
            rng.pick(&["2", "3", "(-1)", "(-2)", "64", "(-64)", "0", "63", "7"])
        ),
        6 | 7 => format!(
            "{}({})",
            rng.pick(&["exp", "ln", "log", "sqrt", "tanh", "atan", "arctan", "erf", "abs"]),
            random_formula(rng, d - 1)
        ),
        8 => format!(
            "{}({}, {})",
            rng.pick(&["max", "min"]),
            random_formula(rng, d - 1),
            random_formula(rng, d - 1)
        ),
        9 => format!("-{}", random_formula(rng, d - 1)),
        _ => format!("({} * x)", random_formula(rng, d - 1)),
    }
}

fn hostile_formula(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=4 => rng.pick(FORMULAS).to_string(),
        5 => nested_parens(*rng.pick(&[10, 60, 62, 63, 64, 65, 200, 5000])),
        6 => {
            // Long texts around the 1000-byte limit.
            let n = *rng.pick(&[100, 199, 200, 240, 1000]);
            format!("x{}", " + x".repeat(n))
        }
        7 => {
            let n = *rng.pick(&[10, 63, 64, 65, 100, 1000]);
            format!("{}x", "-".repeat(n))
        }
        8 => {
            let k = rng.below(8) + 1;
            format!("{}x{}", "exp(".repeat(k), ")".repeat(k))
        }
        _ => {
            let d = 2 + rng.below(5);
            random_formula(rng, d)
        }
    }
}

fn big(exp10: usize) -> String {
    format!("1{}", "0".repeat(exp10))
}

fn rat_string(r: Rational) -> String {
    r.to_string()
}

/// A new spelling for the rational `s` (canonical or not).
fn mutate_rational(s: &str, rng: &mut Rng) -> (String, String) {
    let r = canonical_rational(s).unwrap_or_default();
    let p = r.numer().clone();
    let q = r.denom().clone();
    let frac = |n: Integer, d: Integer| {
        if d == 0 {
            format!("{n}/0")
        } else {
            rat_string(Rational::from((n, d)))
        }
    };
    let tiny = Rational::from((1, Integer::from(Integer::u_pow_u(10, 30))));
    let micro = Rational::from((1, 1_000_000));
    let (how, new): (&str, String) = match rng.below(34) {
        0 => ("p+1", frac(p.clone() + 1, q.clone())),
        1 => ("p-1", frac(p.clone() - 1, q.clone())),
        2 => ("negated", rat_string(-r.clone())),
        3 => ("doubled", rat_string(r.clone() * 2)),
        4 => ("halved", rat_string(r.clone() / 2)),
        5 => ("q+1", frac(p.clone(), q.clone() + 1)),
        6 => ("zero", "0".into()),
        7 => ("one", "1".into()),
        8 => ("minus one", "-1".into()),
        9 => ("10^500", big(500)),
        10 => ("10^5000", big(5000)),
        11 => ("-10^500", format!("-{}", big(500))),
        12 => ("10^-500", format!("1/{}", big(500))),
        13 => ("+10^-30", rat_string(r.clone() + &tiny)),
        14 => ("-10^-30", rat_string(r.clone() - &tiny)),
        15 => (
            "non-canonical 2p/2q",
            format!("{}/{}", p.clone() * 2, q.clone() * 2),
        ),
        16 => ("leading +", format!("+{s}")),
        17 => ("decimal .0", format!("{s}.0")),
        18 => ("leading 0", format!("0{s}")),
        19 => ("leading space", format!(" {s}")),
        20 => ("trailing space", format!("{s} ")),
        21 => ("1/0", "1/0".into()),
        22 => ("-0", "-0".into()),
        23 => ("p/1", format!("{s}/1")),
        24 => ("1e3", "1e3".into()),
        25 => ("empty", String::new()),
        26 => ("spaced p / q", format!("{p} / {q}")),
        27 => ("·(1+10^-6)", rat_string(r.clone() * (micro.clone() + 1))),
        28 => ("·(1-10^-6)", rat_string(r.clone() * (1 - micro.clone()))),
        29 => {
            let a = rng.below(21) as i64 - 10;
            let b = rng.below(10) as i64 + 1;
            ("small random", rat_string(Rational::from((a, b))))
        }
        30 => (
            "decimal",
            match r.to_f64() {
                x if x.fract() == 0.0 => format!("{x:.1}"),
                x => format!("{x}"),
            },
        ),
        31 => ("0/q", format!("0/{q}")),
        32 => ("p/-q", format!("{p}/-{q}")),
        _ => {
            if rng.one_in(8) {
                ("10^100000", big(100_000))
            } else {
                ("-10^5000/3", format!("-{}/3", big(5000)))
            }
        }
    };
    (how.to_string(), new)
}

/// A value-level operator: mutates `d.v` (indexed by `ix` when it is the original value) and
/// returns a description, or `None` when it does not apply.
type Op = fn(&Ctx, &mut Draft, &Index, &mut Rng) -> Option<String>;

/// What an operator may look at besides the value: the certificate and all the others.
struct Ctx<'a> {
    cert: &'a Cert,
    all: &'a [Cert],
}

fn op_rational(_: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let p = ix.pick(Cat::Rational, rng)?;
    let node = get_mut(&mut d.v, &p)?;
    let old = node.as_str()?.to_string();
    let (how, new) = mutate_rational(&old, rng);
    *node = Value::String(new.clone());
    Some(format!(
        "{}: \"{}\" → \"{}\" ({how})",
        show_path(&p),
        clip(&old, 40),
        clip(&new, 40)
    ))
}

fn op_integer(_: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let p = ix.pick(Cat::Num, rng)?;
    let old = get(&d.v, &p)?.clone();
    let n = old.as_i64().unwrap_or(1);
    let raw_spellings = [
        "1e2", "-0", "01", "1E400", "1.0", "128.000", "NaN", "Infinity", "0x10",
    ];
    let new: Value = match rng.below(22) {
        0 => (n + 1).into(),
        1 => (n - 1).into(),
        2 => 0.into(),
        3 => (-1).into(),
        4 => (-n).into(),
        5 => (n.saturating_mul(2)).into(),
        6 => (1u64 << 32).into(),
        7 => u64::MAX.into(),
        8 => i64::MIN.into(),
        9 => Value::Number(Number::from_f64(1e20).unwrap()),
        10 => Value::Number(Number::from_f64(n as f64).unwrap()),
        11 => Value::Number(Number::from_f64(n as f64 + 0.5).unwrap()),
        12 => 31.into(),
        13 => 32.into(),
        14 => 4096.into(),
        15 => 4097.into(),
        16 => (32 + rng.below(4065) as u64).into(),
        17 => (rng.below(9) as u64).into(),
        18 => (u32::MAX as u64).into(),
        _ => {
            let raw = rng.pick(&raw_spellings).to_string();
            Value::String(d.marker(raw))
        }
    };
    let shown = match &new {
        Value::String(m) => d.raw.iter().find(|(k, _)| k == m).unwrap().1.clone(),
        v => v.to_string(),
    };
    *get_mut(&mut d.v, &p)? = new;
    Some(format!("{}: {old} → {shown}", show_path(&p)))
}

/// Meaningful words of the formats, to swap for one another.
const WORDS: &[&str] = &[
    "sigmoid",
    "tanh",
    "arctan",
    "elu",
    "selu",
    "softplus",
    "gelu",
    "silu",
    "quadratic",
    "relu-like",
    "formula",
    "relu",
    "leaky-relu",
    "mish",
    "softsign",
    "relu-like-spurious-minimum",
    "smooth-counterexample",
    "deep-linear-critical-point",
    "global-minimum",
    "saddle",
    "not-critical",
    "strict-saddle",
    "J-nonempty",
    "J-empty",
    "C2.1",
    "C2.2",
    "C2.3",
    "half-squared-frobenius",
    "squared",
    "local-minimum-box",
    "spurious-minimum",
    "critical-point",
];

fn new_string(old: &str, rng: &mut Rng) -> (String, String) {
    let (how, s): (&str, String) = match rng.below(16) {
        0..=4 => ("another word", rng.pick(WORDS).to_string()),
        5 => ("uppercased", old.to_uppercase()),
        6 => ("trailing space", format!("{old} ")),
        7 => ("leading space", format!(" {old}")),
        8 => ("empty", String::new()),
        9 => ("last char dropped", {
            let mut t = old.to_string();
            t.pop();
            t
        }),
        10 => ("doubled", format!("{old}{old}")),
        11 => ("zero-width space", format!("{old}\u{200b}")),
        12 => ("NUL", format!("{old}\u{0}")),
        13 => ("100 000 chars", "a".repeat(100_000)),
        14 => ("a number", "1".into()),
        _ => ("a hostile formula", hostile_formula(rng)),
    };
    (how.into(), s)
}

fn op_string(_: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let p = ix.pick(Cat::Str, rng)?;
    let node = get_mut(&mut d.v, &p)?;
    let old = node.as_str()?.to_string();
    let (how, new) = new_string(&old, rng);
    *node = Value::String(new.clone());
    Some(format!(
        "{}: \"{}\" → \"{}\" ({how})",
        show_path(&p),
        clip(&old, 40),
        clip(&new, 60)
    ))
}

fn op_formula(_: &Ctx, d: &mut Draft, _: &Index, rng: &mut Rng) -> Option<String> {
    let act =
        d.v.get_mut("problem")?
            .get_mut("activation")?
            .as_object_mut()?;
    let f = if rng.one_in(6) {
        // The named activation, written as a formula.
        let name = act.get("name").and_then(Value::as_str).unwrap_or("");
        match name {
            "sigmoid" => "1/(1 + exp(-x))",
            "tanh" => "tanh(x)",
            "arctan" => "atan(x)",
            "softplus" => "ln(1 + exp(x))",
            "silu" => "x/(1 + exp(-x))",
            "quadratic" => "x^2",
            "gelu" => "x*(1 + erf(x/sqrt(2)))/2",
            "relu-like" => "max(x, 0)",
            _ => "x*tanh(ln(1 + exp(x)))",
        }
        .to_string()
    } else {
        hostile_formula(rng)
    };
    let how = match rng.below(6) {
        0..=3 => {
            act.clear();
            act.insert("name".into(), "formula".into());
            act.insert("formula".into(), f.clone().into());
            "activation := formula"
        }
        4 => {
            act.insert("formula".into(), f.clone().into());
            "formula added to the named activation"
        }
        _ => {
            act.insert("name".into(), "formula".into());
            act.insert("formula".into(), f.clone().into());
            "name := formula, slopes kept"
        }
    };
    Some(format!("problem.activation: {how} \"{}\"", clip(&f, 80)))
}

fn op_remove_key(_: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let p = if rng.one_in(8) {
        Vec::new()
    } else {
        ix.pick(Cat::Obj, rng)?
    };
    let o = get_mut(&mut d.v, &p)?.as_object_mut()?;
    let keys: Vec<String> = o.keys().cloned().collect();
    if keys.is_empty() {
        return None;
    }
    let k = rng.pick(&keys).clone();
    o.remove(&k);
    Some(format!("{}.{k} removed", show_path(&p)))
}

fn op_duplicate_key(_: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let p = if rng.one_in(8) {
        Vec::new()
    } else {
        ix.pick(Cat::Obj, rng)?
    };
    let obj = get(&d.v, &p)?.as_object()?.clone();
    let keys: Vec<String> = obj.keys().cloned().collect();
    if keys.is_empty() {
        return None;
    }
    let k = rng.pick(&keys).clone();
    let orig = obj[&k].clone();
    // The second copy: the same value, or a different one of the same shape.
    let (other, how) = match (&orig, rng.below(3)) {
        (Value::String(s), 0) if canonical_rational(s).is_some() => {
            let (how, new) = mutate_rational(s, rng);
            (Value::String(new), format!("another value ({how})"))
        }
        (Value::String(s), 1) => {
            let (how, new) = new_string(s, rng);
            (Value::String(new), format!("another value ({how})"))
        }
        (Value::Number(n), 1) => (
            Value::Number((n.as_i64().unwrap_or(0) + 1).into()),
            "another value (n+1)".into(),
        ),
        _ => (orig.clone(), "the same value".into()),
    };
    let marker = d.marker(serde_json::to_string(&k).unwrap());
    let before = rng.one_in(2);
    let mut rebuilt = Map::new();
    for (key, v) in obj {
        if key == k && before {
            rebuilt.insert(marker.clone(), other.clone());
        }
        rebuilt.insert(key.clone(), v);
        if key == k && !before {
            rebuilt.insert(marker.clone(), other.clone());
        }
    }
    *get_mut(&mut d.v, &p)? = Value::Object(rebuilt);
    Some(format!(
        "{}.{k} twice ({}, {how})",
        show_path(&p),
        if before { "copy first" } else { "copy second" }
    ))
}

/// Keys to add: unknown ones, and optional fields of other objects of the formats.
const EXTRA_KEYS: &[&str] = &[
    "comment",
    "extra",
    "radius2",
    "s_plus",
    "s_minus",
    "formula",
    "tie_break",
    "hessian_inertia",
    "descent_curve",
    "ascent_curve",
    "negative_curvature_direction",
    "bracket",
    "times",
    "ln",
    "solve",
    "precision",
    "radius",
    "verdict",
    "claims",
];

fn op_unknown_key(ctx: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let p = if rng.one_in(6) {
        Vec::new()
    } else {
        ix.pick(Cat::Obj, rng)?
    };
    let k = rng.pick(EXTRA_KEYS).to_string();
    let value: Value = match rng.below(7) {
        0 => "1".into(),
        1 => 1.into(),
        2 => Value::Array(vec![]),
        3 => Value::Object(Map::new()),
        4 => Value::Array(vec!["1".into(), "2".into()]),
        5 => vec![3, 6, 0].into(),
        _ => {
            // The same key's value from anywhere in any certificate, if it exists.
            let other = rng.pick(ctx.all);
            let ix2 = &other.index;
            let mut found = None;
            for _ in 0..20 {
                if let Some(q) = ix2.pick(Cat::Any, rng) {
                    if q.last() == Some(&Seg::K(k.clone())) {
                        found = get(&other.value, &q).cloned();
                        break;
                    }
                }
            }
            found.unwrap_or_else(|| "0".into())
        }
    };
    let o = get_mut(&mut d.v, &p)?.as_object_mut()?;
    if o.contains_key(&k) {
        return None;
    }
    let shown = clip(&value.to_string(), 60);
    o.insert(k.clone(), value);
    Some(format!("{}.{k} := {shown} added", show_path(&p)))
}

fn op_null(_: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    match rng.below(3) {
        0 => {
            let p = ix.pick(Cat::Any, rng)?;
            *get_mut(&mut d.v, &p)? = Value::Null;
            Some(format!("{} := null", show_path(&p)))
        }
        1 => {
            let p = ix.pick(Cat::Arr, rng)?;
            let a = get_mut(&mut d.v, &p)?.as_array_mut()?;
            let at = rng.below(a.len() + 1);
            a.insert(at, Value::Null);
            Some(format!("{}: null inserted at {at}", show_path(&p)))
        }
        _ => {
            let p = ix.pick(Cat::Obj, rng).unwrap_or_default();
            let k = rng.pick(EXTRA_KEYS).to_string();
            let o = get_mut(&mut d.v, &p)?.as_object_mut()?;
            if o.contains_key(&k) {
                return None;
            }
            o.insert(k.clone(), Value::Null);
            Some(format!("{}.{k} := null added", show_path(&p)))
        }
    }
}

fn op_retype(_: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let p = ix.pick(Cat::Any, rng)?;
    let node = get_mut(&mut d.v, &p)?;
    let old = node.clone();
    let new: Value = match (&old, rng.below(5)) {
        (Value::String(s), 0) => match canonical_rational(s) {
            Some(r) if r.denom() == &1 => r
                .numer()
                .to_i64()
                .map(Value::from)
                .unwrap_or_else(|| Value::Number(Number::from_f64(r.to_f64()).unwrap())),
            Some(r) => Value::Number(Number::from_f64(r.to_f64()).unwrap_or(0.into())),
            None => 0.into(),
        },
        (Value::Number(n), 0) => Value::String(n.to_string()),
        (Value::Array(a), 0) if !a.is_empty() => a[0].clone(),
        (Value::Object(o), 0) => Value::Array(o.values().cloned().collect()),
        (_, 1) => Value::Array(vec![old.clone()]),
        (_, 2) => {
            let mut m = Map::new();
            m.insert("v".into(), old.clone());
            Value::Object(m)
        }
        (_, 3) => Value::Bool(rng.one_in(2)),
        (Value::String(_), _) => 1.into(),
        _ => Value::String("1".into()),
    };
    let shown = clip(&new.to_string(), 60);
    *node = new;
    Some(format!(
        "{}: {} → {shown}",
        show_path(&p),
        clip(&old.to_string(), 60)
    ))
}

fn op_array(_: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let p = ix.pick(Cat::Arr, rng)?;
    let a = get_mut(&mut d.v, &p)?.as_array_mut()?;
    let n = a.len();
    let how = match rng.below(6) {
        0 if n > 0 => {
            let i = rng.below(n);
            a.remove(i);
            format!("element {i} removed")
        }
        1 if n > 0 => {
            let i = rng.below(n);
            let x = a[i].clone();
            let at = rng.below(n + 1);
            a.insert(at, x);
            format!("element {i} duplicated at {at}")
        }
        2 if n > 1 => {
            let i = rng.below(n);
            let j = (i + 1 + rng.below(n - 1)) % n;
            a.swap(i, j);
            if a[i] == a[j] {
                return None;
            }
            format!("elements {i} and {j} swapped")
        }
        3 if n > 1 => {
            a.reverse();
            "reversed".to_string()
        }
        4 if n > 0 => {
            a.clear();
            "emptied".to_string()
        }
        5 if n > 0 => {
            let i = rng.below(n);
            a.truncate(i);
            format!("truncated to {i} elements")
        }
        _ => return None,
    };
    Some(format!("{}: {how}", show_path(&p)))
}

fn op_claims(ctx: &Ctx, d: &mut Draft, _: &Index, rng: &mut Rng) -> Option<String> {
    let foreign: Vec<Value> = ctx
        .all
        .iter()
        .filter_map(|c| c.value.get("claims")?.as_array().cloned())
        .flatten()
        .collect();
    let same_kind: Vec<&Cert> = ctx
        .all
        .iter()
        .filter(|c| c.kind == ctx.cert.kind && c.name != ctx.cert.name)
        .collect();
    let claims = d.v.get_mut("claims")?.as_array_mut()?;
    let n = claims.len();
    if n == 0 || !claims.iter().all(Value::is_object) {
        return None;
    }
    let i = rng.below(n);
    let how = match rng.below(12) {
        0 if n > 1 => {
            let j = (i + 1 + rng.below(n - 1)) % n;
            claims.swap(i, j);
            format!("claims {i} and {j} swapped")
        }
        1 => {
            claims.remove(i);
            format!("claim {i} removed")
        }
        2 => {
            let c = claims[i].clone();
            claims.insert(rng.below(n + 1), c);
            format!("claim {i} duplicated")
        }
        3 => {
            let c = rng.pick(&foreign).clone();
            let id = c["id"].to_string();
            claims.insert(rng.below(n + 1), c);
            format!("foreign claim {id} inserted")
        }
        4 => {
            let c = rng.pick(&foreign).clone();
            let id = c["id"].to_string();
            claims[i] = c;
            format!("claim {i} replaced by foreign claim {id}")
        }
        5 if !same_kind.is_empty() => {
            let o = rng.pick(&same_kind);
            *claims = o.value["claims"].as_array()?.clone();
            format!("claims replaced by those of {}", o.name)
        }
        6 => {
            claims.pop();
            "last claim removed".to_string()
        }
        7 if n > 1 => {
            let j = (i + 1 + rng.below(n - 1)) % n;
            let si = claims[i]["statement"].clone();
            claims[i]["statement"] = claims[j]["statement"].clone();
            claims[j]["statement"] = si;
            format!("statements of claims {i} and {j} swapped")
        }
        8 | 9 => {
            let s = claims[i]["statement"].as_str()?.to_string();
            let chars: Vec<char> = s.chars().collect();
            let (how, new) = match rng.below(7) {
                0 => ("appended", format!("{s} (and more)")),
                1 => ("one character changed", {
                    let k = rng.below(chars.len().max(1));
                    let mut c = chars.clone();
                    if !c.is_empty() {
                        c[k] = if c[k] == 'a' { 'b' } else { 'a' };
                    }
                    c.into_iter().collect()
                }),
                2 => (
                    "last character dropped",
                    chars[..chars.len().saturating_sub(1)].iter().collect(),
                ),
                3 => ("≤ → <", s.replacen('≤', "<", 1).replacen('>', "≥", 1)),
                4 => ("negated", format!("not: {s}")),
                5 => ("empty", String::new()),
                _ => ("trailing space", format!("{s} ")),
            };
            if new == s {
                return None;
            }
            claims[i]["statement"] = new.into();
            format!("statement of claim {i} {how}")
        }
        10 => {
            let (how, new) = new_string(claims[i]["id"].as_str().unwrap_or(""), rng);
            claims[i]["id"] = new.into();
            format!("id of claim {i} {how}")
        }
        _ => {
            let o = claims[i].as_object_mut()?;
            o.insert("verified".into(), true.into());
            format!("claim {i}: extra field")
        }
    };
    Some(how)
}

fn op_splice(ctx: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let donors: Vec<&Cert> = if rng.one_in(4) {
        ctx.all.iter().filter(|c| c.name != ctx.cert.name).collect()
    } else {
        ctx.all
            .iter()
            .filter(|c| c.kind == ctx.cert.kind && c.name != ctx.cert.name)
            .collect()
    };
    if donors.is_empty() {
        return None;
    }
    for _ in 0..16 {
        let p = ix.pick(Cat::Any, rng)?;
        let o = rng.pick(&donors);
        let Some(x) = get(&o.value, &p) else { continue };
        if get(&d.v, &p) == Some(x) {
            continue;
        }
        let x = x.clone();
        *get_mut(&mut d.v, &p)? = x;
        return Some(format!("{} taken from {}", show_path(&p), o.name));
    }
    None
}

fn op_radius(_: &Ctx, d: &mut Draft, _: &Index, rng: &mut Rng) -> Option<String> {
    let node = d.v.get_mut("witness")?.get_mut("radius")?;
    let old = canonical_rational(node.as_str()?)?;
    let k = rng.below(40) as u32 + 1;
    let step = Rational::from((1, Integer::from(Integer::u_pow_u(2, k))));
    let (how, new): (String, Rational) = match rng.below(8) {
        0 => {
            let f = *rng.pick(&[
                (0, 1),
                (1, 10),
                (1, 2),
                (9, 10),
                (99, 100),
                (101, 100),
                (11, 10),
                (2, 1),
            ]);
            (format!("×{}/{}", f.0, f.1), old.clone() * Rational::from(f))
        }
        1 => ("+2^-k".into(), old.clone() + &step),
        2 => ("-2^-k".into(), old.clone() - &step),
        3 => ("×(1+2^-k)".into(), old.clone() * (step.clone() + 1)),
        4 => ("×(1-2^-k)".into(), old.clone() * (1 - step.clone())),
        5 => ("-ρ".into(), -old.clone()),
        6 => ("+1".into(), old.clone() + 1),
        _ => ("2^-k".into(), step),
    };
    let s = new.to_string();
    *node = Value::String(s.clone());
    Some(format!("witness.radius: {old} → {s} ({how}, k = {k})"))
}

fn op_precision(_: &Ctx, d: &mut Draft, _: &Index, rng: &mut Rng) -> Option<String> {
    let node = d.v.get_mut("witness")?.get_mut("precision")?;
    let old = node.clone();
    let new: u64 = *rng.pick(&[
        0,
        1,
        16,
        24,
        31,
        32,
        33,
        53,
        64,
        100,
        127,
        129,
        256,
        1000,
        2048,
        4095,
        4096,
        4097,
        10000,
        1 << 20,
    ]);
    *node = new.into();
    Some(format!("witness.precision: {old} → {new}"))
}

fn op_nest(_: &Ctx, d: &mut Draft, ix: &Index, rng: &mut Rng) -> Option<String> {
    let p = ix.pick(Cat::Any, rng)?;
    let node = get_mut(&mut d.v, &p)?;
    let depth = *rng.pick(&[10, 126, 127, 128, 129, 200, 1000]);
    let objects = rng.one_in(2);
    let mut v = node.clone();
    for _ in 0..depth {
        v = if objects {
            let mut m = Map::new();
            m.insert("a".into(), v);
            Value::Object(m)
        } else {
            Value::Array(vec![v])
        };
    }
    *node = v;
    Some(format!(
        "{} wrapped in {depth} {}",
        show_path(&p),
        if objects { "objects" } else { "arrays" }
    ))
}

/// Small rationals for synthesized witnesses.
const SMALL: &[&str] = &["0", "0", "0", "1", "-1", "2", "-2", "1/2", "-1/3", "3/2"];

fn small_matrix(rng: &mut Rng, rows: usize, cols: usize, zero: bool) -> Value {
    Value::Array(
        (0..rows)
            .map(|_| {
                Value::Array(
                    (0..cols)
                        .map(|_| Value::String(if zero { "0" } else { *rng.pick(SMALL) }.into()))
                        .collect(),
                )
            })
            .collect(),
    )
}

/// `deep-linear-critical-point`: a new witness for the same problem — a random point (some
/// layers zero, or the original point), a random verdict with its canonical claims, random
/// curves and direction for a saddle. The oracle decides whether the result is true.
fn op_resynth(_: &Ctx, d: &mut Draft, _: &Index, rng: &mut Rng) -> Option<String> {
    let widths: Vec<usize> = d.v["problem"]["widths"]
        .as_array()?
        .iter()
        .map(|x| x.as_u64().map(|n| n as usize))
        .collect::<Option<_>>()?;
    if widths.len() < 2 || widths.iter().any(|&n| n == 0 || n > 8) {
        return None;
    }
    let l = widths.len() - 1;
    let keep_point = rng.one_in(3);
    let point = if keep_point {
        d.v["witness"]["point"].clone()
    } else {
        Value::Array(
            (0..l)
                .map(|j| {
                    let zero = rng.one_in(3);
                    small_matrix(rng, widths[j + 1], widths[j], zero)
                })
                .collect(),
        )
    };
    let verdict = *rng.pick(&["global-minimum", "saddle", "saddle", "not-critical"]);
    let mut w = Map::new();
    w.insert("verdict".into(), verdict.into());
    w.insert("point".into(), point);
    let mut strict = false;
    if verdict == "saddle" {
        for key in ["descent_curve", "ascent_curve"] {
            let c: Vec<Value> = (0..l)
                .map(|j| {
                    Value::Array(
                        (0..rng.below(3))
                            .map(|_| {
                                let zero = rng.one_in(4);
                                small_matrix(rng, widths[j + 1], widths[j], zero)
                            })
                            .collect(),
                    )
                })
                .collect();
            w.insert(key.into(), Value::Array(c));
        }
        if rng.one_in(2) {
            strict = true;
            let v: Vec<Value> = (0..l)
                .map(|j| small_matrix(rng, widths[j + 1], widths[j], false))
                .collect();
            w.insert("negative_curvature_direction".into(), Value::Array(v));
        }
    }
    *d.v.get_mut("witness")? = Value::Object(w);
    d.v["claims"] = serde_json::to_value(critcert_check::thm4::claims(
        verdict,
        strict,
        critcert_check::loss::SQUARED,
    ))
    .ok()?;
    Some(format!(
        "witness resynthesized: {verdict}{}, {} point",
        if strict { " (strict)" } else { "" },
        if keep_point { "original" } else { "random" }
    ))
}

fn scale_strings(v: &mut Value, t: &Rational) {
    match v {
        Value::String(s) => {
            if let Some(q) = canonical_rational(s) {
                *s = (q * t).to_string();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| scale_strings(x, t)),
        _ => {}
    }
}

/// `relu-like-spurious-minimum`: the minimum moved along its family, `(tŴ1, tb̂1, Ŵ2/t, b̂2)`,
/// with the radius scaled by `t`, kept, or pushed just past `tρ`; or the better point nudged.
fn op_rescale(_: &Ctx, d: &mut Draft, _: &Index, rng: &mut Rng) -> Option<String> {
    if rng.one_in(3) {
        let which = *rng.pick(&["W2", "b2", "b1"]);
        let node =
            d.v.get_mut("witness")?
                .get_mut("better_point")?
                .get_mut(which)?;
        let leaf = match node.get(0)? {
            Value::Array(_) => node.get_mut(0)?.get_mut(0)?,
            _ => node.get_mut(0)?,
        };
        let old = canonical_rational(leaf.as_str()?)?;
        let k = 1 + rng.below(30) as u32;
        let delta = Rational::from((1, Integer::from(Integer::u_pow_u(10, k))));
        let new = if rng.one_in(2) {
            old.clone() + delta
        } else {
            old.clone() - delta
        };
        *leaf = Value::String(new.to_string());
        return Some(format!("better_point.{which}[0] nudged by ±10^-{k}"));
    }
    let (n, dd) = *rng.pick(&[
        (2, 1),
        (1, 2),
        (3, 1),
        (1, 3),
        (7, 5),
        (5, 7),
        (1000, 1),
        (1, 1000),
    ]);
    let t = Rational::from((n, dd));
    let m = d.v.get_mut("witness")?.get_mut("minimum")?;
    scale_strings(m.get_mut("W1")?, &t);
    scale_strings(m.get_mut("b1")?, &t);
    scale_strings(m.get_mut("W2")?, &t.clone().recip());
    let radius = d.v.get_mut("witness")?.get_mut("radius")?;
    let rho = canonical_rational(radius.as_str()?)?;
    let eps = Rational::from((1, 1000));
    let (how, new) = match rng.below(5) {
        0 | 1 => ("tρ", rho.clone() * &t),
        2 => ("ρ", rho.clone()),
        3 => ("tρ(1 + 1/1000)", rho.clone() * &t * (eps + 1)),
        _ => ("2tρ", rho.clone() * &t * 2),
    };
    *radius = Value::String(new.to_string());
    Some(format!("minimum scaled by t = {t}, radius {how}"))
}

/// `smooth-counterexample`: a new minimum — `u2` defined by C2.3 with a random `u1`, random
/// `v`, a radius scaled by a random factor — with the Hessian inertia dropped (and its claim)
/// half of the time.
fn op_reweight(_: &Ctx, d: &mut Draft, _: &Index, rng: &mut Rng) -> Option<String> {
    let mut what = Vec::new();
    let rnd = |rng: &mut Rng| {
        let a = rng.below(25) as i64 - 12;
        let b = 1 + rng.below(8) as i64;
        Rational::from((a, b)).to_string()
    };
    let m =
        d.v.get_mut("witness")?
            .get_mut("minimum")?
            .as_object_mut()?;
    if rng.one_in(2) {
        let u1 = rnd(rng);
        m.insert("u1".into(), Value::String(u1.clone()));
        m.insert("u2".into(), serde_json::json!({"solve": "C2.3"}));
        what.push(format!("u1 := {u1}, u2 := solve C2.3"));
    }
    if rng.one_in(2) {
        let k = rng.below(2);
        let v = rnd(rng);
        *m.get_mut("v")?.get_mut(k)? = Value::String(v.clone());
        what.push(format!("v{} := {v}", k + 1));
    }
    if rng.one_in(2) || what.is_empty() {
        let radius = d.v.get_mut("witness")?.get_mut("radius")?;
        let rho = canonical_rational(radius.as_str()?)?;
        let f = Rational::from(*rng.pick(&[
            (1, 4),
            (1, 2),
            (3, 4),
            (99, 100),
            (101, 100),
            (5, 4),
            (2, 1),
        ]));
        *radius = Value::String((rho * &f).to_string());
        what.push(format!("radius ×{f}"));
    }
    let w = d.v.get_mut("witness")?.as_object_mut()?;
    if w.contains_key("hessian_inertia") && rng.one_in(2) {
        w.remove("hessian_inertia");
        let relu_like = d.v["problem"]["activation"]["name"] == "relu-like";
        let root = d.v["witness"]["zero_loss"]["v"][3].get("solve").is_some();
        d.v["claims"] =
            serde_json::to_value(critcert_check::thm2::claims(relu_like, root, false)).ok()?;
        what.push("inertia and its claim dropped".into());
    }
    Some(what.join(", "))
}

/// `critical-point`: one number of the claims moved a little — the shift (a saddle: an entry of
/// the direction) scaled or nudged, a loss bound nudged or scaled, one coordinate of `θ̃` (`W`)
/// or of a teacher nudged by `±10⁻ᵏ`.
fn op_point(_: &Ctx, d: &mut Draft, _: &Index, rng: &mut Rng) -> Option<String> {
    let k = 1 + rng.below(30) as u32;
    let tiny = Rational::from((1, Integer::from(Integer::u_pow_u(10, k))));
    let sign = if rng.one_in(2) { 1 } else { -1 };
    let (leaf, what): (&mut Value, String) = match rng.below(4) {
        0 if d.v["witness"].get("direction").is_some() => {
            let dir = d.v.get_mut("witness")?.get_mut("direction")?;
            let i = rng.below(dir.as_array()?.len().max(1));
            (dir.get_mut(i)?, format!("witness.direction[{i}]"))
        }
        0 => (
            d.v.get_mut("witness")?.get_mut("shift")?,
            "witness.shift".into(),
        ),
        1 => {
            let which = *rng.pick(&["loss_lower", "loss_upper"]);
            (
                d.v.get_mut("witness")?.get_mut(which)?,
                format!("witness.{which}"),
            )
        }
        2 => {
            let w = d.v.get_mut("problem")?.get_mut("point")?.get_mut("W")?;
            if w.as_array()?.is_empty() || w[0].as_array()?.is_empty() {
                return None;
            }
            let (a, i) = (
                rng.below(w.as_array()?.len()),
                rng.below(w[0].as_array()?.len()),
            );
            (
                w.get_mut(a)?.get_mut(i)?,
                format!("problem.point.W[{a}][{i}]"),
            )
        }
        _ => {
            let t = d.v.get_mut("problem")?.get_mut("teachers")?;
            if t.as_array()?.is_empty() || t[0].as_array()?.is_empty() {
                return None;
            }
            let (j, a) = (
                rng.below(t.as_array()?.len()),
                rng.below(t[0].as_array()?.len()),
            );
            (
                t.get_mut(j)?.get_mut(a)?,
                format!("problem.teachers[{j}][{a}]"),
            )
        }
    };
    let old = canonical_rational(leaf.as_str()?)?;
    let scaled = what == "witness.shift"
        || (what.starts_with("witness.loss") || what.starts_with("witness.direction"))
            && rng.one_in(2);
    let (how, new) = if scaled {
        let f = *rng.pick(&[(1, 2), (9, 10), (99, 100), (101, 100), (11, 10), (2, 1)]);
        let f = if rng.one_in(3) {
            Rational::from(1) + tiny.clone() * sign
        } else {
            Rational::from(f)
        };
        (format!("×{f}"), old.clone() * f)
    } else {
        (
            format!("{}10^-{k}", if sign > 0 { "+" } else { "−" }),
            old.clone() + tiny.clone() * sign,
        )
    };
    *leaf = Value::String(new.to_string());
    Some(format!("{what}: {old} → {new} ({how})"))
}

/// The value-level operators with their weights (and whether they apply to the kind).
fn value_ops(kind: &str) -> Vec<(&'static str, Op, u32)> {
    let mut ops: Vec<(&'static str, Op, u32)> = vec![
        ("rational", op_rational, 22),
        ("integer", op_integer, 6),
        ("string", op_string, 6),
        ("remove-key", op_remove_key, 5),
        ("duplicate-key", op_duplicate_key, 4),
        ("unknown-key", op_unknown_key, 4),
        ("null", op_null, 3),
        ("retype", op_retype, 6),
        ("array", op_array, 7),
        ("claims", op_claims, 7),
        ("splice", op_splice, 6),
        ("nest", op_nest, 1),
    ];
    match kind {
        SMOOTH => {
            ops.push(("formula", op_formula, 5));
            ops.push(("radius", op_radius, 4));
            ops.push(("precision", op_precision, 2));
            ops.push(("reweight", op_reweight, 8));
        }
        RELU_LIKE => {
            ops.push(("formula", op_formula, 1));
            ops.push(("radius", op_radius, 4));
            ops.push(("rescale", op_rescale, 8));
        }
        oracle::DEEP => ops.push(("resynth", op_resynth, 10)),
        oracle::POINT => {
            ops.push(("radius", op_radius, 4));
            ops.push(("precision", op_precision, 2));
            ops.push(("point", op_point, 10));
        }
        _ => {}
    }
    ops
}

fn pick_weighted<T: Copy>(items: &[(&'static str, T, u32)], rng: &mut Rng) -> (&'static str, T) {
    let total: u32 = items.iter().map(|x| x.2).sum();
    let mut r = (rng.next() % u64::from(total)) as u32;
    for (name, t, w) in items {
        if r < *w {
            return (name, *t);
        }
        r -= w;
    }
    unreachable!()
}

fn random_style(rng: &mut Rng) -> Style {
    if rng.below(10) < 7 {
        Style::Committed
    } else {
        *rng.pick(&[Style::Compact, Style::Tabs, Style::Crlf, Style::Spaced])
    }
}

/// The same value with the keys of some objects in another order.
fn shuffle_keys(v: &Value, rng: &mut Rng, p: u64) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(|x| shuffle_keys(x, rng, p)).collect()),
        Value::Object(o) => {
            let mut entries: Vec<(String, Value)> = o
                .iter()
                .map(|(k, x)| (k.clone(), shuffle_keys(x, rng, p)))
                .collect();
            if rng.one_in(p) {
                for i in (1..entries.len()).rev() {
                    let j = rng.below(i + 1);
                    entries.swap(i, j);
                }
            }
            Value::Object(entries.into_iter().collect())
        }
        other => other.clone(),
    }
}

/// One mutation of a certificate.
struct Mutant {
    op: &'static str,
    what: String,
    text: String,
}

fn mutate(ctx: &Ctx, rng: &mut Rng) -> Mutant {
    let c = ctx.cert;
    let text_ops: [(&'static str, u32); 4] = [
        ("truncate", 5),
        ("byte-flip", 9),
        ("reformat", 3),
        ("stack", 6),
    ];
    let ops = value_ops(&c.kind);
    let value_weight: u32 = ops.iter().map(|x| x.2).sum();
    let text_weight: u32 = text_ops.iter().map(|x| x.1).sum();
    loop {
        let r = (rng.next() % u64::from(value_weight + text_weight)) as u32;
        if r < value_weight {
            let (name, op) = pick_weighted(&ops, rng);
            let mut d = Draft {
                v: c.value.clone(),
                raw: Vec::new(),
            };
            if let Some(what) = op(ctx, &mut d, &c.index, rng) {
                let style = random_style(rng);
                return Mutant {
                    op: name,
                    what: format!("{what} [{style:?}]"),
                    text: d.text(style),
                };
            }
            continue;
        }
        let mut r = r - value_weight;
        let mut which = "";
        for (name, w) in text_ops {
            if r < w {
                which = name;
                break;
            }
            r -= w;
        }
        match which {
            "truncate" => {
                let len = c.text.len();
                let mut at = if rng.one_in(4) {
                    len - rng.below(4.min(len))
                } else {
                    rng.below(len)
                };
                while !c.text.is_char_boundary(at) {
                    at -= 1;
                }
                return Mutant {
                    op: "truncate",
                    what: format!("cut at byte {at} of {len}"),
                    text: c.text[..at].to_string(),
                };
            }
            "byte-flip" => {
                let mut b = c.text.clone().into_bytes();
                let k = 1 + rng.below(4);
                let mut what = Vec::new();
                for _ in 0..k {
                    let at = rng.below(b.len());
                    match rng.below(6) {
                        0 => {
                            let x = rng.next() as u8;
                            what.push(format!("byte {at} := {x:#04x}"));
                            b[at] = x;
                        }
                        1 => {
                            let bit = rng.below(8);
                            what.push(format!("byte {at} bit {bit} flipped"));
                            b[at] ^= 1 << bit;
                        }
                        2 => {
                            let x = *rng.pick(b"0123456789/-\" ,:{}[]ae");
                            what.push(format!("{:?} inserted at {at}", x as char));
                            b.insert(at, x);
                        }
                        3 => {
                            what.push(format!("byte {at} deleted"));
                            b.remove(at);
                        }
                        4 => {
                            let x = *rng.pick(b"0123456789");
                            what.push(format!("byte {at} := {:?}", x as char));
                            b[at] = x;
                        }
                        _ => {
                            let x = *rng.pick(b" \t\r\n");
                            what.push(format!("whitespace {:?} inserted at {at}", x as char));
                            b.insert(at, x);
                        }
                    }
                }
                return Mutant {
                    op: "byte-flip",
                    what: what.join(", "),
                    text: String::from_utf8_lossy(&b).into_owned(),
                };
            }
            "reformat" => {
                let p = 1 + rng.below(3) as u64;
                let v = shuffle_keys(&c.value, rng, p);
                let style = *rng.pick(&[
                    Style::Committed,
                    Style::Compact,
                    Style::Tabs,
                    Style::Crlf,
                    Style::Spaced,
                ]);
                return Mutant {
                    op: "reformat",
                    what: format!("keys shuffled (1 object in {p}), {style:?}"),
                    text: emit(&v, style),
                };
            }
            _ => {
                let n = 2 + rng.below(2);
                let mut d = Draft {
                    v: c.value.clone(),
                    raw: Vec::new(),
                };
                let mut parts = Vec::new();
                for _ in 0..n * 3 {
                    if parts.len() == n {
                        break;
                    }
                    let ix = Index::new(&d.v);
                    let (name, op) = pick_weighted(&ops, rng);
                    if name == "nest" {
                        continue;
                    }
                    if let Some(w) = op(ctx, &mut d, &ix, rng) {
                        parts.push(format!("{name}: {w}"));
                    }
                }
                if parts.is_empty() {
                    continue;
                }
                let style = random_style(rng);
                return Mutant {
                    op: "stack",
                    what: parts.join(" + "),
                    text: d.text(style),
                };
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running the checks.

thread_local! {
    /// `CRITCERT_MUTATION_LIST=1`: print every accepted mutation of a class other than
    /// `same-content`, `radius-decreased` and `precision-in-range`, for auditing.
    static LIST_ACCEPTED: bool = std::env::var_os("CRITCERT_MUTATION_LIST").is_some();
}

thread_local! {
    /// Set while this thread runs a check, so that the panic hook records the message quietly.
    static IN_CHECK: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

enum Outcome {
    Accepted,
    Rejected(Option<String>),
    Input,
    Panicked(String),
}

fn run_check(text: &str) -> (Outcome, Duration) {
    IN_CHECK.with(|f| f.set(true));
    let start = Instant::now();
    let r = catch_unwind(AssertUnwindSafe(|| check_str(text)));
    let t = start.elapsed();
    IN_CHECK.with(|f| f.set(false));
    let o = match r {
        Ok(Ok(_)) => Outcome::Accepted,
        Ok(Err(Error::Input(_))) => Outcome::Input,
        Ok(Err(e @ Error::Rejected(_))) => Outcome::Rejected(e.claim_id().map(str::to_string)),
        Err(_) => Outcome::Panicked(
            LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "(no message)".into()),
        ),
    };
    (o, t)
}

#[derive(Default)]
struct OpStats {
    total: u64,
    accepted: u64,
    rejected: u64,
    rejected_in_claim: u64,
    input: u64,
}

struct Failure {
    cert: String,
    index: usize,
    op: &'static str,
    what: String,
    problem: String,
    text: String,
}

#[derive(Default)]
struct Stats {
    total: u64,
    accepted: BTreeMap<&'static str, u64>,
    /// Harmless by the path rules but rejected (a completeness matter, reported, not failed).
    harmless_rejected: BTreeMap<&'static str, u64>,
    rejected: u64,
    rejected_in_claim: u64,
    input: u64,
    panics: u64,
    slow: u64,
    unexpected: u64,
    by_op: BTreeMap<&'static str, OpStats>,
    by_cert: BTreeMap<String, (u64, Duration)>,
    slowest: Option<(Duration, String)>,
    failures: Vec<Failure>,
}

impl Stats {
    fn merge(&mut self, o: Stats) {
        self.total += o.total;
        for (k, v) in o.accepted {
            *self.accepted.entry(k).or_default() += v;
        }
        for (k, v) in o.harmless_rejected {
            *self.harmless_rejected.entry(k).or_default() += v;
        }
        self.rejected += o.rejected;
        self.rejected_in_claim += o.rejected_in_claim;
        self.input += o.input;
        self.panics += o.panics;
        self.slow += o.slow;
        self.unexpected += o.unexpected;
        for (k, v) in o.by_op {
            let e = self.by_op.entry(k).or_default();
            e.total += v.total;
            e.accepted += v.accepted;
            e.rejected += v.rejected;
            e.rejected_in_claim += v.rejected_in_claim;
            e.input += v.input;
        }
        for (k, v) in o.by_cert {
            let e = self.by_cert.entry(k).or_default();
            e.0 += v.0;
            e.1 += v.1;
        }
        if let Some(s) = o.slowest {
            if self.slowest.as_ref().is_none_or(|m| s.0 > m.0) {
                self.slowest = Some(s);
            }
        }
        self.failures.extend(o.failures);
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={s:?} is not a number")),
        Err(_) => default,
    }
}

const DEFAULT_PER_CERT: u64 = 1000;

fn seed_for(base: u64, cert: &str, index: usize) -> u64 {
    base ^ fnv(cert) ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Checks one mutation and records it.
fn one(certs: &[Cert], ci: usize, index: usize, base_seed: u64, max: Duration, st: &mut Stats) {
    let cert = &certs[ci];
    let ctx = Ctx { cert, all: certs };
    let mut rng = Rng::new(seed_for(base_seed, &cert.name, index));
    let m = mutate(&ctx, &mut rng);
    let class = classify(&cert.kind, &cert.value, &m.text);
    WATCH.with(|w| {
        if let Some(slot) = w.borrow().as_ref() {
            *slot.lock().unwrap() = Some((
                Instant::now(),
                format!("{}#{index} {}: {}", cert.name, m.op, m.what),
            ));
        }
    });
    let (outcome, t) = run_check(&m.text);
    WATCH.with(|w| {
        if let Some(slot) = w.borrow().as_ref() {
            *slot.lock().unwrap() = None;
        }
    });
    st.total += 1;
    let e = st.by_cert.entry(cert.name.clone()).or_default();
    e.0 += 1;
    e.1 += t;
    let ops = st.by_op.entry(m.op).or_default();
    ops.total += 1;
    let label = || format!("{}#{index} {}: {}", cert.name, m.op, clip(&m.what, 300));
    if st.slowest.as_ref().is_none_or(|s| t > s.0) {
        st.slowest = Some((t, label()));
    }
    let fail = |st: &mut Stats, problem: String| {
        st.failures.push(Failure {
            cert: cert.name.clone(),
            index,
            op: m.op,
            what: m.what.clone(),
            problem,
            text: m.text.clone(),
        })
    };
    if t > max {
        st.slow += 1;
        fail(st, format!("the check took {t:?} (limit {max:?})"));
    }
    match outcome {
        Outcome::Accepted => {
            let ops = st.by_op.get_mut(m.op).unwrap();
            ops.accepted += 1;
            match judge_accepted(&cert.kind, class) {
                Ok(c) => {
                    if LIST_ACCEPTED.with(|l| *l)
                        && !matches!(
                            c,
                            "same-content" | "radius-decreased" | "precision-in-range"
                        )
                    {
                        println!(
                            "accepted [{c}] {}#{index} {}: {}",
                            cert.name,
                            m.op,
                            clip(&m.what, 300)
                        );
                    }
                    *st.accepted.entry(c).or_default() += 1
                }
                Err(why) => {
                    st.unexpected += 1;
                    fail(
                        st,
                        format!("ACCEPTED, but the change is not harmless: {why}"),
                    );
                }
            }
        }
        Outcome::Rejected(claim) => {
            if let Class::Harmless(c) = class {
                *st.harmless_rejected.entry(c).or_default() += 1;
            }
            let ops = st.by_op.get_mut(m.op).unwrap();
            ops.rejected += 1;
            st.rejected += 1;
            if claim.is_some() {
                ops.rejected_in_claim += 1;
                st.rejected_in_claim += 1;
            }
        }
        Outcome::Input => {
            if let Class::Harmless(c) = class {
                *st.harmless_rejected.entry(c).or_default() += 1;
            }
            st.by_op.get_mut(m.op).unwrap().input += 1;
            st.input += 1;
        }
        Outcome::Panicked(msg) => {
            st.panics += 1;
            fail(st, format!("PANIC: {msg}"));
        }
    }
}

/// A worker's slot in the watchdog: what it is checking and since when.
type Slot = std::sync::Arc<Mutex<Option<(Instant, String)>>>;

thread_local! {
    /// This worker's slot in the watchdog: what it is checking and since when.
    static WATCH: RefCell<Option<Slot>> =
        const { RefCell::new(None) };
}

fn failure_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutation-failures")
}

fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if IN_CHECK.with(Cell::get) {
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
        } else {
            default(info);
        }
    }));
}

#[test]
fn mutated_certificates_are_rejected_unless_harmless() {
    let certs = load_certs();
    assert!(certs.len() >= 3, "no certificates under {:?}", proofs_dir());
    let per_cert = env_u64("CRITCERT_MUTATIONS", DEFAULT_PER_CERT) as usize;
    let base_seed = env_u64("CRITCERT_MUTATION_SEED", 0x5EED);
    let max = Duration::from_secs_f64(env_u64("CRITCERT_MUTATION_MAX_SECS", 3) as f64);
    let hang = Duration::from_secs(env_u64("CRITCERT_MUTATION_HANG_SECS", 60));
    let threads = env_u64(
        "CRITCERT_MUTATION_THREADS",
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8)) as u64,
    )
    .max(1) as usize;
    install_panic_hook();

    // Replay one mutation.
    if let Ok(only) = std::env::var("CRITCERT_MUTATION_ONLY") {
        let (name, index) = only
            .split_once('#')
            .expect("CRITCERT_MUTATION_ONLY=FILE#INDEX");
        let index: usize = index.parse().unwrap();
        let ci = certs
            .iter()
            .position(|c| c.name == name)
            .expect("no such certificate");
        let ctx = Ctx {
            cert: &certs[ci],
            all: &certs,
        };
        let mut rng = Rng::new(seed_for(base_seed, name, index));
        let m = mutate(&ctx, &mut rng);
        println!("{}#{index} {}: {}\n{}", name, m.op, m.what, m.text);
        match judge_accepted(
            &certs[ci].kind,
            classify(&certs[ci].kind, &certs[ci].value, &m.text),
        ) {
            Ok(c) => println!("harmless if accepted ({c})"),
            Err(why) => println!("not harmless: {why}"),
        }
        let (o, t) = run_check(&m.text);
        println!(
            "{} in {t:?}",
            match o {
                Outcome::Accepted => "accepted".to_string(),
                Outcome::Rejected(c) =>
                    format!("rejected (claim {c:?}): {:?}", check_str(&m.text).err()),
                Outcome::Input => format!("input error: {:?}", check_str(&m.text).err()),
                Outcome::Panicked(p) => format!("PANIC {p}"),
            }
        );
        return;
    }

    // The committed certificates themselves must be accepted.
    let mut baseline_failures = Vec::new();
    for c in &certs {
        if let Err(why) = oracle::judge(&c.kind, &c.value) {
            baseline_failures.push(format!("{}: the harness's oracle disagrees: {why}", c.name));
        }
        let (o, t) = run_check(&c.text);
        match o {
            Outcome::Accepted => {}
            Outcome::Panicked(p) => baseline_failures.push(format!("{}: PANIC {p}", c.name)),
            _ => baseline_failures.push(format!(
                "{}: not accepted ({:?}) in {t:?}",
                c.name,
                check_str(&c.text).err().map(|e| clip(&e.to_string(), 300))
            )),
        }
    }

    // The work: every (certificate, index), interleaved so that progress is even.
    let jobs: Vec<(usize, usize)> = (0..per_cert)
        .flat_map(|i| (0..certs.len()).map(move |c| (c, i)))
        .collect();
    let next = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let slots: Vec<Slot> = (0..threads).map(|_| Default::default()).collect();
    let start = Instant::now();
    let total = Mutex::new(Stats::default());
    /// Sets the flag when dropped, also on unwinding, so that the watchdog always stops.
    struct SetOnDrop<'a>(&'a AtomicBool);
    impl Drop for SetOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, AtomicOrdering::Relaxed);
        }
    }
    std::thread::scope(|s| {
        let _stop_watchdog = SetOnDrop(&done);
        // The watchdog: a check that never returns ends the run, with the mutation named.
        s.spawn(|| {
            while !done.load(AtomicOrdering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                for slot in &slots {
                    if let Some((since, what)) = slot.lock().unwrap().as_ref() {
                        if since.elapsed() > hang {
                            eprintln!(
                                "mutation harness: a check has run for {:?} (> {hang:?}): {what}; aborting. Replay with CRITCERT_MUTATION_ONLY",
                                since.elapsed()
                            );
                            std::process::exit(3);
                        }
                    }
                }
            }
        });
        let workers: Vec<_> = slots
            .iter()
            .map(|slot| {
                let (certs, jobs, next, total) = (&certs, &jobs, &next, &total);
                s.spawn(move || {
                    WATCH.with(|w| *w.borrow_mut() = Some(slot.clone()));
                    let mut st = Stats::default();
                    loop {
                        let j = next.fetch_add(1, AtomicOrdering::Relaxed);
                        let Some(&(ci, index)) = jobs.get(j) else {
                            break;
                        };
                        let r = catch_unwind(AssertUnwindSafe(|| {
                            one(certs, ci, index, base_seed, max, &mut st)
                        }));
                        if let Err(e) = r {
                            let msg = e
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default();
                            st.failures.push(Failure {
                                cert: certs[ci].name.clone(),
                                index,
                                op: "?",
                                what: String::new(),
                                problem: format!(
                                    "PANIC in the harness itself (not the checker): {msg}"
                                ),
                                text: String::new(),
                            });
                        }
                    }
                    total.lock().unwrap().merge(st);
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        done.store(true, AtomicOrdering::Relaxed);
    });
    let elapsed = start.elapsed();
    let st = total.into_inner().unwrap();

    // The summary.
    let accepted: u64 = st.accepted.values().sum::<u64>() + st.unexpected;
    let classes = st
        .accepted
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (slow_t, slow_what) = st.slowest.clone().unwrap_or_default();
    println!(
        "mutation summary: {} mutations of {} certificates ({} each, seed {base_seed:#x}, {threads} threads) in {:.1} s: accepted {accepted} ({classes}{}), rejected {} ({} naming a claim), input errors {}, panics {}, slow (> {max:?}) {}, unexpected acceptances {}; slowest {:.3} s: {}",
        st.total,
        certs.len(),
        per_cert,
        elapsed.as_secs_f64(),
        if st.unexpected > 0 { format!(", NOT HARMLESS {}", st.unexpected) } else { String::new() },
        st.rejected,
        st.rejected_in_claim,
        st.input,
        st.panics,
        st.slow,
        st.unexpected,
        slow_t.as_secs_f64(),
        slow_what,
    );
    if !st.harmless_rejected.is_empty() {
        println!(
            "harmless by the path rules but rejected (not a failure): {}",
            st.harmless_rejected
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "operator", "total", "accepted", "rejected", "in claim", "input"
    );
    for (k, v) in &st.by_op {
        println!(
            "{k:<14} {:>9} {:>9} {:>9} {:>9} {:>9}",
            v.total, v.accepted, v.rejected, v.rejected_in_claim, v.input
        );
    }
    for (k, (n, t)) in &st.by_cert {
        println!(
            "{k:<28} {n:>8} checks, {:>8.3} s, {:>8.3} ms each",
            t.as_secs_f64(),
            t.as_secs_f64() * 1e3 / *n as f64
        );
    }

    // The failures: printed (the first 30) and written out in full.
    let mut report = Vec::new();
    let mut failures = st.failures;
    // Panics first, then slow checks, then acceptances; each in a stable order.
    failures.sort_by_key(|f| {
        let rank = if f.problem.starts_with("PANIC") {
            0
        } else if f.problem.starts_with("the check took") {
            1
        } else {
            2
        };
        (rank, f.cert.clone(), f.index)
    });
    if !failures.is_empty() {
        let dir = failure_dir();
        std::fs::create_dir_all(&dir).unwrap();
        for f in &failures {
            let file = dir.join(format!("{}-{}.json", f.cert.replace('/', "-"), f.index));
            std::fs::write(&file, &f.text).unwrap();
            report.push(format!(
                "{}#{} [{}] {}\n    mutation: {}\n    text: {}",
                f.cert,
                f.index,
                f.op,
                f.problem,
                clip(&f.what, 400),
                file.display()
            ));
        }
    }
    if !report.is_empty() {
        let index = failure_dir().join("failures.txt");
        std::fs::write(&index, report.join("\n") + "\n").unwrap();
        println!("all {} failures: {}", report.len(), index.display());
    }
    let _ = std::panic::take_hook();
    if !baseline_failures.is_empty() || !report.is_empty() {
        let shown: Vec<&String> = report.iter().take(30).collect();
        panic!(
            "{} committed certificate(s) not accepted:\n  {}\n{} failing mutation(s) ({} panics, {} slow, {} accepted but not harmless){}:\n{}\nReplay one with CRITCERT_MUTATION_ONLY=FILE#INDEX.",
            baseline_failures.len(),
            baseline_failures.join("\n  "),
            failures.len(),
            st.panics,
            st.slow,
            st.unexpected,
            if report.len() > 30 { ", the first 30" } else { "" },
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The oracles: the harness's own re-derivation of every claim of a certificate, written from the
// claim statements, independently of the checker's code (see `claims-re-derived` in the file's
// documentation for what they decide and how).

mod oracle {
    use super::{canonical_rational, RELU_LIKE, SMOOTH};
    use critcert_check::Claim;
    use rug::float::Constant;
    use rug::{Float, Integer, Rational};
    use serde_json::{Map, Value};
    use std::cmp::Ordering;

    pub const DEEP: &str = "deep-linear-critical-point";

    type R<T> = Result<T, String>;

    fn err<T>(s: impl Into<String>) -> R<T> {
        Err(s.into())
    }

    /// `Ok(())` when every claim of the certificate `v` of kind `kind` holds; else why not.
    pub fn judge(kind: &str, v: &Value) -> R<()> {
        obj(
            v,
            "the certificate",
            &["critcert", "kind", "problem", "witness", "claims"],
            &[],
        )?;
        if v["critcert"].as_u64() != Some(1) || v["kind"].as_str() != Some(kind) {
            return err("version or kind changed");
        }
        match kind {
            DEEP => deep_linear(v),
            RELU_LIKE => relu_like(v),
            SMOOTH => smooth(v),
            POINT => point(v),
            _ => err("unknown kind"),
        }
    }

    // ----- reading -----

    fn obj<'a>(v: &'a Value, what: &str, req: &[&str], opt: &[&str]) -> R<&'a Map<String, Value>> {
        let o = v.as_object().ok_or(format!("{what}: not an object"))?;
        if let Some(k) = o
            .keys()
            .find(|k| !req.contains(&k.as_str()) && !opt.contains(&k.as_str()))
        {
            return err(format!("{what}: unexpected key '{k}'"));
        }
        if let Some(k) = req.iter().find(|k| !o.contains_key(**k)) {
            return err(format!("{what}: missing '{k}'"));
        }
        Ok(o)
    }

    fn rat(v: &Value, what: &str) -> R<Rational> {
        v.as_str()
            .and_then(canonical_rational)
            .ok_or(format!("{what}: not a canonical rational"))
    }

    fn arr<'a>(v: &'a Value, what: &str) -> R<&'a Vec<Value>> {
        v.as_array().ok_or(format!("{what}: not an array"))
    }

    fn rvec(v: &Value, what: &str, n: Option<usize>) -> R<Vec<Rational>> {
        let a = arr(v, what)?;
        if n.is_some_and(|n| n != a.len()) {
            return err(format!("{what}: wrong length"));
        }
        a.iter().map(|x| rat(x, what)).collect()
    }

    type M = Vec<Vec<Rational>>;

    fn rmat(v: &Value, what: &str, rows: usize, cols: usize) -> R<M> {
        let a = arr(v, what)?;
        if a.len() != rows {
            return err(format!("{what}: wrong number of rows"));
        }
        a.iter().map(|r| rvec(r, what, Some(cols))).collect()
    }

    fn uint(v: &Value, what: &str) -> R<u64> {
        v.as_u64().ok_or(format!("{what}: not a natural number"))
    }

    fn claims_are(v: &Value, expected: &[Claim]) -> R<()> {
        let a = arr(v, "claims")?;
        if a.len() != expected.len() {
            return err("claims: not the canonical list");
        }
        for (c, e) in a.iter().zip(expected) {
            obj(c, "claim", &["id", "statement"], &[])?;
            if c["id"].as_str() != Some(&e.id) || c["statement"].as_str() != Some(&e.statement) {
                return err(format!(
                    "claim '{}': not the canonical id and statement",
                    e.id
                ));
            }
        }
        Ok(())
    }

    // ----- exact matrices -----

    fn zeros(r: usize, c: usize) -> M {
        vec![vec![Rational::new(); c]; r]
    }

    fn identity(n: usize) -> M {
        let mut m = zeros(n, n);
        for (i, row) in m.iter_mut().enumerate() {
            row[i] = Rational::from(1);
        }
        m
    }

    /// `a·b` for `a` of shape r×n and `b` of shape n×c (`c` given, for n = 0 safety).
    fn mm(a: &M, b: &M, c: usize) -> M {
        a.iter()
            .map(|row| {
                (0..c)
                    .map(|j| {
                        let mut s = Rational::new();
                        for (k, x) in row.iter().enumerate() {
                            if *x != 0 && b[k][j] != 0 {
                                s += Rational::from(x * &b[k][j]);
                            }
                        }
                        s
                    })
                    .collect()
            })
            .collect()
    }

    fn tr(a: &M, rows: usize, cols: usize) -> M {
        (0..cols)
            .map(|j| (0..rows).map(|i| a[i][j].clone()).collect())
            .collect()
    }

    fn all_zero(a: &M) -> bool {
        a.iter().flatten().all(|x| *x == 0)
    }

    // ----- deep-linear-critical-point -----

    fn deep_linear(v: &Value) -> R<()> {
        let p = obj(&v["problem"], "problem", &["loss", "widths", "X", "Y"], &[])?;
        if p["loss"].as_str() != Some("half-squared-frobenius") {
            return err("problem.loss changed");
        }
        let d: Vec<usize> = arr(&p["widths"], "widths")?
            .iter()
            .map(|x| uint(x, "widths").map(|n| n as usize))
            .collect::<R<_>>()?;
        if d.len() < 2 || d.contains(&0) || d.iter().any(|&n| n > 64) {
            return err("widths: need two or more positive widths");
        }
        let l = d.len() - 1;
        let m = arr(&p["X"], "X")?
            .first()
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if m == 0 {
            return err("X: no points");
        }
        let x = rmat(&p["X"], "X", d[0], m)?;
        let y = rmat(&p["Y"], "Y", d[l], m)?;
        let w = obj(
            &v["witness"],
            "witness",
            &["verdict", "point"],
            &[
                "descent_curve",
                "ascent_curve",
                "negative_curvature_direction",
            ],
        )?;
        let verdict = w["verdict"].as_str().ok_or("verdict: not a string")?;
        if !["global-minimum", "saddle", "not-critical"].contains(&verdict) {
            return err("unknown verdict");
        }
        let layers = |v: &Value, what: &str| -> R<Vec<M>> {
            let a = arr(v, what)?;
            if a.len() != l {
                return err(format!("{what}: wrong number of layers"));
            }
            a.iter()
                .enumerate()
                .map(|(j, m)| rmat(m, what, d[j + 1], d[j]))
                .collect()
        };
        let point = layers(&w["point"], "point")?;
        let curve = |key: &str| -> R<Option<Vec<Vec<M>>>> {
            let Some(c) = w.get(key) else { return Ok(None) };
            let a = arr(c, key)?;
            if a.len() != l {
                return err(format!("{key}: wrong number of layers"));
            }
            a.iter()
                .enumerate()
                .map(|(j, coeffs)| {
                    arr(coeffs, key)?
                        .iter()
                        .map(|m| rmat(m, key, d[j + 1], d[j]))
                        .collect()
                })
                .collect::<R<Vec<Vec<M>>>>()
                .map(Some)
        };
        let descent = curve("descent_curve")?;
        let ascent = curve("ascent_curve")?;
        let direction = match w.get("negative_curvature_direction") {
            Some(dv) => Some(layers(dv, "negative_curvature_direction")?),
            None => None,
        };
        let strict = direction.is_some();
        if verdict != "saddle" && (descent.is_some() || ascent.is_some() || strict) {
            return err("curves or a direction on a point that is not a saddle");
        }
        let expected = critcert_check::thm4::claims(verdict, strict, critcert_check::loss::SQUARED);
        claims_are(&v["claims"], &expected)?;

        // W_{b:a} (1-based, inclusive), identity when b < a.
        let partial = |b: usize, a: usize| -> M {
            let mut acc = identity(d[a - 1]);
            for j in a..=b {
                acc = mm(&point[j - 1], &acc, d[a - 1]);
            }
            acc
        };
        let prod = partial(l, 1);
        let mut r = mm(&prod, &x, m);
        for (ra, ry) in r.iter_mut().zip(&y) {
            for (a, b) in ra.iter_mut().zip(ry) {
                *a -= b;
            }
        }
        let g = mm(&r, &tr(&x, d[0], m), d[0]);
        let layer_grads: Vec<M> = (1..=l)
            .map(|j| {
                let a = partial(l, j + 1); // d_l × d_j
                let b = partial(j - 1, 1); // d_{j-1} × d_0
                let t = mm(&tr(&a, d[l], d[j]), &g, d[0]);
                mm(&t, &tr(&b, d[j - 1], d[0]), d[j - 1])
            })
            .collect();
        let critical = layer_grads.iter().all(all_zero);
        // ℓ(θ(t)) − ℓ(Ŵ) for θ(t) = Ŵ + Σ_k t^k C_k, by multiplying matrix polynomials.
        let loss_poly = |c: &[Vec<M>]| -> Vec<Rational> {
            let mut f: Vec<M> = vec![x.clone()];
            for j in 0..l {
                let mut layer = vec![point[j].clone()];
                layer.extend(c[j].iter().cloned());
                let mut out = vec![zeros(d[j + 1], m); f.len() + layer.len() - 1];
                for (a, wa) in layer.iter().enumerate() {
                    for (b, fb) in f.iter().enumerate() {
                        let t = mm(wa, fb, m);
                        for (ro, rt) in out[a + b].iter_mut().zip(&t) {
                            for (o, v) in ro.iter_mut().zip(rt) {
                                *o += v;
                            }
                        }
                    }
                }
                f = out;
            }
            for (ra, ry) in f[0].iter_mut().zip(&y) {
                for (a, b) in ra.iter_mut().zip(ry) {
                    *a -= b;
                }
            }
            let deg = f.len() - 1;
            (1..=2 * deg)
                .map(|n| {
                    let mut s = Rational::new();
                    for a in n.saturating_sub(deg)..=n.min(deg) {
                        for (ra, rb) in f[a].iter().zip(&f[n - a]) {
                            for (p, q) in ra.iter().zip(rb) {
                                s += Rational::from(p * q);
                            }
                        }
                    }
                    s / 2
                })
                .collect()
        };
        let lowest_sign = |c: &[Vec<M>]| -> Option<Ordering> {
            loss_poly(c).iter().find(|q| **q != 0).map(|q| q.cmp0())
        };
        for claim in &expected {
            let ok = match claim.id.as_str() {
                "width" => (1..l).all(|j| d[j] >= d[0].min(d[l])),
                "critical-point" => critical,
                "not-critical" => !critical,
                "product-gradient-zero" | "global-minimum" => all_zero(&g),
                "product-gradient-nonzero" => !all_zero(&g),
                "descent-curve" => descent
                    .as_ref()
                    .is_some_and(|c| lowest_sign(c) == Some(Ordering::Less)),
                "ascent-curve" => ascent
                    .as_ref()
                    .is_some_and(|c| lowest_sign(c) == Some(Ordering::Greater)),
                "negative-curvature" => direction.as_ref().is_some_and(|dir| {
                    let c: Vec<Vec<M>> = dir.iter().map(|m| vec![m.clone()]).collect();
                    let p = loss_poly(&c);
                    p.len() >= 2 && p[0] == 0 && p[1] < 0
                }),
                other => return err(format!("unknown claim {other}")),
            };
            if !ok {
                return err(format!("claim '{}' does not hold", claim.id));
            }
        }
        Ok(())
    }

    // ----- relu-like-spurious-minimum -----

    fn relu(s_plus: &Rational, s_minus: &Rational, z: &Rational) -> Rational {
        Rational::from(if *z > 0 { s_plus } else { s_minus } * z)
    }

    struct Net {
        w1: M,
        b1: Vec<Rational>,
        w2: Vec<Rational>,
        b2: Rational,
    }

    fn net(v: &Value, what: &str, d1: usize, dx: usize) -> R<Net> {
        obj(v, what, &["W1", "b1", "W2", "b2"], &[])?;
        Ok(Net {
            w1: rmat(&v["W1"], what, d1, dx)?,
            b1: rvec(&v["b1"], what, Some(d1))?,
            w2: rmat(&v["W2"], what, 1, d1)?.remove(0),
            b2: rvec(&v["b2"], what, Some(1))?.remove(0),
        })
    }

    fn pre(n: &Net, k: usize, x: &[Rational]) -> Rational {
        let mut z = n.b1[k].clone();
        for (w, xi) in n.w1[k].iter().zip(x) {
            z += Rational::from(w * xi);
        }
        z
    }

    fn relu_like(v: &Value) -> R<()> {
        let p = obj(
            &v["problem"],
            "problem",
            &["activation", "width", "data"],
            &[],
        )?;
        obj(
            &p["activation"],
            "activation",
            &["name", "s_plus", "s_minus"],
            &[],
        )?;
        if p["activation"]["name"].as_str() != Some("relu-like") {
            return err("activation name changed");
        }
        let sp = rat(&p["activation"]["s_plus"], "s_plus")?;
        let sm = rat(&p["activation"]["s_minus"], "s_minus")?;
        if sp <= 0 || sm < 0 || sp == sm {
            return err("not a ReLU-like activation");
        }
        let d1 = uint(&p["width"], "width")? as usize;
        let data = obj(
            &p["data"],
            "data",
            &["feature_names", "target_name", "x", "y"],
            &[],
        )?;
        let names = arr(&data["feature_names"], "feature_names")?;
        if !names.iter().all(Value::is_string) || !data["target_name"].is_string() {
            return err("names are not strings");
        }
        let dx = names.len();
        let ys = rvec(&data["y"], "y", None)?;
        let n = ys.len();
        if n < 2 || dx == 0 || d1 == 0 || d1 > 1000 {
            return err("degenerate problem");
        }
        let xs = rmat(&data["x"], "x", n, dx)?;
        let w = obj(
            &v["witness"],
            "witness",
            &[
                "least_squares",
                "alpha",
                "minimum",
                "radius",
                "better_point",
                "construction",
            ],
            &[],
        )?;
        let wbar = rvec(&w["least_squares"], "least_squares", Some(dx + 1))?;
        if rat(&w["alpha"], "alpha")? <= 0 {
            return err("alpha not positive");
        }
        let min = net(&w["minimum"], "minimum", d1, dx)?;
        let rho = rat(&w["radius"], "radius")?;
        let better = net(&w["better_point"], "better_point", d1, dx)?;
        let c = obj(
            &w["construction"],
            "construction",
            &["case", "beta", "gamma"],
            &["tie_break"],
        )?;
        if !matches!(c["case"].as_str(), Some("J-nonempty" | "J-empty")) {
            return err("construction.case");
        }
        rat(&c["beta"], "beta")?;
        rat(&c["gamma"], "gamma")?;
        if let Some(t) = c.get("tie_break") {
            rvec(t, "tie_break", Some(dx))?;
        }
        claims_are(&v["claims"], &critcert_check::thm1::claims())?;

        let fit: Vec<Rational> = xs
            .iter()
            .map(|x| {
                let mut s = wbar[dx].clone();
                for (a, b) in wbar.iter().zip(x) {
                    s += Rational::from(a * b);
                }
                s
            })
            .collect();
        let resid: Vec<Rational> = fit
            .iter()
            .zip(&ys)
            .map(|(f, y)| Rational::from(f - y))
            .collect();
        let l0: Rational = resid
            .iter()
            .map(|r| Rational::from(r * r))
            .sum::<Rational>()
            / 2;
        let output = |nt: &Net, x: &[Rational]| -> Rational {
            let mut o = nt.b2.clone();
            for k in 0..d1 {
                o += Rational::from(&nt.w2[k] * &relu(&sp, &sm, &pre(nt, k, x)));
            }
            o
        };
        // normal-equations
        for j in 0..=dx {
            let s: Rational = resid
                .iter()
                .zip(&xs)
                .map(|(r, x)| {
                    if j < dx {
                        Rational::from(r * &x[j])
                    } else {
                        r.clone()
                    }
                })
                .sum();
            if s != 0 {
                return err("claim 'normal-equations' does not hold");
            }
        }
        // minimum-output
        if xs.iter().zip(&fit).any(|(x, f)| output(&min, x) != *f) {
            return err("claim 'minimum-output' does not hold");
        }
        // local-minimum-region
        let mu = (0..d1)
            .flat_map(|k| xs.iter().map(move |x| (k, x)))
            .map(|(k, x)| pre(&min, k, x))
            .min()
            .unwrap();
        let max_l1 = xs
            .iter()
            .map(|x| {
                x.iter()
                    .map(|v| Rational::from(v.abs_ref()))
                    .sum::<Rational>()
            })
            .max()
            .unwrap();
        if !(mu > 0 && rho > 0 && Rational::from(&rho * &(max_l1 + 1)) <= mu) {
            return err("claim 'local-minimum-region' does not hold");
        }
        // infinitely-many-minima
        if min.w1.iter().flatten().chain(&min.b1).all(|v| *v == 0) {
            return err("claim 'infinitely-many-minima' does not hold");
        }
        // strictly-better-point
        let better_loss: Rational = xs
            .iter()
            .zip(&ys)
            .map(|(x, y)| {
                let e = output(&better, x) - y;
                Rational::from(e.square_ref())
            })
            .sum::<Rational>()
            / 2;
        if better_loss >= l0 {
            return err("claim 'strictly-better-point' does not hold");
        }
        Ok(())
    }

    // ----- smooth-counterexample (numerical) -----

    /// A formula of the activation (the checker's grammar, parsed here independently), with
    /// `Branch(p, n)`: `p` for `x > 0`, `n` for `x < 0`, 0 at 0 (ReLU-like, ELU, SELU).
    #[derive(Clone, Debug)]
    enum Ast {
        X,
        Num(Rational),
        Pi,
        Neg(Box<Ast>),
        Bin(u8, Box<Ast>, Box<Ast>),
        Pow(Box<Ast>, i32),
        Call(&'static str, Box<Ast>),
        Max(Box<Ast>, Box<Ast>),
        Min(Box<Ast>, Box<Ast>),
        Branch(Box<Ast>, Box<Ast>),
    }

    struct Parser<'a> {
        s: &'a [u8],
        i: usize,
        depth: usize,
    }

    impl Parser<'_> {
        fn peek(&mut self) -> Option<u8> {
            while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
                self.i += 1;
            }
            self.s.get(self.i).copied()
        }
        fn eat(&mut self, c: u8) -> bool {
            let hit = self.peek() == Some(c);
            if hit {
                self.i += 1;
            }
            hit
        }
        fn sum(&mut self) -> R<Ast> {
            let mut a = self.product()?;
            loop {
                if self.eat(b'+') {
                    a = Ast::Bin(b'+', Box::new(a), Box::new(self.product()?));
                } else if self.eat(b'-') {
                    a = Ast::Bin(b'-', Box::new(a), Box::new(self.product()?));
                } else {
                    return Ok(a);
                }
            }
        }
        fn product(&mut self) -> R<Ast> {
            let mut a = self.unary()?;
            loop {
                if self.eat(b'*') {
                    a = Ast::Bin(b'*', Box::new(a), Box::new(self.unary()?));
                } else if self.eat(b'/') {
                    a = Ast::Bin(b'/', Box::new(a), Box::new(self.unary()?));
                } else {
                    return Ok(a);
                }
            }
        }
        fn unary(&mut self) -> R<Ast> {
            self.depth += 1;
            if self.depth > 100 {
                return err("formula nested too deeply for the oracle");
            }
            let r = if self.eat(b'-') {
                self.unary().map(|a| Ast::Neg(Box::new(a)))
            } else {
                self.power()
            };
            self.depth -= 1;
            r
        }
        fn power(&mut self) -> R<Ast> {
            let base = self.atom()?;
            if !self.eat(b'^') {
                return Ok(base);
            }
            let paren = self.eat(b'(');
            let neg = self.eat(b'-');
            self.peek();
            let start = self.i;
            while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
            let n: i32 = std::str::from_utf8(&self.s[start..self.i])
                .unwrap()
                .parse()
                .map_err(|_| "exponent".to_string())?;
            if paren && !self.eat(b')') {
                return err("exponent");
            }
            if n > 64 {
                return err("exponent");
            }
            Ok(Ast::Pow(Box::new(base), if neg { -n } else { n }))
        }
        fn atom(&mut self) -> R<Ast> {
            match self.peek() {
                Some(b'(') => {
                    self.i += 1;
                    let e = self.sum()?;
                    if !self.eat(b')') {
                        return err("')'");
                    }
                    Ok(e)
                }
                Some(c) if c.is_ascii_digit() || c == b'.' => {
                    let start = self.i;
                    while self
                        .s
                        .get(self.i)
                        .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
                    {
                        self.i += 1;
                    }
                    let t = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
                    if frac.contains('.') || format!("{int}{frac}").is_empty() {
                        return err("number");
                    }
                    let n: Integer = format!("{int}{frac}").parse().map_err(|_| "number")?;
                    Ok(Ast::Num(Rational::from((
                        n,
                        Integer::from(Integer::u_pow_u(10, frac.len() as u32)),
                    ))))
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    let start = self.i;
                    while self
                        .s
                        .get(self.i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    {
                        self.i += 1;
                    }
                    let name = std::str::from_utf8(&self.s[start..self.i])
                        .unwrap()
                        .to_string();
                    if !self.eat(b'(') {
                        return match name.as_str() {
                            "x" => Ok(Ast::X),
                            "pi" => Ok(Ast::Pi),
                            _ => err("name"),
                        };
                    }
                    let mut args = vec![self.sum()?];
                    while self.eat(b',') {
                        args.push(self.sum()?);
                    }
                    if !self.eat(b')') {
                        return err("')'");
                    }
                    let f: &'static str = match name.as_str() {
                        "exp" => "exp",
                        "ln" | "log" => "ln",
                        "sqrt" => "sqrt",
                        "tanh" => "tanh",
                        "atan" | "arctan" => "atan",
                        "erf" => "erf",
                        "abs" => "abs",
                        "max" | "min" if args.len() == 2 => {
                            let b = Box::new(args.pop().unwrap());
                            let a = Box::new(args.pop().unwrap());
                            return Ok(if name == "max" {
                                Ast::Max(a, b)
                            } else {
                                Ast::Min(a, b)
                            });
                        }
                        _ => return err("function"),
                    };
                    if args.len() != 1 {
                        return err("arguments");
                    }
                    Ok(Ast::Call(f, Box::new(args.pop().unwrap())))
                }
                _ => err("formula syntax"),
            }
        }
    }

    fn parse_formula(t: &str) -> R<Ast> {
        let mut p = Parser {
            s: t.trim().as_bytes(),
            i: 0,
            depth: 0,
        };
        let a = p.sum()?;
        if p.peek().is_some() {
            return err("formula: trailing text");
        }
        Ok(a)
    }

    fn decimal(s: &str) -> Rational {
        let (int, frac) = s.split_once('.').unwrap();
        let n: Integer = format!("{int}{frac}").parse().unwrap();
        Rational::from((n, Integer::from(Integer::u_pow_u(10, frac.len() as u32))))
    }

    fn named(name: &str) -> Option<Ast> {
        use Ast::*;
        let b = Box::new;
        let x = || b(X);
        let one = || b(Num(Rational::from(1)));
        let exp = |a: Box<Ast>| b(Call("exp", a));
        let sigmoid_of = |num: Box<Ast>| Bin(b'/', num, b(Bin(b'+', one(), exp(b(Neg(x()))))));
        Some(match name {
            "sigmoid" => sigmoid_of(one()),
            "silu" => sigmoid_of(x()),
            "tanh" => Call("tanh", x()),
            "arctan" => Call("atan", x()),
            "softplus" => Call("ln", b(Bin(b'+', one(), exp(x())))),
            "quadratic" => Pow(x(), 2),
            "gelu" => Bin(
                b'/',
                b(Bin(
                    b'*',
                    x(),
                    b(Bin(
                        b'+',
                        one(),
                        b(Call(
                            "erf",
                            b(Bin(b'/', x(), b(Call("sqrt", b(Num(Rational::from(2))))))),
                        )),
                    )),
                )),
                b(Num(Rational::from(2))),
            ),
            "elu" | "selu" => {
                let (l, la) = if name == "selu" {
                    let l = decimal(critcert_check::activation::SELU_LAMBDA);
                    let a = decimal(critcert_check::activation::SELU_ALPHA);
                    (l.clone(), l * a)
                } else {
                    (Rational::from(1), Rational::from(1))
                };
                Branch(
                    b(Bin(b'*', b(Num(l)), x())),
                    b(Bin(b'*', b(Num(la)), b(Bin(b'-', exp(x()), one())))),
                )
            }
            _ => return None,
        })
    }

    type Jet = Vec<Float>;

    /// Evaluation of formulas on Taylor jets of MPFR floats at precision `p`.
    struct Ev {
        p: u32,
    }

    impl Ev {
        fn f<T>(&self, v: T) -> Float
        where
            Float: rug::Assign<T>,
        {
            Float::with_val(self.p, v)
        }
        fn konst(&self, v: Float, n: usize) -> Jet {
            let mut j = vec![self.f(0); n + 1];
            j[0] = v;
            j
        }
        fn mul(&self, a: &Jet, b: &Jet) -> Jet {
            (0..a.len())
                .map(|k| {
                    let mut s = self.f(0);
                    for i in 0..=k {
                        s += a[i].clone() * &b[k - i];
                    }
                    s
                })
                .collect()
        }
        fn div(&self, a: &Jet, b: &Jet) -> R<Jet> {
            if b[0].is_zero() {
                return err("division by zero");
            }
            let mut c: Jet = Vec::with_capacity(a.len());
            for k in 0..a.len() {
                let mut s = a[k].clone();
                for j in 1..=k {
                    s -= b[j].clone() * &c[k - j];
                }
                c.push(s / &b[0]);
            }
            Ok(c)
        }
        /// `f` with `f' = g·a'` and `f(0) = f0`.
        fn integrate(&self, f0: Float, a: &Jet, g: &Jet) -> Jet {
            let mut f = vec![f0];
            for k in 1..a.len() {
                let mut s = self.f(0);
                for j in 1..=k {
                    s += a[j].clone() * &g[k - j] * (j as u32);
                }
                f.push(s / (k as u32));
            }
            f
        }
        fn eval(&self, e: &Ast, x: &Jet) -> R<Jet> {
            let n = x.len() - 1;
            let j = match e {
                Ast::X => x.clone(),
                Ast::Num(q) => self.konst(self.f(q), n),
                Ast::Pi => self.konst(self.f(Constant::Pi), n),
                Ast::Neg(a) => self.eval(a, x)?.into_iter().map(|v| -v).collect(),
                Ast::Bin(op, a, b) => {
                    let (a, b) = (self.eval(a, x)?, self.eval(b, x)?);
                    match op {
                        b'+' => a.into_iter().zip(b).map(|(u, v)| u + v).collect(),
                        b'-' => a.into_iter().zip(b).map(|(u, v)| u - v).collect(),
                        b'*' => self.mul(&a, &b),
                        _ => self.div(&a, &b)?,
                    }
                }
                Ast::Pow(a, e) => {
                    let a = self.eval(a, x)?;
                    let mut r = self.konst(self.f(1), n);
                    for _ in 0..e.unsigned_abs() {
                        r = self.mul(&r, &a);
                    }
                    if *e < 0 {
                        self.div(&self.konst(self.f(1), n), &r)?
                    } else {
                        r
                    }
                }
                Ast::Max(a, b) | Ast::Min(a, b) => {
                    let (a, b) = (self.eval(a, x)?, self.eval(b, x)?);
                    let larger = matches!(e, Ast::Max(..));
                    match a[0].partial_cmp(&b[0]) {
                        Some(Ordering::Equal) if n > 0 => return err("max/min at a tie"),
                        Some(Ordering::Equal) => a,
                        Some(o) => {
                            if (o == Ordering::Greater) == larger {
                                a
                            } else {
                                b
                            }
                        }
                        None => return err("NaN"),
                    }
                }
                Ast::Branch(pos, neg) => match x[0].cmp0() {
                    Some(Ordering::Greater) => self.eval(pos, x)?,
                    Some(Ordering::Less) => self.eval(neg, x)?,
                    _ if n == 0 => self.konst(self.f(0), 0),
                    _ => return err("a kink at 0"),
                },
                Ast::Call(f, a) => {
                    let a = self.eval(a, x)?;
                    let a0 = a[0].clone();
                    match *f {
                        "exp" => {
                            let mut e = vec![a0.exp()];
                            for k in 1..=n {
                                let mut s = self.f(0);
                                for j in 1..=k {
                                    s += a[j].clone() * &e[k - j] * (j as u32);
                                }
                                e.push(s / (k as u32));
                            }
                            e
                        }
                        "ln" => {
                            if a0.cmp0() != Some(Ordering::Greater) {
                                return err("ln of a non-positive number");
                            }
                            let g = self.div(&self.konst(self.f(1), n), &a)?;
                            self.integrate(a0.ln(), &a, &g)
                        }
                        "sqrt" => {
                            match a0.cmp0() {
                                Some(Ordering::Less) | None => {
                                    return err("sqrt of a negative number")
                                }
                                Some(Ordering::Equal) if n > 0 => return err("sqrt at 0"),
                                _ => {}
                            }
                            let mut s = vec![a0.sqrt()];
                            for k in 1..=n {
                                let mut t = a[k].clone();
                                for j in 1..k {
                                    t -= s[j].clone() * &s[k - j];
                                }
                                let two_s0 = s[0].clone() * 2u32;
                                s.push(t / two_s0);
                            }
                            s
                        }
                        "tanh" => {
                            let mut t = vec![a0.tanh()];
                            let mut g = vec![self.f(1) - t[0].clone() * &t[0]];
                            for k in 1..=n {
                                let mut s = self.f(0);
                                for j in 1..=k {
                                    s += a[j].clone() * &g[k - j] * (j as u32);
                                }
                                t.push(s / (k as u32));
                                let mut tt = self.f(0);
                                for i in 0..=k {
                                    tt += t[i].clone() * &t[k - i];
                                }
                                g.push(-tt);
                            }
                            t
                        }
                        "atan" => {
                            let mut sq = self.mul(&a, &a);
                            sq[0] += 1u32;
                            let g = self.div(&self.konst(self.f(1), n), &sq)?;
                            self.integrate(a0.atan(), &a, &g)
                        }
                        "erf" => {
                            let minus_sq: Jet = self.mul(&a, &a).into_iter().map(|v| -v).collect();
                            let e = self.eval(&Ast::Call("exp", Box::new(Ast::X)), &minus_sq)?;
                            let c = self.f(2) / self.f(Constant::Pi).sqrt();
                            let g: Jet = e.into_iter().map(|v| v * &c).collect();
                            self.integrate(a0.erf(), &a, &g)
                        }
                        _ => match a0.cmp0() {
                            Some(Ordering::Greater) => a,
                            Some(Ordering::Less) => a.into_iter().map(|v| -v).collect(),
                            Some(Ordering::Equal) if n == 0 => a,
                            _ => return err("abs at 0"),
                        },
                    }
                }
            };
            if j.iter().any(|v| !v.is_finite()) {
                return err("not finite");
            }
            Ok(j)
        }
        /// `[h, h', …, h⁽ⁿ⁾]` at `x`.
        fn derivs(&self, h: &Ast, x: &Float, n: usize) -> R<Vec<Float>> {
            let mut id = self.konst(x.clone(), n);
            if n >= 1 {
                id[1] = self.f(1);
            }
            let j = self.eval(h, &id)?;
            let mut fact = 1u32;
            Ok(j.into_iter()
                .enumerate()
                .map(|(k, c)| {
                    fact *= (k as u32).max(1);
                    c * fact
                })
                .collect())
        }
        fn h(&self, h: &Ast, x: &Float) -> R<Float> {
            Ok(self.derivs(h, x, 0)?.remove(0))
        }
    }

    /// A certificate number: a rational, or `c·ln q`.
    #[derive(Clone)]
    enum Real {
        Q(Rational),
        Log(Rational, Rational),
    }

    fn real(v: &Value, what: &str) -> R<Real> {
        if v.is_string() {
            return Ok(Real::Q(rat(v, what)?));
        }
        let o = obj(v, what, &["ln"], &["times"])?;
        let q = rat(&o["ln"], what)?;
        if q <= 0 {
            return err(format!("{what}: ln of a non-positive number"));
        }
        let c = match o.get("times") {
            Some(t) => rat(t, what)?,
            None => Rational::from(1),
        };
        Ok(Real::Log(c, q))
    }

    fn bits(r: &Real) -> u32 {
        let b = |q: &Rational| q.numer().significant_bits() + q.denom().significant_bits();
        match r {
            Real::Q(q) => b(q),
            Real::Log(c, q) => b(c) + b(q),
        }
    }

    /// Interval arithmetic on floats (round to nearest: an estimate of ranges, not a bound),
    /// each endpoint with the magnitude of the terms it was computed from (first-order rounding
    /// analysis: the endpoint's rounding error is below 2^-P·(ops)·magnitude).
    #[derive(Clone)]
    struct Iv {
        lo: Float,
        hi: Float,
        mlo: Float,
        mhi: Float,
    }

    impl Iv {
        /// `[lo, hi]` from values known to the working precision.
        fn new(lo: Float, hi: Float) -> Iv {
            let (mlo, mhi) = (lo.clone().abs(), hi.clone().abs());
            Iv { lo, hi, mlo, mhi }
        }
        fn add(&self, o: &Iv) -> Iv {
            Iv {
                lo: self.lo.clone() + &o.lo,
                hi: self.hi.clone() + &o.hi,
                mlo: self.mlo.clone() + &o.mlo,
                mhi: self.mhi.clone() + &o.mhi,
            }
        }
        fn mul(&self, o: &Iv) -> Iv {
            let ends = |x: &Iv| [(x.lo.clone(), x.mlo.clone()), (x.hi.clone(), x.mhi.clone())];
            let mut ps: Vec<(Float, Float)> = Vec::new();
            for (a, ma) in ends(self) {
                for (b, mb) in ends(o) {
                    let m = ma.clone() * b.clone().abs() + a.clone().abs() * &mb;
                    ps.push((a.clone() * &b, m));
                }
            }
            let lo = ps
                .iter()
                .min_by(|x, y| x.0.partial_cmp(&y.0).unwrap())
                .unwrap()
                .clone();
            let hi = ps
                .iter()
                .max_by(|x, y| x.0.partial_cmp(&y.0).unwrap())
                .unwrap()
                .clone();
            Iv {
                lo: lo.0,
                mlo: lo.1,
                hi: hi.0,
                mhi: hi.1,
            }
        }
        fn sq(&self) -> Iv {
            let m = self.mul(self);
            if self.lo.cmp0() != Some(Ordering::Greater) && self.hi.cmp0() != Some(Ordering::Less) {
                let zero = Float::with_val(m.lo.prec(), 0);
                Iv {
                    lo: zero.clone(),
                    mlo: zero,
                    ..m
                }
            } else {
                m
            }
        }
        fn scale(&self, c: &Float) -> Iv {
            self.mul(&Iv::new(c.clone(), c.clone()))
        }
    }

    fn smooth(v: &Value) -> R<()> {
        let p = obj(
            &v["problem"],
            "problem",
            &["activation", "architecture", "data"],
            &[],
        )?;
        let a = obj(
            &p["activation"],
            "activation",
            &["name"],
            &["s_plus", "s_minus", "formula"],
        )?;
        let name = a["name"].as_str().ok_or("activation name")?;
        let relu_like = name == "relu-like";
        let h: Ast = match name {
            "relu-like" => {
                obj(
                    &p["activation"],
                    "activation",
                    &["name", "s_plus", "s_minus"],
                    &[],
                )?;
                let sp = rat(&a["s_plus"], "s_plus")?;
                let sm = rat(&a["s_minus"], "s_minus")?;
                if sp <= 0 || sm < 0 || sp == sm {
                    return err("not a ReLU-like activation");
                }
                Ast::Branch(
                    Box::new(Ast::Bin(b'*', Box::new(Ast::Num(sp)), Box::new(Ast::X))),
                    Box::new(Ast::Bin(b'*', Box::new(Ast::Num(sm)), Box::new(Ast::X))),
                )
            }
            "formula" => {
                obj(&p["activation"], "activation", &["name", "formula"], &[])?;
                parse_formula(a["formula"].as_str().ok_or("formula")?)?
            }
            other => {
                obj(&p["activation"], "activation", &["name"], &[])?;
                named(other).ok_or("unknown activation")?
            }
        };
        if p["architecture"] != serde_json::json!([2, 2, 1])
            || p["data"]
                != serde_json::json!({"x": [["1", "0"], ["0", "1"], ["1/2", "1/2"]], "y": ["0", "0", "1"]})
        {
            return err("architecture or data changed");
        }
        let w = obj(
            &v["witness"],
            "witness",
            &["precision", "zero_loss", "minimum", "radius"],
            &["hessian_inertia"],
        )?;
        if !(32..=4096).contains(&uint(&w["precision"], "precision")?) {
            return err("precision out of range");
        }
        obj(&w["zero_loss"], "zero_loss", &["v"], &[])?;
        let zl = arr(&w["zero_loss"]["v"], "zero_loss.v")?;
        if zl.len() != 4 {
            return err("zero_loss.v: not 4 entries");
        }
        let mut zv: Vec<Real> = Vec::new();
        for (i, e) in zl.iter().enumerate().take(3) {
            zv.push(real(e, &format!("zero_loss.v[{i}]"))?);
        }
        let bracket = if zl[3].get("solve").is_some() {
            let r = obj(&zl[3], "v4", &["solve", "bracket"], &[])?;
            if r["solve"].as_str() != Some("C2.1") {
                return err("v4: solve");
            }
            let br = rvec(&r["bracket"], "bracket", Some(2))?;
            if br[0] >= br[1] {
                return err("empty bracket");
            }
            Some((br[0].clone(), br[1].clone()))
        } else {
            zv.push(real(&zl[3], "zero_loss.v[3]")?);
            None
        };
        let mn = obj(&w["minimum"], "minimum", &["v", "u1", "u2"], &[])?;
        let mv = arr(&mn["v"], "minimum.v")?;
        if mv.len() != 2 {
            return err("minimum.v: not 2 entries");
        }
        let mv = [real(&mv[0], "minimum.v[0]")?, real(&mv[1], "minimum.v[1]")?];
        let u1 = real(&mn["u1"], "u1")?;
        let u2 = if mn["u2"].get("solve").is_some() {
            obj(&mn["u2"], "u2", &["solve"], &[])?;
            if mn["u2"]["solve"].as_str() != Some("C2.3") {
                return err("u2: solve");
            }
            None
        } else {
            Some(real(&mn["u2"], "u2")?)
        };
        let rho = rat(&w["radius"], "radius")?;
        let inertia = match w.get("hessian_inertia") {
            Some(i) => {
                let a = arr(i, "hessian_inertia")?;
                if a.len() != 3 {
                    return err("hessian_inertia: not 3 entries");
                }
                Some(
                    a.iter()
                        .map(|x| uint(x, "hessian_inertia"))
                        .collect::<R<Vec<u64>>>()?,
                )
            }
            None => None,
        };
        let expected =
            critcert_check::thm2::claims(relu_like, bracket.is_some(), inertia.is_some());
        claims_are(&v["claims"], &expected)?;

        // The precision: well above every number of the witness.
        let mut maxbits = 64u32;
        for r in zv.iter().chain(&mv).chain([&u1]).chain(u2.as_ref()) {
            maxbits = maxbits.max(bits(r));
        }
        let rq = |q: &Rational| q.numer().significant_bits() + q.denom().significant_bits();
        maxbits = maxbits.max(rq(&rho));
        if let Some((a, b)) = &bracket {
            maxbits = maxbits.max(rq(a)).max(rq(b));
        }
        // (Capped: a change smaller than 2^-(P/2) relative to a number of more than 10⁴ bits
        // would go unseen; no mutation operator makes one.)
        let prec = 512 + 3 * maxbits.min(10_000);
        let ev = Ev { p: prec };
        // Rounding errors are below 2^-(2P/3) for numbers of at most P/3 bits: anything beyond
        // 2^-(P/2) is a real difference, anything within it is taken as 0.
        // Each test is relative to `scale`, the sum of the magnitudes of the terms whose sum
        // is tested: rounding makes an error below 2^-P·scale.
        let tol = ev.f(1) >> (prec / 2);
        let mag =
            |xs: &[&Float]| -> Float { xs.iter().fold(ev.f(0), |s, x| s + (*x).clone().abs()) };
        let small = |x: &Float, scale: &Float| -> bool {
            x.clone().abs() <= tol.clone() * scale.clone().abs()
        };
        let positive = |x: &Float, scale: &Float| -> bool {
            x.cmp0() == Some(Ordering::Greater) && *x > tol.clone() * scale.clone().abs()
        };
        let nonzero = |x: &Float, scale: &Float| -> bool {
            x.clone().abs() > tol.clone() * scale.clone().abs()
        };
        let num = |r: &Real| -> Float {
            match r {
                Real::Q(q) => ev.f(q),
                Real::Log(c, q) => ev.f(q).ln() * ev.f(c),
            }
        };
        let hv = |x: &Float| ev.h(&h, x);

        // zero-loss-point
        let z: Vec<Float> = zv.iter().map(num).collect();
        let hz: Vec<Float> = z.iter().map(&hv).collect::<R<_>>()?;
        let half = |a: &Float, b: &Float| (a.clone() + b) / 2u32;
        let h12 = hv(&half(&z[0], &z[1]))?;
        match &bracket {
            None => {
                let lhs = hz[0].clone() * &hz[3];
                let rhs = hz[1].clone() * &hz[2];
                if !small(&(lhs.clone() - &rhs), &mag(&[&lhs, &rhs])) {
                    return err("claim 'zero-loss-point': C2.1 does not hold");
                }
                let (t1, t2) = (
                    hz[2].clone() * &h12,
                    hz[0].clone() * &hv(&half(&z[2], &z[3]))?,
                );
                let dd = t1.clone() - &t2;
                if !nonzero(&dd, &mag(&[&t1, &t2])) {
                    return err("claim 'zero-loss-point': D = 0");
                }
            }
            Some((a, b)) => {
                let target = hz[1].clone() * &hz[2];
                let g = |t: &Float| -> R<(Float, Float)> {
                    let p = hz[0].clone() * &hv(t)?;
                    Ok((p.clone() - &target, mag(&[&p, &target])))
                };
                let ((ga, sa), (gb, sb)) = (g(&ev.f(a))?, g(&ev.f(b))?);
                if !(nonzero(&ga, &sa) && nonzero(&gb, &sb) && ga.cmp0() != gb.cmp0()) {
                    return err("claim 'zero-loss-point': no sign change on the bracket");
                }
                let mut sign = None;
                for i in 0..=32u32 {
                    let t = (ev.f(a) * (32 - i) + ev.f(b) * i) / 32u32;
                    let (t1, t2) = (hz[2].clone() * &h12, hz[0].clone() * &hv(&half(&z[2], &t))?);
                    let dd = t1.clone() - &t2;
                    if !nonzero(&dd, &mag(&[&t1, &t2])) || sign.is_some_and(|s| s != dd.cmp0()) {
                        return err("claim 'zero-loss-point': D may vanish on the bracket");
                    }
                    sign = Some(dd.cmp0());
                }
            }
        }

        // minimum-loss: the weights (C2.3 exactly, or u2 defined by it).
        let v_at = [num(&mv[0]), num(&mv[1])];
        let hm = [hv(&v_at[0])?, hv(&v_at[1])?];
        let u1f = num(&u1);
        let third: Float = ev.f(1) / 3u32;
        let u2f = match &u2 {
            Some(r) => {
                let u2f = num(r);
                let out = u1f.clone() * &hm[0] + u2f.clone() * &hm[1];
                if !small(&(out - &third), &ev.f(1)) {
                    return err("claim 'minimum-loss': C2.3 does not hold");
                }
                u2f
            }
            None => {
                if !nonzero(&hm[1], &ev.f(1)) {
                    return err("claim 'minimum-loss': h(v2) = 0");
                }
                (third.clone() - u1f.clone() * &hm[0]) / &hm[1]
            }
        };
        let u = [u1f, u2f];
        let d2: Vec<Vec<Float>> = (0..2)
            .map(|k| ev.derivs(&h, &v_at[k], 2))
            .collect::<R<_>>()
            .map_err(|e| format!("claim 'critical-point': h is not differentiable at v: {e}"))?;

        // hessian-inertia
        if let Some(claimed) = &inertia {
            let xs = [
                [ev.f(1), ev.f(0)],
                [ev.f(0), ev.f(1)],
                [half(&ev.f(1), &ev.f(0)), half(&ev.f(1), &ev.f(0))],
            ];
            let ys = [0u32, 0, 1];
            let mut hm9 = vec![vec![ev.f(0); 9]; 9];
            for (x, y) in xs.iter().zip(ys) {
                let e = third.clone() - y;
                let xt = [x[0].clone(), x[1].clone(), ev.f(1)];
                let idx = |k: usize, a: usize| if a < 2 { 2 * k + a } else { 4 + k };
                let mut g = vec![ev.f(0); 9];
                for k in 0..2 {
                    for a in 0..3 {
                        g[idx(k, a)] = u[k].clone() * &d2[k][1] * &xt[a];
                    }
                    g[6 + k] = d2[k][0].clone();
                }
                g[8] = ev.f(1);
                for i in 0..9 {
                    for j in 0..9 {
                        hm9[i][j] += g[i].clone() * &g[j];
                    }
                }
                for k in 0..2 {
                    for a in 0..3 {
                        for b in 0..3 {
                            hm9[idx(k, a)][idx(k, b)] +=
                                u[k].clone() * &d2[k][2] * &xt[a] * &xt[b] * &e;
                        }
                        let t = d2[k][1].clone() * &xt[a] * &e;
                        hm9[idx(k, a)][6 + k] += &t;
                        hm9[6 + k][idx(k, a)] += t;
                    }
                }
            }
            let got = inertia_of(hm9, &tol);
            if got.iter().map(|&n| n as u64).collect::<Vec<_>>() != *claimed || got[1] == 0 {
                return err(format!(
                    "claim 'hessian-inertia' does not hold (numerically {got:?})"
                ));
            }
        }

        let rho_f = ev.f(&rho);
        if relu_like {
            // local-minimum-box (ReLU-like): v rational, v1, v2 > 0, 2ρ ≤ min v.
            let (Real::Q(a), Real::Q(b)) = (&mv[0], &mv[1]) else {
                return err("claim 'local-minimum-box': v not rational");
            };
            let lo = if a < b { a } else { b };
            if !(*lo > 0 && rho > 0 && Rational::from(&rho * 2u32) <= *lo) {
                return err("claim 'local-minimum-box' does not hold");
            }
        } else {
            // second-order-condition
            let wk: Vec<Float> = (0..2).map(|k| u[k].clone() * &d2[k][1]).collect();
            let ak: Vec<Float> = (0..2).map(|k| u[k].clone() * &d2[k][2] / 3u32).collect();
            let w2 = |k: usize| wk[k].clone() * &wk[k];
            let c26 = w2(0) + &ak[0];
            let t27 = [w2(0) * &ak[1], w2(1) * &ak[0], ak[0].clone() * &ak[1]];
            let c27 = t27[0].clone() + &t27[1] + &t27[2];
            if !positive(&c26, &mag(&[&w2(0), &ak[0]]))
                || !positive(&c27, &mag(&[&t27[0], &t27[1], &t27[2]]))
            {
                return err("claim 'second-order-condition' does not hold");
            }
            // local-minimum-box: the claim's bound with the ranges of h'…h'''' over v ± 2ρ
            // sampled and widened.
            if rho <= 0 {
                return err("claim 'local-minimum-box': ρ ≤ 0");
            }
            let mut a_iv = Vec::new();
            let mut d_iv = Vec::new();
            for k in 0..2 {
                // h, h', …, h⁽⁵⁾ on a grid of v_k ± 2ρ; the range of h⁽ʲ⁾ is the sampled one,
                // widened by the grid step times the largest sampled |h⁽ʲ⁺¹⁾| (twice the
                // sampling error for a derivative that varies little over one step).
                const N: u32 = 96;
                let step = rho_f.clone() * 4u32 / N;
                let mut samples: Vec<Vec<Float>> = vec![Vec::new(); 6];
                for i in 0..=N {
                    let t = v_at[k].clone() - rho_f.clone() * 2u32 + step.clone() * i;
                    let ds = ev
                        .derivs(&h, &t, 5)
                        .map_err(|e| format!("claim 'local-minimum-box': {e} on v ± 2ρ"))?;
                    for (col, dv) in samples.iter_mut().zip(ds) {
                        col.push(dv);
                    }
                }
                // On each grid segment h⁽ʲ⁾ stays within its endpoint values, widened by
                // step·max|h⁽ʲ⁺¹⁾| at the endpoints (twice the first-order bound) where h⁽ʲ⁺¹⁾
                // changes sign.
                let r: Vec<Iv> = (0..5)
                    .map(|j| {
                        let (f, df) = (&samples[j], &samples[j + 1]);
                        let mut lo: Option<Float> = None;
                        let mut hi: Option<Float> = None;
                        for i in 0..N as usize {
                            let slope = if df[i].clone().abs() > df[i + 1].clone().abs() {
                                df[i].clone().abs()
                            } else {
                                df[i + 1].clone().abs()
                            };
                            // h⁽ʲ⁺¹⁾ of one sign at both ends: h⁽ʲ⁾ taken as monotone on the
                            // segment (two sign changes within 1/96 of v ± 2ρ are not expected
                            // of these functions); else the first-order bound.
                            let monotone = df[i].cmp0() == df[i + 1].cmp0()
                                && df[i].cmp0() != Some(Ordering::Equal);
                            let slack = if monotone {
                                ev.f(0)
                            } else {
                                step.clone() * &slope
                            };
                            let (a, b) = if f[i] < f[i + 1] {
                                (&f[i], &f[i + 1])
                            } else {
                                (&f[i + 1], &f[i])
                            };
                            let l = a.clone() - &slack;
                            let h = b.clone() + &slack;
                            if lo.as_ref().is_none_or(|x| l < *x) {
                                lo = Some(l);
                            }
                            if hi.as_ref().is_none_or(|x| h > *x) {
                                hi = Some(h);
                            }
                        }
                        let (lo, hi) = (lo.unwrap(), hi.unwrap());
                        let (tl, th) = (
                            tol.clone() * lo.clone().abs(),
                            tol.clone() * hi.clone().abs(),
                        );
                        Iv::new(lo - &tl, hi + &th)
                    })
                    .collect();
                let c1 = r[3].scale(&(ev.f(1) / 24u32));
                let c2x4 = r[4].scale(&(ev.f(1) / 48u32));
                let s2 = Iv::new(ev.f(0), rho_f.clone() * &rho_f * 4u32);
                let wr = Iv::new(u[k].clone() - &rho_f, u[k].clone() + &rho_f);
                a_iv.push(wr.mul(&r[1].add(&c1.mul(&s2))));
                d_iv.push(wr.scale(&(ev.f(1) / 3u32)).mul(&r[2].add(&c2x4.mul(&s2))));
            }
            let diag = a_iv[0].sq().add(&d_iv[0]);
            let det = a_iv[0]
                .sq()
                .mul(&d_iv[1])
                .add(&a_iv[1].sq().mul(&d_iv[0]))
                .add(&d_iv[0].mul(&d_iv[1]));
            if !positive(&diag.lo, &diag.mlo) || !positive(&det.lo, &det.mlo) {
                return err("claim 'local-minimum-box': the bound is not positive on the box (sampled ranges)");
            }
        }
        // local-minimum-box, again: the loss itself on corners and random points of the box.
        let theta_hat: [Float; 9] = if relu_like {
            [
                v_at[0].clone(),
                v_at[0].clone(),
                v_at[1].clone(),
                v_at[1].clone(),
                ev.f(0),
                ev.f(0),
                u[0].clone(),
                u[1].clone(),
                ev.f(0),
            ]
        } else {
            [
                ev.f(0),
                ev.f(0),
                ev.f(0),
                ev.f(0),
                v_at[0].clone(),
                v_at[1].clone(),
                u[0].clone(),
                u[1].clone(),
                ev.f(0),
            ]
        };
        let loss = |t: &[Float; 9]| -> R<Float> {
            let xs = [
                [ev.f(1), ev.f(0)],
                [ev.f(0), ev.f(1)],
                [ev.f(1) / 2u32, ev.f(1) / 2u32],
            ];
            let ys = [0u32, 0, 1];
            let mut l = ev.f(0);
            for (x, y) in xs.iter().zip(ys) {
                let mut out = t[8].clone();
                for k in 0..2 {
                    let zk = t[2 * k].clone() * &x[0] + t[2 * k + 1].clone() * &x[1] + &t[4 + k];
                    out += t[6 + k].clone() * &hv(&zk)?;
                }
                let e = out - y;
                l += e.clone() * &e / 2u32;
            }
            Ok(l)
        };
        let mut rng = super::Rng::new(0xB0C5);
        for s in 0..64 {
            let t: [Float; 9] = std::array::from_fn(|i| {
                let r = if s < 32 {
                    if rng.one_in(2) {
                        ev.f(1)
                    } else {
                        ev.f(-1)
                    }
                } else {
                    ev.f(rng.below(2001) as i32 - 1000) / 1000u32
                };
                theta_hat[i].clone() + r * &rho_f
            });
            if loss(&t)? < third.clone() - &tol {
                return err("claim 'local-minimum-box': a point of the box has loss below 1/3");
            }
        }
        Ok(())
    }

    // ----- critical-point (numerical; gaussian-relu) -----

    pub const POINT: &str = "critical-point";

    /// Safran & Shamir's population loss `F(W) = ½ E(Σ_i relu(w_iᵀx) − Σ_j relu(v_jᵀx))²`,
    /// `x ~ N(0, I_k)`, through the kernel of the three scalars `a = ‖u‖²`, `b = ‖w‖²`,
    /// `c = uᵀw`: `κ = (S + (π − φ)c)/(2π)`, `S = √(ab − c²)`, `φ = arccos(c/√(ab))`, with its
    /// derivatives worked out here by hand (`κ_a = S/(4πa)`, `κ_c = (π − φ)/(2π)`,
    /// `κ_cc = 1/(2πS)`, `κ_ac = −c/(4πaS)`, `κ_aa = (2c² − ab)/(8πa²S)`, `κ_ab = 1/(8πS)`) and
    /// the chain rule, not the checker's geometric formulas. `θ[i·k + a]` is entry `a` of
    /// student `i` (column `i` of `W`).
    struct Gauss {
        k: usize,
        n: usize,
        teachers: Vec<Vec<Float>>,
        prec: u32,
        pi: Float,
    }

    /// One pair's gradient in `u`, and its second derivatives in rank-two form:
    /// `∂²κ/∂u² = 2κ_a I + 4κ_aa uuᵀ + 2κ_ac (uwᵀ + wuᵀ) + κ_cc wwᵀ = 2κ_a I + p uᵀ + q wᵀ` with
    /// `p = 4κ_aa u + 2κ_ac w`, `q = 2κ_ac u + κ_cc w`, and (rows `u`, columns `w`)
    /// `∂²κ/∂u∂w = κ_c I + 4κ_ab uwᵀ + 2κ_ac uuᵀ + 2κ_bc wwᵀ + κ_cc wuᵀ = κ_c I + u rᵀ + w sᵀ`
    /// with `r = 4κ_ab w + 2κ_ac u`, `s = 2κ_bc w + κ_cc u`.
    struct Pair {
        du: Vec<Float>,
        two_ka: Float,
        kc: Float,
        p: Vec<Float>,
        q: Vec<Float>,
        r: Vec<Float>,
        s: Vec<Float>,
    }

    /// What the oracle evaluates at one point: `F`, `∇F` and (if asked) `∇²F`.
    struct Eval {
        loss: Float,
        grad: Vec<Float>,
        hess: Option<Vec<Vec<Float>>>,
    }

    fn dotf(u: &[Float], w: &[Float], prec: u32) -> Float {
        let mut s = Float::with_val(prec, 0);
        for (x, y) in u.iter().zip(w) {
            s += Float::with_val(prec, x * y);
        }
        s
    }

    impl Gauss {
        fn zero(&self) -> Float {
            Float::with_val(self.prec, 0)
        }

        /// `κ(u, w)` for any vectors (0 when one is 0; parallel ones allowed).
        fn kappa(&self, u: &[Float], w: &[Float]) -> Float {
            let p = self.prec;
            let (a, b, c) = (dotf(u, u, p), dotf(w, w, p), dotf(u, w, p));
            if a.is_zero() || b.is_zero() {
                return self.zero();
            }
            let ab = Float::with_val(p, &a * &b);
            let s2 = Float::with_val(p, &ab - Float::with_val(p, &c * &c)).max(&self.zero());
            let cos = (Float::with_val(p, &c / ab.sqrt()))
                .clamp(&Float::with_val(p, -1), &Float::with_val(p, 1));
            let psi = Float::with_val(p, &self.pi - cos.acos());
            (s2.sqrt() + psi * &c) / Float::with_val(p, &self.pi * 2u32)
        }

        /// The derivatives of `κ(u, w)` in `u` (and `w`), or why they do not exist here.
        fn pair(&self, u: &[Float], w: &[Float], hess: bool) -> R<Pair> {
            let p = self.prec;
            let k = u.len();
            let (a, b, c) = (dotf(u, u, p), dotf(w, w, p), dotf(u, w, p));
            let ab = Float::with_val(p, &a * &b);
            let s2 = Float::with_val(p, &ab - Float::with_val(p, &c * &c));
            // Zero or parallel (within the working precision): no second derivatives.
            let floor = Float::with_val(p, &ab >> (p / 2));
            if a.is_zero() || b.is_zero() || s2 <= floor {
                return err("a zero vector or two parallel vectors");
            }
            let s = s2.sqrt();
            let cos = Float::with_val(p, &c / ab.clone().sqrt());
            let psi = Float::with_val(p, &self.pi - cos.acos());
            let two_pi = Float::with_val(p, &self.pi * 2u32);
            let four_pi = Float::with_val(p, &self.pi * 4u32);
            let ka = Float::with_val(p, &s / Float::with_val(p, &four_pi * &a));
            let kc = Float::with_val(p, &psi / &two_pi);
            let du: Vec<Float> = (0..k)
                .map(|x| Float::with_val(p, &ka * &u[x]) * 2u32 + Float::with_val(p, &kc * &w[x]))
                .collect();
            let two_ka = Float::with_val(p, &ka * 2u32);
            if !hess {
                return Ok(Pair {
                    du,
                    two_ka,
                    kc,
                    p: Vec::new(),
                    q: Vec::new(),
                    r: Vec::new(),
                    s: Vec::new(),
                });
            }
            let eight_pi = Float::with_val(p, &self.pi * 8u32);
            let kcc = Float::with_val(p, &two_pi * &s).recip();
            let kac = -Float::with_val(p, &c / Float::with_val(p, &four_pi * &a)) / &s;
            let kbc = -Float::with_val(p, &c / Float::with_val(p, &four_pi * &b)) / &s;
            let kaa = (Float::with_val(p, &c * &c) * 2u32 - &ab)
                / Float::with_val(p, &eight_pi * Float::with_val(p, &a * &a))
                / &s;
            let kab = Float::with_val(p, &eight_pi * &s).recip();
            // α x + β y, entrywise.
            let comb = |al: &Float, x: &[Float], be: &Float, y: &[Float]| -> Vec<Float> {
                x.iter()
                    .zip(y)
                    .map(|(xi, yi)| {
                        let mut t = Float::with_val(p, al * xi);
                        t += be * yi;
                        t
                    })
                    .collect()
            };
            let (kaa4, kac2, kab4, kbc2) = (kaa * 4u32, kac * 2u32, kab * 4u32, kbc * 2u32);
            Ok(Pair {
                p: comb(&kaa4, u, &kac2, w),
                q: comb(&kac2, u, &kcc, w),
                r: comb(&kab4, w, &kac2, u),
                s: comb(&kbc2, w, &kcc, u),
                du,
                two_ka,
                kc,
            })
        }

        fn students<'a>(&self, th: &'a [Float]) -> Vec<&'a [Float]> {
            (0..self.n)
                .map(|i| &th[i * self.k..(i + 1) * self.k])
                .collect()
        }

        /// `F` alone, anywhere (zero students and parallel vectors allowed).
        fn loss(&self, th: &[Float]) -> Float {
            let p = self.prec;
            let w = self.students(th);
            let mut f = self.zero();
            for (i, wi) in w.iter().enumerate() {
                f += dotf(wi, wi, p) / 4u32;
                for wj in &w[i + 1..] {
                    f += self.kappa(wi, wj);
                }
                for v in &self.teachers {
                    f -= self.kappa(wi, v);
                }
            }
            for (j, v) in self.teachers.iter().enumerate() {
                f += dotf(v, v, p) / 4u32;
                for v2 in &self.teachers[j + 1..] {
                    f += self.kappa(v, v2);
                }
            }
            f
        }

        fn eval(&self, th: &[Float], hess: bool) -> R<Eval> {
            let (k, p) = (self.k, self.prec);
            let w = self.students(th);
            let dim = k * self.n;
            let mut grad: Vec<Float> = th.iter().map(|x| Float::with_val(p, x / 2u32)).collect();
            let mut h = hess.then(|| {
                let mut h = vec![vec![self.zero(); dim]; dim];
                for (d, row) in h.iter_mut().enumerate() {
                    row[d] = Float::with_val(p, 0.5);
                }
                h
            });
            for (i, wi) in w.iter().enumerate() {
                let others = w
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(j, wj)| (Some(j), *wj));
                let teachers = self.teachers.iter().map(|v| (None, v.as_slice()));
                for (j, other) in others.chain(teachers) {
                    let pr = self.pair(wi, other, hess).map_err(|e| match j {
                        Some(j) => format!("students {} and {}: {e}", i + 1, j + 1),
                        None => format!("student {} and a teacher: {e}", i + 1),
                    })?;
                    let plus = j.is_some();
                    for (a, g) in pr.du.iter().enumerate() {
                        if plus {
                            grad[i * k + a] += g;
                        } else {
                            grad[i * k + a] -= g;
                        }
                    }
                    if let Some(h) = h.as_mut() {
                        for a in 0..k {
                            let row = &mut h[i * k + a];
                            for b in 0..k {
                                let d = &mut row[i * k + b];
                                if plus {
                                    *d += &pr.p[a] * &wi[b];
                                    *d += &pr.q[a] * &other[b];
                                } else {
                                    *d -= &pr.p[a] * &wi[b];
                                    *d -= &pr.q[a] * &other[b];
                                }
                            }
                            if plus {
                                row[i * k + a] += &pr.two_ka;
                            } else {
                                row[i * k + a] -= &pr.two_ka;
                            }
                            if let Some(j) = j {
                                for b in 0..k {
                                    let mut m = Float::with_val(p, &wi[a] * &pr.r[b]);
                                    m += &other[a] * &pr.s[b];
                                    if a == b {
                                        m += &pr.kc;
                                    }
                                    row[j * k + b] = m;
                                }
                            }
                        }
                    }
                }
            }
            Ok(Eval {
                loss: self.loss(th),
                grad,
                hess: h,
            })
        }
    }

    /// `x` solving `a x = b` (Gaussian elimination, partial pivoting), or `None` if a pivot
    /// vanishes relative to `tol`.
    fn solve(mut a: Vec<Vec<Float>>, mut b: Vec<Float>, tol: &Float) -> Option<Vec<Float>> {
        let n = b.len();
        let scale = a
            .iter()
            .flatten()
            .fold(Float::with_val(tol.prec(), 0), |m, x| {
                m.max(&Float::with_val(x.prec(), x.abs_ref()))
            });
        let floor = Float::with_val(tol.prec(), &scale * tol);
        for col in 0..n {
            let piv = (col..n).max_by(|&x, &y| {
                a[x][col]
                    .clone()
                    .abs()
                    .partial_cmp(&a[y][col].clone().abs())
                    .unwrap()
            })?;
            if a[piv][col].clone().abs() <= floor {
                return None;
            }
            a.swap(col, piv);
            b.swap(col, piv);
            let (top, rest) = a.split_at_mut(col + 1);
            let prow = &top[col];
            for (off, row) in rest.iter_mut().enumerate() {
                let f = Float::with_val(tol.prec(), &row[col] / &prow[col]);
                if f.is_zero() {
                    continue;
                }
                for c in col..n {
                    row[c] -= &f * &prow[c];
                }
                let t = Float::with_val(tol.prec(), &f * &b[col]);
                b[col + 1 + off] -= t;
            }
        }
        let mut x = vec![Float::with_val(tol.prec(), 0); n];
        for r in (0..n).rev() {
            let mut s = b[r].clone();
            for c in r + 1..n {
                s -= &a[r][c] * &x[c];
            }
            x[r] = s / &a[r][r];
        }
        Some(x)
    }

    /// Whether the symmetric `a` is positive definite: `LDLᵀ` without pivoting, every pivot above
    /// `tol` times the largest entry.
    fn positive_definite(mut a: Vec<Vec<Float>>, tol: &Float) -> bool {
        let n = a.len();
        let p = tol.prec();
        let scale = a.iter().flatten().fold(Float::with_val(p, 0), |m, x| {
            m.max(&Float::with_val(p, x.abs_ref()))
        });
        let floor = Float::with_val(p, &scale * tol);
        for col in 0..n {
            if a[col][col] <= floor {
                return false;
            }
            let (top, rest) = a.split_at_mut(col + 1);
            let prow = &top[col];
            for (off, row) in rest.iter_mut().enumerate() {
                // The upper triangle only: a[col][i] stands for a[i][col].
                let f = Float::with_val(p, &prow[col + 1 + off] / &prow[col]);
                for c in col + 1 + off..n {
                    row[c] -= &f * &prow[c];
                }
            }
        }
        true
    }

    /// What the oracle finds over the box for one problem, point, radius, verdict and direction
    /// (cached: mutations of the shift, the loss bounds and the precision reuse it).
    struct Analysis {
        prec: u32,
        /// `ℓ(θ*)` and `ℓ(θ̃)`.
        loss_star: Float,
        loss_tilde: Float,
        /// `Σ_i max |∂_iℓ|` over the samples.
        grad_sum: Float,
        /// Per diagonal entry the least and largest sampled value, and
        /// `Σ_{i≠j} ((max − min)/2)²` of the off-diagonal ones.
        diag_min: Vec<Float>,
        diag_max: Vec<Float>,
        off_half_sq: Float,
    }

    /// Newton's critical point (by problem and point) or the box analysis (by problem, point,
    /// radius, verdict and direction).
    enum Cached {
        Star(Vec<Float>, Float),
        Over(Analysis),
    }

    type Cache = std::collections::HashMap<String, R<std::sync::Arc<Cached>>>;

    fn cached(key: String, f: impl FnOnce() -> R<Cached>) -> R<std::sync::Arc<Cached>> {
        static C: std::sync::OnceLock<std::sync::Mutex<Cache>> = std::sync::OnceLock::new();
        let c = C.get_or_init(Default::default);
        if let Some(v) = c.lock().unwrap().get(&key) {
            return v.clone();
        }
        let v = f().map(std::sync::Arc::new);
        let mut c = c.lock().unwrap();
        if c.len() > 4000 {
            c.clear();
        }
        c.insert(key, v.clone());
        v
    }

    fn point(v: &Value) -> R<()> {
        let p = obj(
            &v["problem"],
            "problem",
            &["model", "loss", "teachers", "point"],
            &[],
        )?;
        if p["model"].as_str() != Some("gaussian-relu")
            || p["loss"].as_str() != Some("population-squared")
        {
            return err("problem: the oracle knows gaussian-relu / population-squared only");
        }
        obj(&p["point"], "problem.point", &["W"], &[])?;
        let wrows = arr(&p["point"]["W"], "W")?;
        let k = wrows.len();
        let n = wrows.first().and_then(Value::as_array).map_or(0, Vec::len);
        if k == 0 || n == 0 || k * n > 1000 {
            return err("problem.point.W: need 1 ≤ k·n ≤ 1000");
        }
        let wm = rmat(&p["point"]["W"], "W", k, n)?;
        let trows = arr(&p["teachers"], "teachers")?;
        if trows.is_empty() || trows.len() > 1000 {
            return err("teachers: need 1 to 1000");
        }
        let tm = rmat(&p["teachers"], "teachers", trows.len(), k)?;
        let t = tm.len();
        let wv = obj(
            &v["witness"],
            "witness",
            &["verdict", "precision"],
            &["radius", "shift", "direction", "loss_lower", "loss_upper"],
        )?;
        let verdict = wv["verdict"].as_str().ok_or("verdict")?;
        let minimum = verdict == "strict-local-minimum";
        let saddle = verdict == "saddle";
        if !(minimum || saddle || verdict == "not-critical") {
            return err("unknown verdict");
        }
        let bits = uint(&wv["precision"], "precision")?;
        if !(32..=4096).contains(&bits) {
            return err("precision out of range");
        }
        // One reading: exactly the fields of the verdict.
        for (name, wanted) in [
            ("radius", minimum || saddle),
            ("loss_lower", minimum || saddle),
            ("loss_upper", minimum || saddle),
            ("shift", minimum),
            ("direction", saddle),
        ] {
            if wv.contains_key(name) != wanted {
                return err(format!("witness.{name}: present iff the verdict uses it"));
            }
        }
        let spurious = minimum && t <= n;
        claims_are(
            &v["claims"],
            &critcert_check::point::claims(verdict, spurious),
        )?;
        // θ̃, student by student.
        let theta: Vec<Rational> = (0..n)
            .flat_map(|i| wm.iter().map(move |row| row[i].clone()))
            .collect();
        let dim = k * n;
        let direction = if saddle {
            let d = rvec(&wv["direction"], "direction", Some(dim))?;
            if d.iter().all(|x| *x == 0) {
                return err("claim 'negative-curvature': the direction is 0");
            }
            Some(d)
        } else {
            None
        };
        let qbits = |q: &Rational| q.numer().significant_bits() + q.denom().significant_bits();
        let radius = if minimum || saddle {
            let r = rat(&wv["radius"], "radius")?;
            if r <= 0 {
                return err("witness.radius: not positive");
            }
            Some(r)
        } else {
            None
        };
        let maxbits = theta
            .iter()
            .chain(tm.iter().flatten())
            .chain(radius.iter())
            .chain(direction.iter().flatten())
            .map(qbits)
            .max()
            .unwrap_or(0);
        // Inputs beyond the precision are rounded: 2^-P relative, far below the tolerance.
        let prec = 256 + maxbits.min(768);
        let g = Gauss {
            k,
            n,
            teachers: tm
                .iter()
                .map(|r| r.iter().map(|x| Float::with_val(prec, x)).collect())
                .collect(),
            prec,
            pi: Float::with_val(prec, Constant::Pi),
        };
        let tol = Float::with_val(prec, Float::i_exp(1, -(prec as i32 / 2)));
        let th: Vec<Float> = theta.iter().map(|x| Float::with_val(prec, x)).collect();
        let Some(r) = radius else {
            // not-critical: the gradient at θ̃ exists and an entry of it is not 0.
            let e = g
                .eval(&th, false)
                .map_err(|e| format!("claim 'not-critical': no gradient at θ̃ ({e})"))?;
            let big = e.grad.iter().any(|x| x.clone().abs() > tol);
            return if big {
                Ok(())
            } else {
                err("claim 'not-critical': every gradient entry at θ̃ is 0 to the oracle's precision")
            };
        };
        let key = serde_json::json!([
            p["teachers"],
            p["point"],
            wv["radius"],
            verdict,
            wv.get("direction")
        ])
        .to_string();
        let star = cached(
            serde_json::json!([p["teachers"], p["point"], prec]).to_string(),
            || newton(&g, &th, &tol).map(|(x, l)| Cached::Star(x, l)),
        )?;
        let Cached::Star(x_star, loss_star) = &*star else {
            unreachable!()
        };
        let a = cached(key, || {
            analyse(&g, &th, (x_star, loss_star), &r, direction.as_deref(), &tol).map(Cached::Over)
        })?;
        let Cached::Over(a) = &*a else { unreachable!() };
        let prec = a.prec;
        let fq = |q: &Rational| Float::with_val(prec, q);
        let lo = fq(&rat(&wv["loss_lower"], "loss_lower")?);
        let hi = fq(&rat(&wv["loss_upper"], "loss_upper")?);
        // loss-enclosure: ℓ(θ*) ∈ [lo, hi], and [lo, hi] ⊇ ℓ(θ̃) + ∇ℓ(B)·[−r, r]^p, of which the
        // sampled gradients give an inner estimate.
        let spread = Float::with_val(prec, &a.grad_sum * &fq(&r));
        let inner_lo = Float::with_val(prec, &a.loss_tilde - &spread);
        let inner_hi = Float::with_val(prec, &a.loss_tilde + &spread);
        if Float::with_val(prec, &lo + &tol) >= a.loss_star
            || Float::with_val(prec, &a.loss_star + &tol) >= hi
        {
            return err(format!(
                "claim 'loss-enclosure': ℓ(θ*) ≈ {} is not inside [loss_lower, loss_upper] = [{}, {}]",
                a.loss_star.to_f64(),
                lo.to_f64(),
                hi.to_f64()
            ));
        }
        if Float::with_val(prec, &lo + &tol) >= inner_lo
            || Float::with_val(prec, &inner_hi + &tol) >= hi
        {
            return err(format!(
                "claim 'loss-enclosure': [loss_lower, loss_upper] does not contain ℓ(θ̃) ± r·Σ max|∂ℓ| sampled over B = [{}, {}]",
                inner_lo.to_f64(),
                inner_hi.to_f64()
            ));
        }
        if minimum {
            // positive-definite: sampled definiteness is in `analyse`; here the shift. The
            // enclosure's radius matrix covers every sampled Hessian around its midpoint, and
            // mid_ii > s: rad_ij ≥ (max − min)/2, rad_ii ≥ max((max − min)/2, s − min); the
            // claim needs ‖rad‖_F < s.
            let s = fq(&rat(&wv["shift"], "shift")?);
            if s.cmp0() != Some(Ordering::Greater) {
                return err("claim 'positive-definite': the shift is not positive");
            }
            let mut rad2 = a.off_half_sq.clone();
            for (m, mx) in a.diag_min.iter().zip(&a.diag_max) {
                let half = Float::with_val(prec, mx - m) / 2u32;
                let below = Float::with_val(prec, &s - m);
                let ri = half.max(&below);
                rad2 += Float::with_val(prec, &ri * &ri);
            }
            if Float::with_val(prec, &rad2 + &tol) >= Float::with_val(prec, &s * &s) {
                return err(format!(
                    "claim 'positive-definite': the sampled Hessians need ‖rad‖_F ≥ {} with mid − sI definite, not below s = {}",
                    rad2.sqrt().to_f64(),
                    s.to_f64()
                ));
            }
        }
        if spurious {
            if lo.cmp0() != Some(Ordering::Greater) {
                return err("claim 'spurious': loss_lower is not positive");
            }
            // The teacher: a student per teacher, the others 0.
            let mut at: Vec<Float> = vec![Float::with_val(g.prec, 0); dim];
            for (j, v) in g.teachers.iter().enumerate() {
                at[j * k..(j + 1) * k].clone_from_slice(v);
            }
            if g.loss(&at).abs() > tol {
                return err("claim 'spurious': the loss at the teacher is not 0");
            }
        }
        Ok(())
    }

    /// The critical point `θ*` near `θ̃` by Newton's method, with `ℓ(θ*)` (independent of the
    /// radius: cached by problem and point).
    fn newton(g: &Gauss, th: &[Float], tol: &Float) -> R<(Vec<Float>, Float)> {
        let prec = g.prec;
        let mut x: Vec<Float> = th.to_vec();
        let fine = Float::with_val(prec, Float::i_exp(1, -(prec as i32 * 3 / 4)));
        let far = th.iter().fold(Float::with_val(prec, 1), |m, t| {
            m.max(&Float::with_val(prec, t.abs_ref()))
        });
        for _ in 0..40 {
            let e = g
                .eval(&x, true)
                .map_err(|e| format!("claim 'unique-critical-point': on Newton's path, {e}"))?;
            let step = solve(e.hess.unwrap(), e.grad, tol).ok_or(
                "claim 'unique-critical-point': a singular Hessian on Newton's path".to_string(),
            )?;
            let mut big = Float::with_val(prec, 0);
            for (xi, si) in x.iter_mut().zip(&step) {
                *xi -= si;
                big = big.max(&Float::with_val(prec, si.abs_ref()));
            }
            if big <= fine {
                let at = g
                    .eval(&x, false)
                    .map_err(|e| format!("claim 'unique-critical-point': {e}"))?;
                if at.grad.iter().any(|gi| gi.clone().abs() > *tol) {
                    break;
                }
                return Ok((x, at.loss));
            }
            if x.iter()
                .zip(th)
                .any(|(a, b)| Float::with_val(prec, a - b).abs() > far)
            {
                break;
            }
        }
        err("claim 'unique-critical-point': Newton's method from θ̃ does not converge")
    }

    /// The box analysis: smoothness on `B` (rigorous up to rounding), the critical point by
    /// Newton's method, and the sampled Hessians (definite for a minimum; for a saddle
    /// `dᵀHd < 0` and a positive diagonal entry), at `θ̃`, `θ*`, 8 corners and 4 random points.
    fn analyse(
        g: &Gauss,
        th: &[Float],
        (x, loss_star): (&[Float], &Float),
        r: &Rational,
        direction: Option<&[Rational]>,
        tol: &Float,
    ) -> R<Analysis> {
        let (k, n, prec) = (g.k, g.n, g.prec);
        let rf = Float::with_val(prec, r);
        // smooth-box. Student i ranges over a box inside the ball of radius ρ = √k·r around
        // w̃_i, so its angle with w̃_i is at most β_i = asin(ρ/‖w̃_i‖) (and it is never 0 when
        // ρ < ‖w̃_i‖); two vectors cannot become parallel while the angle between their
        // centres stays more than β_i + β_j away from 0 and π.
        let rho = Float::with_val(prec, &rf * Float::with_val(prec, k).sqrt());
        let w = g.students(th);
        let mut beta = Vec::with_capacity(n);
        for (i, wi) in w.iter().enumerate() {
            let nw = dotf(wi, wi, prec).sqrt();
            if Float::with_val(prec, &rho + tol) >= nw {
                return err(format!(
                    "claim 'smooth-box': student {} may be 0 on B (‖w̃‖ ≤ √k·r)",
                    i + 1
                ));
            }
            beta.push((Float::with_val(prec, &rho / &nw).asin(), nw));
        }
        for (j, v) in g.teachers.iter().enumerate() {
            if dotf(v, v, prec).is_zero() {
                return err(format!(
                    "claim 'smooth-box': teacher {} is 0 (parallel to every vector)",
                    j + 1
                ));
            }
        }
        let zero = Float::with_val(prec, 0);
        let apart = |u: &[Float], nu: &Float, w: &[Float], bu: &Float, bw: &Float| {
            let nw = dotf(w, w, prec).sqrt();
            let cos = (dotf(u, w, prec) / Float::with_val(prec, nu * &nw))
                .clamp(&Float::with_val(prec, -1), &Float::with_val(prec, 1));
            let ang = cos.acos();
            let other = Float::with_val(prec, &g.pi - &ang);
            let least = ang.min(&other);
            least > Float::with_val(prec, bu + bw) + tol
        };
        for i in 0..n {
            for j in i + 1..n {
                if !apart(w[i], &beta[i].1, w[j], &beta[i].0, &beta[j].0) {
                    return err(format!(
                        "claim 'smooth-box': students {} and {} may be parallel on B",
                        i + 1,
                        j + 1
                    ));
                }
            }
            for (j, v) in g.teachers.iter().enumerate() {
                if !apart(w[i], &beta[i].1, v, &beta[i].0, &zero) {
                    return err(format!(
                        "claim 'smooth-box': student {} and teacher {} may be parallel on B",
                        i + 1,
                        j + 1
                    ));
                }
            }
        }
        // unique-critical-point: the critical point from Newton's method, inside B.
        let dim = k * n;
        let limit = Float::with_val(prec, &rf - Float::with_val(prec, &rf * tol));
        if x.iter()
            .zip(th)
            .any(|(a, b)| Float::with_val(prec, a - b).abs() >= limit)
        {
            return err("claim 'unique-critical-point': the critical point Newton's method finds is not inside B");
        }
        // The samples.
        let mut rng = super::Rng::new(0xC0FFEE ^ dim as u64);
        let mut samples: Vec<Vec<Float>> = vec![th.to_vec(), x.to_vec()];
        for s in 0..12 {
            samples.push(
                th.iter()
                    .map(|c| {
                        let u = if s < 8 {
                            Float::with_val(prec, if rng.one_in(2) { 1 } else { -1 })
                        } else {
                            Float::with_val(prec, rng.below(2001) as i32 - 1000) / 1000u32
                        };
                        Float::with_val(prec, c + u * &rf)
                    })
                    .collect(),
            );
        }
        let d: Option<Vec<Float>> =
            direction.map(|d| d.iter().map(|q| Float::with_val(prec, q)).collect());
        let mut gmax = vec![Float::with_val(prec, 0); dim];
        let mut hmin: Vec<Vec<Float>> = Vec::new();
        let mut hmax: Vec<Vec<Float>> = Vec::new();
        let mut up: Vec<bool> = vec![true; dim];
        let mut loss_tilde = Float::with_val(prec, 0);
        for (si, s) in samples.iter().enumerate() {
            let e = g
                .eval(s, true)
                .map_err(|e| format!("claim 'smooth-box': at a sample of B, {e}"))?;
            if si == 0 {
                loss_tilde = e.loss.clone();
            }
            let h = e.hess.unwrap();
            for (m, gi) in gmax.iter_mut().zip(&e.grad) {
                *m = m.clone().max(&Float::with_val(prec, gi.abs_ref()));
            }
            if hmin.is_empty() {
                hmin = h.clone();
                hmax = h.clone();
            } else {
                for a in 0..dim {
                    for b in 0..dim {
                        if h[a][b] < hmin[a][b] {
                            hmin[a][b] = h[a][b].clone();
                        }
                        if h[a][b] > hmax[a][b] {
                            hmax[a][b] = h[a][b].clone();
                        }
                    }
                }
            }
            for (a, u) in up.iter_mut().enumerate() {
                *u = *u && h[a][a] > *tol;
            }
            match &d {
                None => {
                    if !positive_definite(h, tol) {
                        return err(format!(
                            "claim 'positive-definite': the Hessian at sample {si} of B is not positive definite"
                        ));
                    }
                }
                Some(d) => {
                    let mut q = Float::with_val(prec, 0);
                    for a in 0..dim {
                        q += Float::with_val(prec, &d[a] * dotf(&h[a], d, prec));
                    }
                    if q >= Float::with_val(prec, -tol) {
                        return err(format!(
                            "claim 'negative-curvature': dᵀHd ≥ 0 at sample {si} of B"
                        ));
                    }
                    if solve(h, vec![Float::with_val(prec, 0); dim], tol).is_none() {
                        return err(format!(
                            "claim 'unique-critical-point': the Hessian at sample {si} of B is singular"
                        ));
                    }
                }
            }
        }
        if d.is_some() && !up.iter().any(|u| *u) {
            return err("claim 'negative-curvature': no diagonal entry of the Hessian is positive at every sample");
        }
        let mut off_half_sq = Float::with_val(prec, 0);
        for a in 0..dim {
            for b in 0..dim {
                if a != b {
                    let half = Float::with_val(prec, &hmax[a][b] - &hmin[a][b]) / 2u32;
                    off_half_sq += Float::with_val(prec, &half * &half);
                }
            }
        }
        Ok(Analysis {
            prec,
            loss_star: loss_star.clone(),
            loss_tilde,
            grad_sum: gmax
                .into_iter()
                .fold(Float::with_val(prec, 0), |s, x| s + x),
            diag_min: (0..dim).map(|a| hmin[a][a].clone()).collect(),
            diag_max: (0..dim).map(|a| hmax[a][a].clone()).collect(),
            off_half_sq,
        })
    }

    /// See `point_oracle_derivatives_agree_with_differences`.
    pub fn check_derivatives(path: &std::path::Path) {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let prec = 256;
        let q =
            |x: &Value| Float::with_val(prec, &canonical_rational(x.as_str().unwrap()).unwrap());
        let wm = v["problem"]["point"]["W"].as_array().unwrap();
        let (k, n) = (wm.len(), wm[0].as_array().unwrap().len());
        let g = Gauss {
            k,
            n,
            teachers: v["problem"]["teachers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_array().unwrap().iter().map(q).collect())
                .collect(),
            prec,
            pi: Float::with_val(prec, Constant::Pi),
        };
        let th: Vec<Float> = (0..n)
            .flat_map(|i| (0..k).map(move |a| (a, i)))
            .map(|(a, i)| q(&wm[a][i]))
            .collect();
        let e = g.eval(&th, true).unwrap();
        let h = e.hess.unwrap();
        let step = Float::with_val(prec, Float::i_exp(1, -40));
        let mut worst_h = 0f64;
        let mut worst_g = 0f64;
        for j in 0..th.len() {
            let mut plus = th.clone();
            let mut minus = th.clone();
            plus[j] += &step;
            minus[j] -= &step;
            let (ep, em) = (
                g.eval(&plus, false).unwrap(),
                g.eval(&minus, false).unwrap(),
            );
            let dl =
                Float::with_val(prec, &ep.loss - &em.loss) / Float::with_val(prec, &step * 2u32);
            worst_g = worst_g.max((dl - &e.grad[j]).to_f64().abs());
            for ((gp, gm), row) in ep.grad.iter().zip(&em.grad).zip(&h) {
                let dg = Float::with_val(prec, gp - gm) / Float::with_val(prec, &step * 2u32);
                worst_h = worst_h.max((dg - &row[j]).to_f64().abs());
            }
        }
        assert!(
            worst_g < 1e-20 && worst_h < 1e-20,
            "gradient {worst_g:e}, Hessian {worst_h:e}"
        );
        eprintln!("oracle derivatives: gradient within {worst_g:e}, Hessian within {worst_h:e} of differences");
    }

    /// The inertia `[n+, n0, n−]` of a symmetric matrix by elimination with 1×1 and 2×2 pivots,
    /// entries below `tol` counting as 0.
    fn inertia_of(mut a: Vec<Vec<Float>>, tol: &Float) -> [usize; 3] {
        let n = a.len();
        let mut alive: Vec<usize> = (0..n).collect();
        let (mut pos, mut neg) = (0, 0);
        loop {
            let best = alive.iter().copied().max_by(|&i, &j| {
                a[i][i]
                    .clone()
                    .abs()
                    .partial_cmp(&a[j][j].clone().abs())
                    .unwrap()
            });
            if let Some(i) = best.filter(|&i| a[i][i].clone().abs() > *tol) {
                alive.retain(|&r| r != i);
                let d = a[i][i].clone();
                if d.cmp0() == Some(Ordering::Greater) {
                    pos += 1;
                } else {
                    neg += 1;
                }
                for &r in &alive {
                    let f = a[r][i].clone() / &d;
                    for &c in &alive {
                        let t = f.clone() * &a[i][c];
                        a[r][c] -= t;
                    }
                }
                continue;
            }
            let mut pair = None;
            for (x, &i) in alive.iter().enumerate() {
                for &j in &alive[x + 1..] {
                    if a[i][j].clone().abs() > *tol {
                        pair = Some((i, j));
                        break;
                    }
                }
                if pair.is_some() {
                    break;
                }
            }
            let Some((i, j)) = pair else { break };
            pos += 1;
            neg += 1;
            alive.retain(|&r| r != i && r != j);
            let (aii, ajj, aij) = (a[i][i].clone(), a[j][j].clone(), a[i][j].clone());
            let det = aii.clone() * &ajj - aij.clone() * &aij;
            for &r in &alive {
                for &c in &alive {
                    // [a_ri a_rj] B⁻¹ [a_ic; a_jc], B⁻¹ = [[ajj, −aij], [−aij, aii]]/det.
                    let t = (a[r][i].clone() * &ajj * &a[i][c]
                        - a[r][i].clone() * &aij * &a[j][c]
                        - a[r][j].clone() * &aij * &a[i][c]
                        + a[r][j].clone() * &aii * &a[j][c])
                        / &det;
                    a[r][c] -= t;
                }
            }
        }
        [pos, n - pos - neg, neg]
    }
}

/// The oracle's own Hessian of the Safran–Shamir loss against central differences of its
/// gradient, and its gradient against differences of its loss, at a committed point; then the
/// `critical-point` oracle on false variants of committed certificates (each must be refused).
#[test]
fn point_oracle_derivatives_agree_with_differences() {
    oracle::check_derivatives(&proofs_dir().join("safran-shamir/ss-6-6-0.json"));
    // False variants of a committed certificate: the oracle must object to each.
    let path = proofs_dir().join("safran-shamir/ss-6-6-0.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    oracle::judge(oracle::POINT, &v).unwrap();
    let claims =
        |verdict: &str| serde_json::to_value(critcert_check::point::claims(verdict, false));
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "an empty loss interval",
            Box::new(|v| v["witness"]["loss_upper"] = v["witness"]["loss_lower"].clone()),
        ),
        (
            "loss_lower = 0",
            Box::new(|v| v["witness"]["loss_lower"] = "0".into()),
        ),
        (
            "radius 1 (a student may be 0)",
            Box::new(|v| v["witness"]["radius"] = "1".into()),
        ),
        (
            "radius 10⁻³⁰ (θ* outside)",
            Box::new(|v| v["witness"]["radius"] = "1/1000000000000000000000000000000".into()),
        ),
        (
            "shift 10",
            Box::new(|v| v["witness"]["shift"] = "10".into()),
        ),
        ("shift 1", Box::new(|v| v["witness"]["shift"] = "1".into())),
        (
            "θ̃ moved by 1/100",
            Box::new(|v| {
                let x =
                    canonical_rational(v["problem"]["point"]["W"][0][0].as_str().unwrap()).unwrap();
                v["problem"]["point"]["W"][0][0] =
                    (x + Rational::from((1, 100))).to_string().into();
            }),
        ),
        (
            "a teacher scaled",
            Box::new(|v| v["problem"]["teachers"][0][0] = "2".into()),
        ),
        (
            "a saddle",
            Box::new(move |v| {
                let w = v["witness"].as_object_mut().unwrap();
                w.remove("shift");
                w.insert("verdict".into(), "saddle".into());
                w.insert("direction".into(), serde_json::json!(vec!["1"; 36]));
                v["claims"] = claims("saddle").unwrap();
            }),
        ),
    ];
    let path = proofs_dir().join("safran-shamir/saddle-3-3.json");
    let saddle: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    oracle::judge(oracle::POINT, &saddle).unwrap();
    let saddle_cases: Vec<(&str, Edit)> = vec![
        (
            "a saddle's direction along one coordinate",
            Box::new(|v| {
                let mut d = vec!["0"; 9];
                d[0] = "1";
                v["witness"]["direction"] = serde_json::json!(d);
            }),
        ),
        (
            "a saddle called a minimum",
            Box::new(move |v| {
                let w = v["witness"].as_object_mut().unwrap();
                w.remove("direction");
                w.insert("verdict".into(), "strict-local-minimum".into());
                w.insert("shift".into(), "1/1000000".into());
                v["claims"] = serde_json::to_value(critcert_check::point::claims(
                    "strict-local-minimum",
                    true,
                ))
                .unwrap();
            }),
        ),
    ];
    let all = cases
        .into_iter()
        .map(|(w, f)| (w, f, &v))
        .chain(saddle_cases.into_iter().map(|(w, f)| (w, f, &saddle)));
    for (what, f, v) in all {
        let mut m = v.clone();
        f(&mut m);
        let r = oracle::judge(oracle::POINT, &m);
        assert!(r.is_err(), "the oracle passes a false certificate: {what}");
        eprintln!("{what}: {}", r.unwrap_err());
    }
}
