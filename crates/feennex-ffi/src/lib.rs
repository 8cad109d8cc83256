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

mod args;

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use feennex_ops::proto::Session;
use feennex_ops::{CallbackInput, Failure, FieldRule, Machine, Operation};

use args::{Out, bytes_arg, optional_str_arg, str_arg, str_array_arg};

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
        Ok(Err(failure)) if failure.kind == "invalid_input" => {
            (FeennexStatus::InvalidArgument, failure)
        }
        Ok(Err(failure)) => (FeennexStatus::Failed, failure),
        Err(_) => (FeennexStatus::Panic, Failure::internal()),
    };
    // `error` is optional: without one, the status alone is reported.
    let _ = error.set_string(failure.to_json());
    status
}

/// The signature of `count` fields (`names[i]`, `values[i]`) with `secret`:
/// lowercase hex SHA-256, into `*out`.
///
/// # Safety
/// `names` and `values` point to `count` NUL-terminated strings each (or may be
/// NULL when `count` is 0); `secret` is a NUL-terminated string; `out` and `error`
/// are valid for writes or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_sign(
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    secret: *const c_char,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes `count` strings in each array and a string as secret.
        let (names, values, secret) = unsafe {
            (
                str_array_arg(names, count, "names")?,
                str_array_arg(values, count, "values")?,
                str_arg(secret, "secret")?,
            )
        };
        if secret.is_empty() {
            return Err(Failure::invalid("secret", "it is empty"));
        }
        let fields: Vec<(&str, &str)> = names.into_iter().zip(values).collect();
        out.set_string(feennex_ops::sign_fields(&fields, secret))
    })
}

/// The string-to-sign of `count` fields, without the secret, into `*out`.
///
/// # Safety
/// As [`feennex_sign`], without a secret.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_string_to_sign(
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes `count` strings in each array.
        let (names, values) = unsafe {
            (str_array_arg(names, count, "names")?, str_array_arg(values, count, "values")?)
        };
        let fields: Vec<(&str, &str)> = names.into_iter().zip(values).collect();
        out.set_string(feennex_ops::string_to_sign(&fields))
    })
}

/// The canonical text of an amount (`"10.50"` gives `"10.5"`) into `*out`.
///
/// # Safety
/// `amount` is a NUL-terminated string; `out` and `error` are valid for writes or
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_amount_text(
    amount: *const c_char,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a string.
        let amount = unsafe { str_arg(amount, "amount")? };
        out.set_string(feennex_ops::amount_text(amount)?)
    })
}

/// A merchant into `*out`: shop `shop_id`, key `secret`, the API at `base_url`
/// (NULL: the production API; plain HTTP only to loopback), each attempt limited
/// to `attempt_timeout_ms` (0: the default). The key is copied and kept inside,
/// never shown.
///
/// # Safety
/// `secret` is a NUL-terminated string; `base_url` is one or NULL; `out` and
/// `error` are valid for writes or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_merchant_new(
    shop_id: u64,
    secret: *const c_char,
    base_url: *const c_char,
    attempt_timeout_ms: u32,
    out: *mut *mut FeennexMerchant,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a string and a string or NULL.
        let (secret, base_url) =
            unsafe { (str_arg(secret, "secret")?, optional_str_arg(base_url, "base_url")?) };
        let merchant = feennex_ops::merchant(shop_id, secret, base_url)?;
        let timeout = (attempt_timeout_ms > 0).then_some(u64::from(attempt_timeout_ms));
        let session = feennex_ops::session(merchant, timeout)?;
        out.set_box(FeennexMerchant { session })
    })
}

/// Frees a merchant (NULL is ignored).
///
/// # Safety
/// `merchant` comes from [`feennex_merchant_new`] and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_merchant_free(merchant: *mut FeennexMerchant) {
    if !merchant.is_null() {
        // SAFETY: it was made by `Box::into_raw` in `feennex_merchant_new` and the
        // caller gives it up.
        drop(unsafe { Box::from_raw(merchant) });
    }
}

/// The signed request of `operation` (an API path such as `"transfer/try"`) with
/// `params_json` (a JSON object of the API's fields; amounts as strings), as JSON
/// `{"method", "url", "headers", "body"}` into `*out`.
///
/// # Safety
/// `merchant` comes from [`feennex_merchant_new`]; `operation` and `params_json`
/// are NUL-terminated strings; `out` and `error` are valid for writes or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_build(
    merchant: *const FeennexMerchant,
    operation: *const c_char,
    params_json: *const c_char,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a live merchant and two strings.
        let (merchant, operation, params) =
            unsafe { operation_args(merchant, operation, params_json) }?;
        let request = operation.build(merchant.session.merchant(), &params)?;
        out.set_json(&request)
    })
}

/// The typed data of an answer to `operation` (HTTP `status`, `body_len` bytes of
/// body) as JSON into `*out`, amounts as decimal strings. An error envelope ends
/// in `FEENNEX_STATUS_FAILED` with the API's `code` in `*error`.
///
/// # Safety
/// `operation` is a NUL-terminated string; `body` points to `body_len` readable
/// bytes (or is NULL when `body_len` is 0); `out` and `error` are valid for writes
/// or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_parse(
    operation: *const c_char,
    status: u16,
    body: *const u8,
    body_len: usize,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a string and `body_len` bytes.
        let (operation, body) =
            unsafe { (str_arg(operation, "operation")?, bytes_arg(body, body_len, "body")?) };
        out.set_json(&Operation::from_name(operation)?.parse(status, body)?)
    })
}

/// Verifies a callback: the sender `remote_ip` must be one of the `allow_count`
/// entries of `allow` (addresses, CIDR blocks, `FIRST-LAST` ranges) unless
/// `checked_upstream` states that a proxy in front checked it (then `allow` must
/// be empty); the body (`content_type` form or JSON) must be signed with `secret`;
/// its fields must be the documented ones, with those of a payment present (see
/// [`feennex_verify_callback_fields`] to accept more). Its fields as a JSON object
/// into `*out`; a refusal ends in `FEENNEX_STATUS_FAILED` with kind
/// `callback_rejected`.
///
/// # Safety
/// `body` points to `body_len` readable bytes (or is NULL when 0); the strings are
/// NUL-terminated; `allow` points to `allow_count` strings (or is NULL when 0);
/// `out` and `error` are valid for writes or NULL.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn feennex_verify_callback(
    body: *const u8,
    body_len: usize,
    content_type: *const c_char,
    remote_ip: *const c_char,
    allow: *const *const c_char,
    allow_count: usize,
    checked_upstream: bool,
    secret: *const c_char,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    // SAFETY: the caller's promise, passed on; no field names to read.
    unsafe {
        feennex_verify_callback_fields(
            body,
            body_len,
            content_type,
            remote_ip,
            allow,
            allow_count,
            checked_upstream,
            std::ptr::null(),
            0,
            false,
            secret,
            out,
            error,
        )
    }
}

/// [`feennex_verify_callback`] with a chosen field set: the `allow_fields_count`
/// names of `allow_fields` are accepted besides the documented callback fields
/// (such as a payway's `phone`), or `permissive` leaves the field set unchecked
/// (then confirm the payment with the API before acting). Giving names and
/// `permissive` together, or an empty name, is refused with
/// `FEENNEX_STATUS_INVALID_ARGUMENT` and the argument at fault in `*error`.
///
/// # Safety
/// As [`feennex_verify_callback`]; `allow_fields` points to `allow_fields_count`
/// NUL-terminated strings (or is NULL when 0).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn feennex_verify_callback_fields(
    body: *const u8,
    body_len: usize,
    content_type: *const c_char,
    remote_ip: *const c_char,
    allow: *const *const c_char,
    allow_count: usize,
    checked_upstream: bool,
    allow_fields: *const *const c_char,
    allow_fields_count: usize,
    permissive: bool,
    secret: *const c_char,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes the bytes, strings and arrays described above.
        let (body, content_type, remote_ip, allow, allow_fields, secret) = unsafe {
            (
                bytes_arg(body, body_len, "body")?,
                str_arg(content_type, "content_type")?,
                str_arg(remote_ip, "remote_ip")?,
                str_array_arg(allow, allow_count, "allow")?,
                str_array_arg(allow_fields, allow_fields_count, "allow_fields")?,
                str_arg(secret, "secret")?,
            )
        };
        let allow: Vec<String> = allow.into_iter().map(str::to_owned).collect();
        let allow = match (checked_upstream, allow.is_empty()) {
            (true, true) => None,
            (false, false) => Some(allow.as_slice()),
            (true, false) => {
                return Err(Failure::invalid(
                    "allow",
                    "give an allow list or checked_upstream, not both",
                ));
            }
            (false, true) => {
                return Err(Failure::invalid(
                    "allow",
                    "name the allowed senders, or state that they were checked upstream",
                ));
            }
        };
        let allow_fields: Vec<String> = allow_fields.into_iter().map(str::to_owned).collect();
        let fields = FieldRule { allow_fields: &allow_fields, permissive };
        let input = CallbackInput { body, content_type, remote_ip, allow, fields };
        out.set_json(&feennex_ops::verify_callback(input, secret)?)
    })
}

/// The machine that sends `operation` with `params_json` into `*out`: exactly once
/// for `transfer/create` and `withdraw/create` (looked up first when `resume`),
/// with the core's retries for the others.
///
/// Drive it: [`feennex_machine_poll`] gives a JSON step. `"send"`: send
/// `request` giving up after `timeout_ms`, then call
/// [`feennex_machine_receive_response`] or [`feennex_machine_receive_failure`].
/// `"wait"`: sleep `ms`. `"done"` (`value`) or `"failed"` (`error`): the end.
///
/// # Safety
/// As [`feennex_build`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_new(
    merchant: *const FeennexMerchant,
    operation: *const c_char,
    params_json: *const c_char,
    resume: bool,
    out: *mut *mut FeennexMachine,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a live merchant and two strings.
        let (merchant, operation, params) =
            unsafe { operation_args(merchant, operation, params_json) }?;
        let machine = operation.machine(&merchant.session, &params, resume)?;
        out.set_box(FeennexMachine { machine })
    })
}

/// The machine's next step as JSON into `*out`.
///
/// # Safety
/// `machine` comes from [`feennex_machine_new`] and is not used by another thread
/// meanwhile; `out` and `error` are valid for writes or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_poll(
    machine: *mut FeennexMachine,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a live machine used by this thread only.
        let machine = unsafe { args::mut_arg(machine, "machine")? };
        out.set_json(&machine.machine.poll())
    })
}

/// The answer to the machine's last `"send"` step: HTTP `status` and `body_len`
/// bytes of body.
///
/// # Safety
/// As [`feennex_machine_poll`]; `body` points to `body_len` readable bytes (or is
/// NULL when 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_receive_response(
    machine: *mut FeennexMachine,
    status: u16,
    body: *const u8,
    body_len: usize,
    error: *mut *mut c_char,
) -> FeennexStatus {
    run(error, || {
        // SAFETY: the caller passes a live machine used by this thread only, and the bytes.
        let (machine, body) =
            unsafe { (args::mut_arg(machine, "machine")?, bytes_arg(body, body_len, "body")?) };
        machine.machine.receive_response(status, body.to_vec())
    })
}

/// The machine's last `"send"` step failed in the caller's HTTP stack: `sent` is
/// false only when the request provably never left (DNS, connect or TLS failed),
/// `message` says what happened (NULL: nothing).
///
/// # Safety
/// As [`feennex_machine_poll`]; `message` is a NUL-terminated string or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_receive_failure(
    machine: *mut FeennexMachine,
    sent: bool,
    message: *const c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    run(error, || {
        // SAFETY: the caller passes a live machine used by this thread only, and a string or NULL.
        let (machine, message) =
            unsafe { (args::mut_arg(machine, "machine")?, optional_str_arg(message, "message")?) };
        machine.machine.receive_failure(sent, message.unwrap_or("transport failure"));
        Ok(())
    })
}

/// Frees a machine (NULL is ignored).
///
/// # Safety
/// `machine` comes from [`feennex_machine_new`] and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_free(machine: *mut FeennexMachine) {
    if !machine.is_null() {
        // SAFETY: it was made by `Box::into_raw` in `feennex_machine_new` and the
        // caller gives it up.
        drop(unsafe { Box::from_raw(machine) });
    }
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

/// The merchant, the operation and its parameters, as `feennex_build` and
/// `feennex_machine_new` take them.
///
/// # Safety
/// `merchant` is NULL or a live handle; `operation` and `params_json` are NULL or
/// NUL-terminated strings that outlive the call.
unsafe fn operation_args<'a>(
    merchant: *const FeennexMerchant,
    operation: *const c_char,
    params_json: *const c_char,
) -> Result<(&'a FeennexMerchant, Operation, serde_json::Value), Failure> {
    // SAFETY: the caller's promise, passed on.
    let (merchant, operation, params) = unsafe {
        (
            args::ref_arg(merchant, "merchant")?,
            str_arg(operation, "operation")?,
            str_arg(params_json, "params_json")?,
        )
    };
    Ok((merchant, Operation::from_name(operation)?, args::json(params)?))
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
