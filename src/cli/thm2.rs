//! `critcert thm2`: Theorem 2 / Corollary 3 for one activation.

use super::{print_json, show, write_out};
use critcert::cert::thm2::{Coef, Entry, Real};
use critcert::cert::to_json;
use critcert::cert::value::V;
use critcert::model::parse_activation;
use critcert::theorems::thm2::certify;
use critcert::Result;
use serde_json::json;
use std::path::PathBuf;

/// Arguments of `critcert thm2`.
#[derive(clap::Args)]
pub struct Args {
    /// The activation: sigmoid, tanh, arctan, elu, selu, softplus, gelu, silu, quadratic, relu,
    /// leaky-relu, relu-like:A:B (s+ = A, s- = B), erf, mish, softsign, or a formula in x such as
    /// "x*tanh(ln(1 + exp(x)))" (numbers are then searched for).
    #[arg(long, value_name = "NAME")]
    activation: String,
    /// MPFR precision of the interval computations, in bits (32..=4096).
    #[arg(long, value_name = "BITS", default_value_t = 128)]
    precision: u32,
    /// Write the certificate here (atomically).
    #[arg(long, value_name = "CERT.json")]
    out: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

fn real(x: &Real) -> String {
    match x {
        Real::Rational(s) => s.clone(),
        Real::Log(l) => match &l.times {
            Some(c) => format!("{c}·ln({})", l.ln),
            None => format!("ln({})", l.ln),
        },
    }
}

fn entry(e: &Entry) -> String {
    match e {
        Entry::Value(x) => real(x),
        Entry::Root(r) => format!(
            "(the root of h(v1)h(x) = h(v2)h(v3) in [{}, {}])",
            r.bracket[0], r.bracket[1]
        ),
    }
}

fn value(v: &V) -> String {
    match v {
        V::E(q) => show(q),
        V::N(i) => format!("∈ {}", i.show(12)),
    }
}

/// Runs `critcert thm2`.
pub fn run(args: Args) -> Result<i32> {
    let act = parse_activation(&args.activation)?;
    let res = certify(&act, args.precision)?;
    write_out(args.out.as_deref(), &to_json(&res.certificate))?;
    let w = &res.certificate.witness;
    let zv: Vec<String> = w.zero_loss.v.iter().map(entry).collect();
    let mv: Vec<String> = w.minimum.v.iter().map(real).collect();
    let u1 = real(&w.minimum.u1);
    let u2 = match &w.minimum.u2 {
        Coef::Value(x) => real(x),
        Coef::Solve(_) => format!("(1/3 − u1·h(v1))/h(v2) {}", value(&res.u2)),
    };
    let name = match &res.certificate.problem.activation {
        a if a.name == "relu-like" => format!(
            "relu-like(s+ = {}, s- = {})",
            a.s_plus.as_deref().unwrap_or("?"),
            a.s_minus.as_deref().unwrap_or("?")
        ),
        a if a.name == "formula" => a.formula.clone().unwrap_or_default(),
        a => a.name.clone(),
    };
    let minimum_form = if name.starts_with("relu-like") {
        format!("W1 = [[{0}, {0}], [{1}, {1}]], b1 = 0", mv[0], mv[1])
    } else {
        format!("W1 = 0, b1 = ({}, {})", mv[0], mv[1])
    };
    if args.json {
        print_json(&json!({
            "certified": true,
            "kind": res.certificate.kind,
            "activation": name,
            "precision": args.precision,
            "zero_loss_point": {
                "W1": [[zv[0], zv[1]], [zv[2], zv[3]]],
                "b1": ["0", "0"],
                "W2": [value(&res.zero_loss_w2[0]), value(&res.zero_loss_w2[1])],
                "b2": "0",
                "loss": "0",
            },
            "minimum": {
                "form": minimum_form,
                "v": mv,
                "u1": u1,
                "u2": u2,
                "loss": "1/3",
            },
            "radius": res.radius.to_string(),
            "derivatives": res.derivation.as_ref().map(|d| json!({
                "h": d.text[0], "h'": d.text[1], "h''": d.text[2], "egraph": d.stats,
            })),
            "hessian_inertia": res.inertia,
            "claims": res.report.claims,
            "certificate": args.out.as_ref().map(|p| p.display().to_string()),
        }))?;
    } else {
        println!(
            "certified: spurious local minimum (Theorem 2) for h = {}, 2-2-1 network on X = [[1,0],[0,1],[1/2,1/2]], Y = [0,0,1]",
            critcert::error::one_line(&name)
        );
        println!(
            "  zero-loss point    W1 = [[{}, {}], [{}, {}]], b1 = 0, W2 = ({}, {}), b2 = 0; loss 0",
            zv[0],
            zv[1],
            zv[2],
            zv[3],
            value(&res.zero_loss_w2[0]),
            value(&res.zero_loss_w2[1])
        );
        println!(
            "  spurious minimum   {minimum_form}, W2 = (u1, u2) = ({u1}, {u2}), b2 = 0; loss 1/3"
        );
        println!(
            "  certified box      ‖θ − θ̂‖_max ≤ ρ = {}",
            show(&res.radius)
        );
        if let Some(d) = &res.derivation {
            println!(
                "  e-graph derivation h'(x) = {}; h''(x) = {} ({} nodes, {} classes, {} iterations; used by the number search)",
                d.text[1], d.text[2], d.stats.nodes, d.stats.classes, d.stats.iterations
            );
        }
        match res.inertia {
            Some(i) => println!("  Hessian inertia    {i} (exact): the second-order test is inconclusive"),
            None => println!("  Hessian inertia    not computed (h, h', h'' at the minimum are not all rational)"),
        }
        for c in &res.report.claims {
            println!("  {:<22} {}", c.id, c.evidence);
        }
        if let Some(p) = &args.out {
            println!(
                "  certificate        {}",
                critcert::error::escape(&p.display().to_string())
            );
        }
    }
    Ok(0)
}
