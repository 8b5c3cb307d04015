//! Writes a deep linear network as `.safetensors` the way PyTorch does
//! (`safetensors.torch.save_file(nn.Sequential(Linear(.., bias=False), ..).state_dict())`:
//! tensors `0.weight`, `1.weight`, … of shape (out, in), float32), and the data as `.npy`
//! (one row per point), then checks it with both paths of `critcert deep-linear`.
//!
//! Run: `cargo run --release --example deep_linear_safetensors [DIR]` (default: a fresh
//! temporary directory). It prints the equivalent command line.

use critcert::deeplinear::{self, load};
use critcert::theorems::thm4::{self, DeepLinear};
use std::path::{Path, PathBuf};

fn npy(path: &Path, rows: usize, cols: usize, data: &[f64]) -> std::io::Result<()> {
    let mut header =
        format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    b.extend_from_slice(&(header.len() as u16).to_le_bytes());
    b.extend_from_slice(header.as_bytes());
    for x in data {
        b.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(path, b)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir: PathBuf = match std::env::args().nth(1) {
        Some(d) => d.into(),
        None => std::env::temp_dir().join(format!("critcert-deep-linear-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)?;
    // Data: X has orthogonal columns (XᵀX = 2I), so the least-squares map W̄ = YᵀX/2 is dyadic
    // and exactly representable in float32.
    let x = [1., 0., 0., 1., 1., 0., 0., 1.]; // 4 points × 2 inputs
    let y = [1., 2., 3., -1., 0., 1., 1., 0.]; // 4 points × 2 targets
    npy(&dir.join("x.npy"), 4, 2, &x)?;
    npy(&dir.join("y.npy"), 4, 2, &y)?;
    // W̄[p,k] = Σ_i Y[i,p]·X[i,k] / 2.
    let mut wbar = [0f32; 4];
    for p in 0..2 {
        for k in 0..2 {
            wbar[p * 2 + k] = (0..4).map(|i| y[i * 2 + p] * x[i * 2 + k]).sum::<f64>() as f32 / 2.0;
        }
    }
    // Three layers 2 → 3 → 3 → 2 with product W̄: a global minimum.
    let layers: Vec<(String, Vec<usize>, Vec<f32>)> = vec![
        ("0.weight".into(), vec![3, 2], vec![1., 0., 0., 1., 0., 0.]),
        (
            "1.weight".into(),
            vec![3, 3],
            vec![1., 0., 0., 0., 1., 0., 0., 0., 1.],
        ),
        (
            "2.weight".into(),
            vec![2, 3],
            vec![wbar[0], wbar[1], 0., wbar[2], wbar[3], 0.],
        ),
    ];
    let bytes: Vec<Vec<u8>> = layers
        .iter()
        .map(|l| l.2.iter().flat_map(|v| v.to_le_bytes()).collect())
        .collect();
    let views = layers
        .iter()
        .zip(&bytes)
        .map(|(l, b)| {
            let v = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, l.1.clone(), b);
            v.map(|v| (l.0.clone(), v))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let net_path = dir.join("net.safetensors");
    std::fs::write(&net_path, safetensors::serialize(views, &None)?)?;

    // Check it: the f64 path, then the exact path on the same files.
    let w = load::read_weights(std::slice::from_ref(&net_path), None)?;
    let xm = load::read_matrix(&dir.join("x.npy"))?.transposed();
    let ym = load::read_matrix(&dir.join("y.npy"))?.transposed();
    let to_faer = |m: &load::RawMatrix| -> critcert::Result<faer::Mat<f64>> {
        let v = m.to_f64()?;
        Ok(faer::Mat::from_fn(m.rows, m.cols, |i, j| v[i * m.cols + j]))
    };
    let wf = w
        .iter()
        .map(to_faer)
        .collect::<critcert::Result<Vec<_>>>()?;
    let r = deeplinear::analyse(
        &wf,
        to_faer(&xm)?.as_ref(),
        to_faer(&ym)?.as_ref(),
        1e-8,
        deeplinear::Gemm::Faer(faer::Par::Seq),
        &|| {},
    );
    println!("f64 path:   {} ({})", r.verdict.name(), r.explanation);
    let exact = thm4::analyse(&DeepLinear {
        weights: w
            .iter()
            .map(|m| m.to_exact())
            .collect::<critcert::Result<_>>()?,
        x: xm.to_exact()?,
        y: ym.to_exact()?,
        loss: critcert::cert::loss::SQUARED.into(),
    })?;
    println!(
        "exact path: {} (loss {}, certificate {})",
        exact.verdict.name(),
        exact.loss.show(),
        if exact.certificate.is_ok() {
            "accepted by the checker"
        } else {
            "not built"
        }
    );
    println!(
        "same as: critcert deep-linear --weights {} --x {} --y {} [--exact --out cert.json]",
        net_path.display(),
        dir.join("x.npy").display(),
        dir.join("y.npy").display()
    );
    Ok(())
}
