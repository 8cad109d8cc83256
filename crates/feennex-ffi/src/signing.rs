//! Signatures and amount texts.

use std::ffi::c_char;

use crate::args::{Out, str_arg, str_array_arg};
use crate::{FeennexStatus, run};

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
        let fields: Vec<(&str, &str)> = names.into_iter().zip(values).collect();
        out.set_string(feennex_ops::sign_fields(&fields, secret)?)
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
