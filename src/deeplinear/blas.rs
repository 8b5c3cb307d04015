//! The matrix-product kernels of the f64 path: faer's `matmul`, or OpenBLAS's `cblas_dgemm`
//! loaded at run time when the system has it (`libopenblas.so.0`; Debian: `libopenblas0`), so
//! the crate has no build-time BLAS dependency.
//!
//! Either kernel computes each entry as a sum of exact products rounded by ordinary
//! floating-point operations (no Strassen-like scheme), which is all the rigorous bound of
//! [`super::grad0_error_bound`] assumes; results may differ in the last bits between kernels
//! and thread counts, never in a certified claim.
//!
//! OpenBLAS chooses its kernels by the CPU model when it is loaded, and older releases (Debian
//! 12 ships 0.3.21) fall back to generic kernels on models they do not know, such as the
//! generic model of many virtual machines: several times slower. Unless `OPENBLAS_CORETYPE` is
//! already set, [`OpenBlas::load`] names the kernel family from the CPU's features before
//! loading (AVX-512: `SKYLAKEX`, AVX2: `HASWELL`).

use faer::{Mat, MatMut, MatRef, Par};
use std::ffi::c_int;

/// `cblas_dgemm(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)`.
type Dgemm = unsafe extern "C" fn(
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    c_int,
    f64,
    *const f64,
    c_int,
    *const f64,
    c_int,
    f64,
    *mut f64,
    c_int,
);

const COL_MAJOR: c_int = 102;
const NO_TRANS: c_int = 111;
const TRANS: c_int = 112;

/// OpenBLAS, loaded at run time.
pub struct OpenBlas {
    dgemm: Dgemm,
    /// The kernel family in use (`OPENBLAS_CORETYPE`), if named.
    pub coretype: Option<String>,
    _lib: libloading::Library,
}

/// An operand as BLAS sees it: pointer, transposition flag and leading dimension, or `None`
/// when its strides are not those of a column- or row-major matrix.
fn operand(a: MatRef<'_, f64>) -> Option<(*const f64, c_int, c_int)> {
    let (r, c) = (a.nrows() as isize, a.ncols() as isize);
    let (rs, cs) = (a.row_stride(), a.col_stride());
    let ld = |s: isize, n: isize| c_int::try_from(s.max(n).max(1)).ok();
    if rs == 1 && cs >= r.max(1) {
        Some((a.as_ptr(), NO_TRANS, ld(cs, r)?))
    } else if cs == 1 && rs >= c.max(1) {
        Some((a.as_ptr(), TRANS, ld(rs, c)?))
    } else {
        None
    }
}

impl OpenBlas {
    /// Loads OpenBLAS and sets its thread count; `Err` says why it is not available.
    pub fn load(threads: usize) -> Result<OpenBlas, String> {
        if std::env::var_os("OPENBLAS_CORETYPE").is_none() {
            let core = if std::arch::is_x86_feature_detected!("avx512f") {
                Some("SKYLAKEX")
            } else if std::arch::is_x86_feature_detected!("avx2") {
                Some("HASWELL")
            } else {
                None
            };
            if let Some(c) = core {
                // Read by OpenBLAS once, while it is loaded just below.
                std::env::set_var("OPENBLAS_CORETYPE", c);
            }
        }
        // OpenBLAS starts its thread pool when it is loaded, one thread per core unless told:
        // start only the threads that will be used (`threads` is clamped to the cores), so that
        // no idle pool is created (oversubscribed pools have been seen to spin under a memory
        // cap).
        if std::env::var_os("OPENBLAS_NUM_THREADS").is_none() {
            std::env::set_var("OPENBLAS_NUM_THREADS", threads.max(1).to_string());
        }
        // SAFETY: loading a shared library runs its initialisers; OpenBLAS's only read the
        // environment and the CPU, and the symbols are used with their C signatures.
        unsafe {
            let lib = libloading::Library::new("libopenblas.so.0")
                .or_else(|_| libloading::Library::new("libopenblas.so"))
                .map_err(|e| format!("OpenBLAS is not installed ({e})"))?;
            let dgemm = *lib
                .get::<Dgemm>(b"cblas_dgemm\0")
                .map_err(|e| format!("OpenBLAS has no cblas_dgemm ({e})"))?;
            if let Ok(set) = lib.get::<unsafe extern "C" fn(c_int)>(b"openblas_set_num_threads\0") {
                set(c_int::try_from(threads).unwrap_or(c_int::MAX));
            }
            Ok(OpenBlas {
                dgemm,
                coretype: std::env::var("OPENBLAS_CORETYPE").ok(),
                _lib: lib,
            })
        }
    }
}

/// A matrix-product kernel.
#[derive(Clone, Copy)]
pub enum Gemm<'a> {
    /// faer's `matmul` with this parallelism.
    Faer(Par),
    /// OpenBLAS's `cblas_dgemm`.
    OpenBlas(&'a OpenBlas),
}

impl Gemm<'_> {
    /// The kernel's name, for reports.
    pub fn name(&self) -> &'static str {
        match self {
            Gemm::Faer(_) => "faer",
            Gemm::OpenBlas(_) => "openblas",
        }
    }

    /// `c ← a·b`, or `c ← c + a·b` when `accumulate`.
    pub fn product(
        &self,
        mut c: MatMut<'_, f64>,
        a: MatRef<'_, f64>,
        b: MatRef<'_, f64>,
        accumulate: bool,
    ) {
        assert!(
            c.nrows() == a.nrows() && c.ncols() == b.ncols() && a.ncols() == b.nrows(),
            "matrix product: shapes differ"
        );
        let blas = match self {
            Gemm::OpenBlas(blas) => blas,
            Gemm::Faer(par) => {
                let accum = if accumulate {
                    faer::Accum::Add
                } else {
                    faer::Accum::Replace
                };
                // faer is markedly slower with a row-major right operand (measured: 53 vs 97
                // GFLOP/s at 1024³); a column-major copy costs a few percent of the product.
                if b.col_stride() == 1 && b.row_stride() != 1 && b.nrows().min(b.ncols()) >= 64 {
                    let b = b.to_owned();
                    faer::linalg::matmul::matmul(c, accum, a, b.as_ref(), 1.0, *par);
                } else {
                    faer::linalg::matmul::matmul(c, accum, a, b, 1.0, *par);
                }
                return;
            }
        };
        let dims = (
            c_int::try_from(a.nrows()),
            c_int::try_from(b.ncols()),
            c_int::try_from(a.ncols()),
        );
        let (Ok(m), Ok(n), Ok(k)) = dims else {
            return Gemm::Faer(Par::Seq).product(c, a, b, accumulate);
        };
        if m == 0 || n == 0 {
            return;
        }
        if k == 0 {
            if !accumulate {
                c.fill(0.0);
            }
            return;
        }
        // BLAS needs column- or row-major operands and a column-major destination; anything
        // else (a strided view) is copied first.
        let (a_own, b_own);
        let (pa, ta, lda) = match operand(a) {
            Some(o) => o,
            None => {
                a_own = a.to_owned();
                operand(a_own.as_ref()).expect("an owned matrix is column-major")
            }
        };
        let (pb, tb, ldb) = match operand(b) {
            Some(o) => o,
            None => {
                b_own = b.to_owned();
                operand(b_own.as_ref()).expect("an owned matrix is column-major")
            }
        };
        let rows = c.nrows() as isize;
        let column_major = c.row_stride() == 1 && c.col_stride() >= rows.max(1);
        let ldc = c_int::try_from(c.col_stride().max(1))
            .ok()
            .filter(|_| column_major);
        let Some(ldc) = ldc else {
            let mut tmp = c.to_owned();
            self.product(tmp.as_mut(), a, b, accumulate);
            c.copy_from(tmp.as_ref());
            return;
        };
        let beta = if accumulate { 1.0 } else { 0.0 };
        // SAFETY: every pointer addresses a live matrix of the stated shape and leading
        // dimension for the duration of the call; `c` is borrowed mutably.
        unsafe {
            (blas.dgemm)(
                COL_MAJOR,
                ta,
                tb,
                m,
                n,
                k,
                1.0,
                pa,
                lda,
                pb,
                ldb,
                beta,
                c.as_ptr_mut(),
                ldc,
            );
        }
    }

    /// `a·b`, newly allocated.
    pub fn mul(&self, a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
        let mut c = Mat::zeros(a.nrows(), b.ncols());
        self.product(c.as_mut(), a, b, false);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(r: usize, c: usize, s: usize) -> Mat<f64> {
        Mat::from_fn(r, c, |i, j| ((i * 7 + j * 3 + s) % 11) as f64 - 5.0)
    }

    #[test]
    fn openblas_agrees_with_faer_on_every_layout() {
        let Ok(blas) = OpenBlas::load(2) else {
            eprintln!("OpenBLAS not installed: skipping");
            return;
        };
        let (ob, fa) = (Gemm::OpenBlas(&blas), Gemm::Faer(Par::Seq));
        let a = m(5, 7, 1);
        let at = m(7, 5, 2);
        let b = m(7, 3, 3);
        let bt = m(3, 7, 4);
        // Small integers: both kernels are exact, so the results are equal.
        for (x, y) in [
            (a.as_ref(), b.as_ref()),
            (at.as_ref().transpose(), b.as_ref()),
            (a.as_ref(), bt.as_ref().transpose()),
            (at.as_ref().transpose(), bt.as_ref().transpose()),
            (a.as_ref().subcols(1, 4), b.as_ref().subrows(2, 4)),
            (a.as_ref().subrows(1, 3), b.as_ref()),
        ] {
            assert_eq!(ob.mul(x, y), fa.mul(x, y));
        }
        let mut c = m(5, 3, 5);
        let mut d = c.clone();
        ob.product(c.as_mut(), a.as_ref(), b.as_ref(), true);
        fa.product(d.as_mut(), a.as_ref(), b.as_ref(), true);
        assert_eq!(c, d);
        let empty = Mat::<f64>::zeros(5, 0);
        assert_eq!(
            ob.mul(empty.as_ref(), Mat::<f64>::zeros(0, 3).as_ref()),
            Mat::<f64>::zeros(5, 3)
        );
    }
}
