//! The `critcert` command line: parses arguments, calls the library, prints, and maps errors to
//! exit codes (0 certified/accepted, 1 not certified/rejected, 2 bad input or usage).
//!
//! Every error is one line on stderr, `critcert: …`, with control characters escaped. Sizes are
//! checked against limits before any work, so an input too large for the problem is an error,
//! not an allocation failure. As a last resort only, three handlers turn what would otherwise
//! be a multi-line report or an abort into one line and exit code 2: a panic hook
//! (`critcert: internal error: … (please report)`), and out-of-memory handlers for Rust's
//! allocator and for GMP's (which would print `GNU MP: Cannot allocate memory` and abort).

mod cli;

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::c_void;

/// Writes `parts` to stderr with `write(2)` (no allocation: this runs when memory is out) and
/// ends the process with exit code 2.
fn die(parts: &[&[u8]]) -> ! {
    for p in parts {
        // SAFETY: writes a valid byte buffer to file descriptor 2.
        unsafe {
            libc::write(2, p.as_ptr().cast(), p.len());
        }
    }
    // SAFETY: ends the process without running destructors or allocating.
    unsafe { libc::_exit(2) }
}

/// `n` in decimal, into `buf` (no allocation).
fn digits(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

fn out_of_memory(bytes: usize) -> ! {
    let mut buf = [0u8; 20];
    die(&[
        b"critcert: out of memory (an allocation of ",
        digits(bytes, &mut buf),
        b" bytes failed); the input is too large for the memory available: lower the size limits (see the guide, section Limits) or use a machine with more memory\n",
    ])
}

/// The system allocator, with an allocation failure reported in one line (exit 2) instead of
/// Rust's `memory allocation of N bytes failed` and an abort.
struct Allocator;

// SAFETY: every method forwards to the system allocator; a null result ends the process.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if p.is_null() {
            out_of_memory(new_size);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

// GMP's allocation functions (`mp_set_memory_functions`; GMP is linked statically by rug).
extern "C" {
    #[link_name = "__gmp_set_memory_functions"]
    fn gmp_set_memory_functions(
        alloc: Option<extern "C" fn(usize) -> *mut c_void>,
        realloc: Option<extern "C" fn(*mut c_void, usize, usize) -> *mut c_void>,
        free: Option<extern "C" fn(*mut c_void, usize)>,
    );
}

extern "C" fn gmp_alloc(size: usize) -> *mut c_void {
    // SAFETY: plain malloc; a null result ends the process.
    let p = unsafe { libc::malloc(size) };
    if p.is_null() {
        out_of_memory(size);
    }
    p
}

extern "C" fn gmp_realloc(ptr: *mut c_void, _old: usize, size: usize) -> *mut c_void {
    // SAFETY: `ptr` was allocated by `gmp_alloc`/`gmp_realloc` (installed before any GMP use).
    let p = unsafe { libc::realloc(ptr, size) };
    if p.is_null() {
        out_of_memory(size);
    }
    p
}

extern "C" fn gmp_free(ptr: *mut c_void, _size: usize) {
    // SAFETY: `ptr` was allocated by `gmp_alloc`/`gmp_realloc`.
    unsafe { libc::free(ptr) }
}

fn main() {
    // Behave like a Unix filter when the reader of stdout goes away (`critcert … | head`):
    // end quietly instead of panicking on a failed print.
    // SAFETY: called before any thread is started; restores the default signal disposition.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // SAFETY: called before any GMP or MPFR number exists, so every GMP block is allocated and
    // freed by these functions (malloc/realloc/free, as GMP's defaults).
    unsafe {
        gmp_set_memory_functions(Some(gmp_alloc), Some(gmp_realloc), Some(gmp_free));
    }
    // A panic is a bug: every input error is reported as an error. Should one remain, say so
    // in one line (no backtrace, no raw input) and exit 2.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let line = critcert::error::one_line(&format!("{msg}{place}"));
        eprintln!("critcert: internal error: {line} (please report)");
        // SAFETY: ends the process without unwinding further.
        unsafe { libc::_exit(2) }
    }));
    std::process::exit(cli::run());
}
