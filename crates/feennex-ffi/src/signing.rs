//! Signatures and amount texts.

use std::ffi::c_char;

use feennex_ops::Failure;

use crate::args::{self, Out, bytes_arg, str_arg, str_array_arg};
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

/// The length of a signature's hex text; the `out` buffer of
/// [`feennex_signer_sign`] and [`feennex_sign_packed`] holds it and a NUL.
pub const FEENNEX_SIGNATURE_LEN: usize = 64;

/// A shop's key kept for signing many field sets, from [`feennex_signer_new`].
/// Opaque; free it with [`feennex_signer_free`].
#[derive(Debug)]
pub struct FeennexSigner {
    signer: feennex_ops::Signer,
}

/// A signer keeping `secret` (copied, never shown; an empty key is refused) into
/// `*out`.
///
/// # Safety
/// `secret` is a NUL-terminated string; `out` and `error` are valid for writes or
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_signer_new(
    secret: *const c_char,
    out: *mut *mut FeennexSigner,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a string.
        let secret = unsafe { str_arg(secret, "secret")? };
        out.set_box(FeennexSigner { signer: feennex_ops::Signer::new(secret)? })
    })
}

/// Frees a signer (NULL is ignored).
///
/// # Safety
/// `signer` comes from [`feennex_signer_new`] and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_signer_free(signer: *mut FeennexSigner) {
    if !signer.is_null() {
        // SAFETY: made by `Box::into_raw` in `feennex_signer_new`; the caller gives
        // it up.
        drop(unsafe { Box::from_raw(signer) });
    }
}

/// The signature of `count` fields packed in the `packed_len` bytes of `packed`
/// (each name and value followed by a NUL: `name\0value\0...`, so that a whole
/// field set crosses as one string), written as 64 hex characters and a NUL into
/// `out`, which the caller owns: no allocation, nothing to free. A name or value
/// holding a NUL itself is refused.
///
/// # Safety
/// `signer` comes from [`feennex_signer_new`]; `packed` points to `packed_len`
/// readable bytes (or is NULL when 0); `out` points to at least
/// `FEENNEX_SIGNATURE_LEN + 1` writable bytes; `error` is valid for writes or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_signer_sign(
    signer: *const FeennexSigner,
    packed: *const c_char,
    packed_len: usize,
    count: usize,
    out: *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    run(error, || {
        // SAFETY: the caller passes a live signer and `packed_len` bytes.
        let (signer, packed) = unsafe {
            (args::ref_arg(signer, "signer")?, bytes_arg(packed.cast(), packed_len, "packed")?)
        };
        let packed = std::str::from_utf8(packed)
            .map_err(|_| Failure::invalid("packed", "it is not UTF-8"))?;
        let signature = signer.signer.sign(&feennex_ops::unpack_fields(packed, count)?);
        // SAFETY: the caller promises `out` holds a signature and its NUL.
        unsafe { write_signature(out, &signature) }
    })
}

/// [`feennex_signer_sign`] with the key given on each call.
///
/// # Safety
/// As [`feennex_signer_sign`]; `secret` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_sign_packed(
    packed: *const c_char,
    packed_len: usize,
    count: usize,
    secret: *const c_char,
    out: *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    run(error, || {
        // SAFETY: the caller passes `packed_len` bytes and a string.
        let (packed, secret) = unsafe {
            (bytes_arg(packed.cast(), packed_len, "packed")?, str_arg(secret, "secret")?)
        };
        let packed = std::str::from_utf8(packed)
            .map_err(|_| Failure::invalid("packed", "it is not UTF-8"))?;
        let signature =
            feennex_ops::sign_fields(&feennex_ops::unpack_fields(packed, count)?, secret)?;
        // SAFETY: the caller promises `out` holds a signature and its NUL.
        unsafe { write_signature(out, &signature) }
    })
}

/// Writes a signature and its NUL into the caller's buffer.
///
/// # Safety
/// `out` is NULL or points to `FEENNEX_SIGNATURE_LEN + 1` writable bytes.
unsafe fn write_signature(out: *mut c_char, signature: &str) -> Result<(), Failure> {
    if out.is_null() {
        return Err(Failure::invalid("out", "it is NULL"));
    }
    let bytes = signature.as_bytes();
    debug_assert_eq!(bytes.len(), FEENNEX_SIGNATURE_LEN);
    // SAFETY: not NULL, and the caller promises room for the hex and a NUL; the
    // signature is always 64 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.cast::<u8>(), FEENNEX_SIGNATURE_LEN);
        out.add(FEENNEX_SIGNATURE_LEN).write(0);
    }
    Ok(())
}
