//! The C ABI of the Feennex core, for C and for the FFI of PHP, Go, Ruby and the
//! rest. The header is `include/feennex.h`, generated from this crate by cbindgen.
//!
//! # Conventions
//!
//! - Every function returns a [`FeennexStatus`]. Results come back through `out`
//!   parameters; on any status but `FEENNEX_STATUS_OK`, `*out` is NULL and, when
//!   `error` is not NULL, `*error` receives a JSON failure (`kind`, `message`, and
//!   `field`, `code`, `code_name`, `http_status` when they apply).
//! - Every pointer is checked: NULL where a value is required, strings that are
//!   not UTF-8, and lengths too large are refused with
//!   `FEENNEX_STATUS_INVALID_ARGUMENT`. Strings are NUL-terminated UTF-8.
//! - No panic crosses the boundary: one is caught and reported as
//!   `FEENNEX_STATUS_PANIC`.
//! - Ownership: every `char *` this library returns is the caller's, freed with
//!   [`feennex_string_free`]; a merchant with [`feennex_merchant_free`]; a machine
//!   with [`feennex_machine_free`]. Arguments stay the caller's and are not kept
//!   after the call returns.
//! - Handles may be moved between threads but not used by two threads at once.
//!
//! This is the only crate of the workspace with `unsafe` code: each block says
//! why it is sound in a `SAFETY` comment.
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(missing_docs)]
// The shared layer's `Failure` (about 250 bytes) travels only on the error path.
#![allow(clippy::result_large_err)]

mod args;
mod callback;
mod machine;
mod merchant;
mod signing;

pub use callback::*;
pub use machine::*;
pub use merchant::*;
pub use signing::*;

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use feennex_ops::proto::Session;
use feennex_ops::{Failure, Machine};

use args::Out;

/// What a call of this library ended with.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeennexStatus {
    /// Done; the `out` parameters hold the results.
    Ok = 0,
    /// An argument was refused (NULL, not UTF-8, out of range, or a value the core
    /// refuses such as a malformed amount); nothing was done.
    InvalidArgument = 1,
    /// The operation failed: an API error, an answer that is not the envelope, a
    /// refused callback...; `*error` says which.
    Failed = 2,
    /// An internal error was caught; nothing crossed the boundary.
    Panic = 3,
}

/// A shop: its id, its secret key and the API's base URL. Opaque; free it with
/// `feennex_merchant_free`.
#[derive(Debug)]
pub struct FeennexMerchant {
    session: Session,
}

/// One call's machine (a payout made exactly once, or a call with its retries),
/// driven by the caller's HTTP stack. Opaque; free it with `feennex_machine_free`.
#[derive(Debug)]
pub struct FeennexMachine {
    machine: Machine,
}

/// Runs `work`, reporting its failure (or a panic) through `error`.
fn run(error: *mut *mut c_char, work: impl FnOnce() -> Result<(), Failure>) -> FeennexStatus {
    let error = Out::new(error);
    error.clear();
    let (status, failure) = match catch_unwind(AssertUnwindSafe(work)) {
        Ok(Ok(())) => return FeennexStatus::Ok,
        Ok(Err(failure)) if failure.kind.is_invalid_input() => {
            (FeennexStatus::InvalidArgument, failure)
        }
        Ok(Err(failure)) => (FeennexStatus::Failed, failure),
        Err(_) => (FeennexStatus::Panic, Failure::internal()),
    };
    // `error` is optional: without one, the status alone is reported.
    let _ = error.set_string(failure.to_json());
    status
}

/// Frees a string this library returned (NULL is ignored).
///
/// # Safety
/// `text` comes from this library and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_string_free(text: *mut c_char) {
    if !text.is_null() {
        // SAFETY: every string this library returns is made by
        // `CString::into_raw`, and the caller gives it up.
        drop(unsafe { std::ffi::CString::from_raw(text) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_caught_and_reported_as_a_status() {
        let mut error: *mut c_char = std::ptr::null_mut();
        let status = run(&mut error, || panic!("boom"));
        assert_eq!(status, FeennexStatus::Panic);
        // SAFETY: `run` wrote a string made by this library.
        let text = unsafe { std::ffi::CStr::from_ptr(error) }.to_str().unwrap().to_owned();
        // SAFETY: the string is this library's and is not used afterwards.
        unsafe { feennex_string_free(error) };
        assert!(text.contains(r#""kind":"internal""#), "{text}");
        assert!(!text.contains("boom"), "{text}");
    }

    #[test]
    fn a_failure_leaves_out_null_and_says_why() {
        let mut out: *mut c_char = std::ptr::dangling_mut();
        let mut error: *mut c_char = std::ptr::null_mut();
        // SAFETY: a string literal with its NUL, and two writable pointers.
        let status = unsafe { feennex_amount_text(c"0.00001".as_ptr(), &mut out, &mut error) };
        assert_eq!(status, FeennexStatus::InvalidArgument);
        assert!(out.is_null());
        // SAFETY: `error` was written by this library.
        let text = unsafe { std::ffi::CStr::from_ptr(error) }.to_str().unwrap().to_owned();
        // SAFETY: the string is this library's and is not used afterwards.
        unsafe { feennex_string_free(error) };
        assert!(text.contains(r#""field":"amount""#), "{text}");
    }
}
