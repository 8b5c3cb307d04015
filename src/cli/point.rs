//! `critcert point`: certify a candidate critical point (strict local minimum, saddle, or not
//! critical) of a small network's loss.

use super::{print_json, rational_arg, refuse_overwrite, write_out};
use critcert::cert::to_json;
use critcert::exact::Q;
use critcert::model::parse_activation;
use critcert::theorems::point::{
    certify, identity_teachers, problem, read_mlp_data, read_mlp_point, read_students,
    read_teachers, ModelSpec, Outcome, PointOptions,
};
use critcert::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// The model of the loss.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Model {
    /// Safran & Shamir's population loss of a two-layer ReLU network on Gaussian inputs.
    GaussianRelu,
    /// A one-hidden-layer network with the squared loss on a CSV dataset.
    Mlp,
}

/// Arguments of `critcert point`.
#[derive(clap::Args)]
pub struct Args {
    /// The model: gaussian-relu (Safran & Shamir) or mlp (one hidden layer, squared loss).
    #[arg(long, value_enum)]
    model: Model,
    /// The point: gaussian-relu: .json with a field W (k × n, columns = students) or .npy;
    /// mlp: .json with names as in derive (W1[i,j], b1[i], W2[i,j], b2[i]) or PyTorch
    /// .safetensors (0.weight, 0.bias, 2.weight, 2.bias). JSON numbers are read as the
    /// binary64 values they denote; strings as exact decimals or fractions.
    #[arg(long, value_name = "POINT")]
    params: PathBuf,
    /// gaussian-relu: the teachers, `identity` (v_j = e_j) or a file of rows (.json, .npy, .csv).
    #[arg(long, value_name = "identity|FILE", default_value = "identity")]
    teachers: String,
    /// mlp: the dataset, CSV with a header; the last --outputs columns are the targets.
    #[arg(long, value_name = "FILE.csv")]
    data: Option<PathBuf>,
    /// mlp: number of target columns (the last ones of the CSV).
    #[arg(long, value_name = "DY", default_value_t = 1)]
    outputs: usize,
    /// mlp: the hidden width.
    #[arg(long, value_name = "N")]
    width: Option<usize>,
    /// mlp: the activation (a name as in thm2, relu-like:A:B, or a formula in x).
    #[arg(long, value_name = "ACT")]
    activation: Option<String>,
    /// MPFR precision of the interval arithmetic, in bits (32 to 4096).
    #[arg(long, value_name = "BITS", default_value_t = 128)]
    precision: u32,
    /// Check this radius only, instead of searching the largest one.
    #[arg(long, value_name = "R", value_parser = rational_arg)]
    radius: Option<Q>,
    /// Write the certificate here (atomically).
    #[arg(long, value_name = "CERT.json")]
    out: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `critcert point`.
pub fn run(args: Args) -> Result<i32> {
    if !(32..=4096).contains(&args.precision) {
        return Err(Error::Input(
            "--precision must be between 32 and 4096 bits".into(),
        ));
    }
    let mut inputs = vec![args.params.as_path()];
    if let Some(d) = &args.data {
        inputs.push(d);
    }
    if args.teachers != "identity" {
        inputs.push(std::path::Path::new(&args.teachers));
    }
    refuse_overwrite(args.out.as_deref(), &inputs)?;
    let (spec, point) = match args.model {
        Model::GaussianRelu => {
            if args.data.is_some() || args.width.is_some() || args.activation.is_some() {
                return Err(Error::Input(
                    "--model gaussian-relu takes --teachers, not --data/--width/--activation"
                        .into(),
                ));
            }
            let w = read_students(&args.params)?;
            let k = w.len();
            let teachers = if args.teachers == "identity" {
                identity_teachers(k)
            } else {
                let t = read_teachers(std::path::Path::new(&args.teachers))?;
                if t.iter().any(|r| r.len() != k) {
                    return Err(Error::Input(format!(
                        "{}: teacher rows must have k = {k} entries (the rows of W)",
                        args.teachers
                    )));
                }
                t
            };
            (
                ModelSpec::GaussianRelu { teachers },
                BTreeMap::from([("W".to_string(), w)]),
            )
        }
        Model::Mlp => {
            let (Some(data), Some(width), Some(act)) = (&args.data, args.width, &args.activation)
            else {
                return Err(Error::Input(
                    "--model mlp needs --data, --width and --activation".into(),
                ));
            };
            if args.teachers != "identity" {
                return Err(Error::Input("--model mlp takes no --teachers".into()));
            }
            let act = parse_activation(act)?;
            let (x, y) = read_mlp_data(data, args.outputs)?;
            let point = read_mlp_point(&args.params, x[0].len(), width, y[0].len())?;
            (ModelSpec::Mlp { act, width, x, y }, point)
        }
    };
    let prob = problem(&spec, &point);
    if critcert::cert::point::param_names(&prob).len() > critcert::cert::point::MAX_PARAMS {
        return Err(Error::Input(format!(
            "{}: more than {} parameters (the checker's limit)",
            args.params.display(),
            critcert::cert::point::MAX_PARAMS
        )));
    }
    let bar = ProgressBar::new_spinner();
    if console_is_terminal() {
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let start = Instant::now();
    let outcome = certify(
        &prob,
        &PointOptions {
            precision: args.precision,
            radius: args.radius.clone(),
        },
        &|m: &str| bar.set_message(m.to_string()),
    );
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    match outcome? {
        Outcome::NotCertified(reason) => {
            if args.json {
                print_json(&json!({"verdict": "not-certified", "reason": reason}))?;
            } else {
                println!("verdict: not-certified");
                println!("  reason  {reason}");
            }
            Ok(1)
        }
        Outcome::Certified { cert, report, note } => {
            write_out(args.out.as_deref(), &to_json(&*cert))?;
            let w = &cert.witness;
            if args.json {
                print_json(&json!({
                    "verdict": w.verdict,
                    "parameters": critcert::cert::point::param_names(&cert.problem).len(),
                    "radius": w.radius,
                    "loss_lower": w.loss_lower,
                    "loss_upper": w.loss_upper,
                    "claims": report.claims.iter().map(|c| json!({"id": c.id, "evidence": c.evidence})).collect::<Vec<_>>(),
                    "note": note,
                    "seconds": (secs * 100.0).round() / 100.0,
                }))?;
            } else {
                println!("verdict: {}", w.verdict);
                println!(
                    "  parameters     {}",
                    critcert::cert::point::param_names(&cert.problem).len()
                );
                if let Some(r) = &w.radius {
                    println!("  radius         {r}");
                }
                for c in &report.claims {
                    println!("  {:<14} {}", c.id, c.evidence);
                }
                if let Some(n) = note {
                    println!("  note           {n}");
                }
                println!("  time           {secs:.2} s");
                if let Some(o) = &args.out {
                    println!("  certificate    {} (checked)", o.display());
                }
            }
            Ok(0)
        }
    }
}

fn console_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}
