//! `critcert derive`: exact gradient and Hessian of a one-hidden-layer network's loss on a CSV
//! dataset, derived in an e-graph, optionally at a point and modulo relations.

use super::print_json;
use critcert::error::clip;
use critcert::expr::at::{parse_point, parse_relation, INERTIA_LIMIT};
use critcert::expr::build::{one_hidden_layer_loss, Activation};
use critcert::expr::{derive_observed, print, Builder, Event, Limits, Names, Observer, Poly};
use critcert::io::read_text;
use critcert::model::dataset::DEFAULT_MEMORY_LIMIT_MB;
use critcert::model::read_csv;
use critcert::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::rc::Rc;

/// Arguments of `critcert derive`.
#[derive(clap::Args)]
pub struct Args {
    /// The dataset: CSV with a header line; the last column is y unless --target names another.
    #[arg(long, value_name = "FILE.csv")]
    data: PathBuf,
    /// Hidden width d1.
    #[arg(long, value_name = "N")]
    width: usize,
    /// The activation: `h` (abstract), a name (sigmoid, tanh, arctan, erf, softplus, gelu, elu,
    /// relu, leaky-relu, quadratic) or a formula in x such as "x + x^2/3".
    #[arg(long, value_name = "NAME|h|FORMULA")]
    activation: String,
    /// Name of the target column (default: the last column).
    #[arg(long, value_name = "COL")]
    target: Option<String>,
    /// Differentiate only by these parameters, separated by spaces or semicolons
    /// (e.g. "b1[1]; W2[1,1]"); default: all, in the order W1, b1, W2, b2.
    #[arg(long, value_name = "PARAMS")]
    wrt: Option<String>,
    /// Also print the Hessian (each distinct entry once) and, when it is rational, its exact
    /// inertia.
    #[arg(long)]
    hessian: bool,
    /// Substitute a point: a JSON object mapping parameter names to rationals ("1/3") or to
    /// symbols ("v1").
    #[arg(long, value_name = "POINT.json")]
    at: Option<PathBuf>,
    /// Rewrite by a relation "PRODUCT = EXPR" over parameters and symbols (repeatable), e.g.
    /// "u2*h(v2) = 1/3 - u1*h(v1)" or "h'(v1) = 3/16".
    #[arg(long, value_name = "RELATION")]
    assume: Vec<String>,
    /// Maximum number of e-graph iterations (a run that hits it is an error).
    #[arg(long, value_name = "N", default_value_t = Limits::default().iter_limit)]
    iter_limit: usize,
    /// Maximum number of e-nodes (a run that hits it is an error).
    #[arg(long, value_name = "N", default_value_t = Limits::default().node_limit)]
    node_limit: usize,
    /// Print each entry in factored (Horner) form instead of the canonical sum of products.
    #[arg(long)]
    factored: bool,
    /// Print LaTeX instead of plain text.
    #[arg(long, conflicts_with = "json")]
    latex: bool,
    /// Print JSON: per entry the canonical expression and, when rational, its exact value.
    #[arg(long)]
    json: bool,
    /// Refuse datasets whose exact coefficients are estimated to need more than this many MB.
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MEMORY_LIMIT_MB)]
    memory_limit: u64,
}

/// How many e-nodes a derivation needs per node of the loss expression, at least (measured:
/// 10–13 for the gradient, 28–40 with the Hessian): used to refuse up front a derivation that
/// cannot fit in `--node-limit`.
const GROWTH_GRADIENT: u128 = 8;
const GROWTH_HESSIAN: u128 = 24;

/// Checks, before the loss is built, that the network and its derivatives fit the e-graph's
/// node limit: every parameter, gradient entry and Hessian entry is at least one e-node, and
/// each point contributes `width × (2·dx + size of h)` nodes to the loss.
fn check_size(args: &Args, m: usize, dx: usize, act_nodes: usize) -> Result<()> {
    let limit = args.node_limit as u128;
    let raise = "raise --node-limit (the derivation then takes longer), or use fewer points or a smaller width";
    let params = (args.width as u128) * (dx as u128 + 2) + 1;
    let entries = if args.hessian {
        params * (params + 1) / 2 + params
    } else {
        params
    };
    if entries > limit {
        return Err(Error::Input(format!(
            "--width {}: {params} parameters (W1, b1, W2, b2 with {dx} input(s)) need {entries} derivative entries{}, above --node-limit {limit}; {raise}",
            args.width,
            if args.hessian { " with the Hessian" } else { "" }
        )));
    }
    let per_point = (args.width as u128) * (2 * dx as u128 + act_nodes as u128 + 4) + 4;
    let nodes = per_point * m as u128;
    let growth = if args.hessian {
        GROWTH_HESSIAN
    } else {
        GROWTH_GRADIENT
    };
    if nodes.saturating_mul(growth) > limit {
        return Err(Error::Input(format!(
            "{}: the loss on {m} points at width {} has about {nodes} expression nodes; deriving it{} needs about {} e-nodes, above --node-limit {limit}; {raise}",
            args.data.display(),
            args.width,
            if args.hessian { " with the Hessian" } else { "" },
            nodes.saturating_mul(growth)
        )));
    }
    Ok(())
}

/// A progress display on stderr while the derivation runs (hidden when stderr is not a
/// terminal): the saturation rounds and e-graph size, then the entries put in canonical form.
fn progress() -> (ProgressBar, Observer) {
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new_spinner();
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(std::time::Duration::from_millis(200));
        b.set_message("derive: building the e-graph");
        b
    } else {
        ProgressBar::hidden()
    };
    let shown = bar.clone();
    let observer: Observer = Rc::new(RefCell::new(move |e: Event| match e {
        Event::Iteration { iteration, nodes } => {
            shown.set_message(format!("derive: e-graph round {iteration}, {nodes} nodes"))
        }
        Event::Extracted { done, total } => {
            shown.set_message(format!("derive: canonical forms {done}/{total}"))
        }
    }));
    (bar, observer)
}

fn parse_wrt(text: &str, names: &Names, params: &[u32]) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    for t in text
        .split([';', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        match names.get(t).filter(|i| params.contains(i)) {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => {
                return Err(Error::Input(format!(
                    "--wrt: unknown parameter '{}' (parameters: {})",
                    clip(t, 40),
                    clip(
                        &params
                            .iter()
                            .map(|&i| names.name(i))
                            .collect::<Vec<_>>()
                            .join(" "),
                        200
                    )
                )))
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Input("--wrt: no parameters given".into()));
    }
    Ok(out)
}

/// Runs `critcert derive`.
pub fn run(args: Args) -> Result<i32> {
    let file = args.data.display().to_string();
    if args.width == 0 {
        return Err(Error::Input("--width must be at least 1".into()));
    }
    // The activation first: an error in the formula is not the data file's.
    let act = Activation::parse(&args.activation).map_err(Error::Input)?;
    let act_nodes = match &act {
        Activation::Abstract => 2,
        Activation::Formula(_) => {
            let mut b = Builder::default();
            let x = b.var(0);
            act.apply(&mut b, x).map_err(Error::Input)?;
            b.expr.as_ref().len()
        }
    };
    let data = read_csv(&args.data, args.target.as_deref())?;
    data.check_memory(args.memory_limit)
        .map_err(|e| Error::Input(format!("{file}: {e}")))?;
    check_size(&args, data.len(), data.dim(), act_nodes)?;
    let loss = one_hidden_layer_loss(&data, args.width, &act)
        .map_err(|e| Error::Input(format!("--activation: {e}")))?;
    let mut names = loss.names.clone();
    let wrt = match &args.wrt {
        Some(t) => parse_wrt(t, &names, &loss.params)?,
        None => loss.params.clone(),
    };
    let limits = Limits {
        iter_limit: args.iter_limit,
        node_limit: args.node_limit,
    };
    if std::env::var_os("CC_DEBUG").is_some() {
        eprintln!("expr nodes {}", loss.builder.expr.as_ref().len());
    }
    // Read the point before the long part, so that a bad file is reported at once.
    let point = match &args.at {
        Some(path) => {
            let text = read_text(path)?;
            Some(
                parse_point(&text, &mut names, &loss.params)
                    .map_err(|e| Error::Input(format!("{}: {e}", path.display())))?,
            )
        }
        None => None,
    };
    let relations = args
        .assume
        .iter()
        .map(|r| parse_relation(r, &names))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Input(format!("--assume: {e}")))?;
    let (bar, observer) = progress();
    let derived = derive_observed(
        &loss.builder.expr,
        loss.root,
        &wrt,
        args.hessian,
        &limits,
        Some(observer),
    );
    bar.finish_and_clear();
    let mut d = derived.map_err(|e| Error::NotCertified(format!("derivation failed: {e}")))?;
    if let (Some(point), Some(path)) = (&point, &args.at) {
        d = d.try_at(point).map_err(|e| {
            Error::NotCertified(format!("{}: substituting the point: {e}", path.display()))
        })?;
    }
    d = d
        .reduce(&relations)
        .map_err(|e| Error::Input(format!("--assume: {e}")))?;
    let inertia = d.hessian_inertia();
    let name = |i: u32| names.name(i).to_string();
    let show = |p: &Poly| match (args.factored, args.latex) {
        (true, tex) => print::factor_out(p).render(&names, tex),
        (false, true) => print::latex(p, &names),
        (false, false) => print::text(p, &names),
    };
    let factored = |p: &Poly| print::factor_out(p).render(&names, false);
    let value = |p: &Poly| p.as_constant().map(|q| q.to_string());
    let mut pairs = Vec::new();
    if let Some(h) = &d.hessian {
        for (i, row) in h.iter().enumerate() {
            for (j, p) in row.iter().enumerate().skip(i) {
                pairs.push((i, j, p));
            }
        }
    }
    let grad_ops: usize = d.gradient.iter().map(print::count_ops).sum();
    let hess_ops: usize = pairs.iter().map(|(_, _, p)| print::count_ops(p)).sum();
    let fops = |p: &Poly| print::factor_out(p).count_ops();
    let grad_fops: usize = d.gradient.iter().map(fops).sum();
    let hess_fops: usize = pairs.iter().map(|(_, _, p)| fops(p)).sum();
    if args.json {
        print_json(&json!({
            "data": file,
            "width": args.width,
            "activation": args.activation,
            "parameters": wrt.iter().map(|&i| name(i)).collect::<Vec<_>>(),
            "loss": {"expr": print::text(&d.value, &names), "value": value(&d.value)},
            "gradient": d.gradient.iter().zip(&wrt).map(|(p, &i)| json!({
                "wrt": name(i), "expr": print::text(p, &names), "factored": factored(p), "value": value(p)
            })).collect::<Vec<_>>(),
            "hessian": args.hessian.then(|| pairs.iter().map(|(i, j, p)| json!({
                "wrt": [name(wrt[*i]), name(wrt[*j])], "expr": print::text(p, &names), "factored": factored(p), "value": value(p)
            })).collect::<Vec<_>>()),
            "hessian_inertia": inertia,
            "operation_count": {
                "gradient": grad_ops,
                "hessian": args.hessian.then_some(hess_ops),
                "gradient_factored": grad_fops,
                "hessian_factored": args.hessian.then_some(hess_fops),
            },
            "egraph": d.stats,
        }))?;
        return Ok(0);
    }
    println!("loss = {}", show(&d.value));
    println!(
        "gradient ({} entries, {} operations; factored {}):",
        wrt.len(),
        grad_ops,
        grad_fops
    );
    for (p, &i) in d.gradient.iter().zip(&wrt) {
        println!("  d/d{} = {}", name(i), show(p));
    }
    if args.hessian {
        println!(
            "Hessian ({} distinct entries, {} operations; factored {}):",
            pairs.len(),
            hess_ops,
            hess_fops
        );
        for (i, j, p) in &pairs {
            println!("  d2/d{}d{} = {}", name(wrt[*i]), name(wrt[*j]), show(p));
        }
        match inertia {
            Some(inr) => println!("Hessian inertia {inr}"),
            None if wrt.len() > INERTIA_LIMIT => {
                println!("Hessian inertia: not computed (more than {INERTIA_LIMIT} parameters)")
            }
            None => println!("Hessian inertia: not computed (some entries are not rational)"),
        }
    }
    println!(
        "e-graph: {} nodes, {} classes, {} iterations (saturated)",
        d.stats.nodes, d.stats.classes, d.stats.iterations
    );
    Ok(0)
}
