//! A shop's handle: made with its options, building requests, reading answers.

use std::ffi::c_char;

use feennex_ops::Failure;

use crate::args::{self, Out, bytes_arg, optional_str_arg, str_arg};
use crate::{FeennexStatus, run};
use feennex_ops::Operation;

use crate::FeennexMerchant;

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
        let options = match attempt_timeout_ms {
            0 => serde_json::Value::Null,
            ms => serde_json::json!({ "attempt_timeout_ms": ms }),
        };
        let session = feennex_ops::session(merchant, &options)?;
        out.set_box(FeennexMerchant { session })
    })
}

/// A merchant into `*out`, as [`feennex_merchant_new`], with the options of every
/// call as a JSON object in `options_json` (NULL: the defaults), the same options
/// in every binding: `attempt_timeout_ms`, `total_timeout_ms`, `max_creates`,
/// `max_status_checks`, `allow_plain_http`, `max_response_bytes`. An unknown
/// option is refused by name.
///
/// # Safety
/// `secret` is a NUL-terminated string; `base_url` and `options_json` are ones or
/// NULL; `out` and `error` are valid for writes or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_merchant_new_with_options(
    shop_id: u64,
    secret: *const c_char,
    base_url: *const c_char,
    options_json: *const c_char,
    out: *mut *mut FeennexMerchant,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a string and two strings or NULL.
        let (secret, base_url, options) = unsafe {
            (
                str_arg(secret, "secret")?,
                optional_str_arg(base_url, "base_url")?,
                optional_str_arg(options_json, "options_json")?,
            )
        };
        let options = match options {
            Some(text) => args::json(text, "options_json")?,
            None => serde_json::Value::Null,
        };
        let merchant = feennex_ops::merchant(shop_id, secret, base_url)?;
        let session = feennex_ops::session(merchant, &options)?;
        out.set_box(FeennexMerchant { session })
    })
}

/// The largest answer a driver of this merchant should read, in bytes (its
/// `max_response_bytes` option, or the core's default), into `*out`.
///
/// # Safety
/// `merchant` comes from [`feennex_merchant_new`]; `out` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_merchant_max_response_bytes(
    merchant: *const FeennexMerchant,
    out: *mut usize,
) -> FeennexStatus {
    // SAFETY: the caller passes a live merchant or NULL.
    let Ok(merchant) = (unsafe { args::ref_arg(merchant, "merchant") }) else {
        return FeennexStatus::InvalidArgument;
    };
    if out.is_null() {
        return FeennexStatus::InvalidArgument;
    }
    // SAFETY: not NULL, and the caller promises it is valid for writes.
    unsafe { out.write(feennex_ops::max_response_bytes(&merchant.session)) };
    FeennexStatus::Ok
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

/// The merchant, the operation and its parameters, as `feennex_build` and
/// `feennex_machine_new` take them.
///
/// # Safety
/// `merchant` is NULL or a live handle; `operation` and `params_json` are NULL or
/// NUL-terminated strings that outlive the call.
pub(crate) unsafe fn operation_args<'a>(
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
    Ok((merchant, Operation::from_name(operation)?, args::json(params, "params_json")?))
}

/// The hosted pay page of an order as JSON `{"action", "fields"}` into `*out`:
/// post `fields` (`[name, value]` pairs, signed) to `action`. `params_json` holds
/// `amount`, `currency`, `shop_order_id` and optionally `description`,
/// `payway`, `payer_account`, `success_url`, `failed_url`, `callback_url`,
/// `lang` (`"en"` or `"ru"`) and `host`.
///
/// # Safety
/// `merchant` comes from [`feennex_merchant_new`]; `params_json` is a
/// NUL-terminated string; `out` and `error` are valid for writes or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_pay_page(
    merchant: *const FeennexMerchant,
    params_json: *const c_char,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a live merchant and a string.
        let (merchant, params) =
            unsafe { (args::ref_arg(merchant, "merchant")?, str_arg(params_json, "params_json")?) };
        let params = args::json(params, "params_json")?;
        out.set_json(&feennex_ops::pay_page(merchant.session.merchant(), &params)?)
    })
}

/// Whether a withdrawal in this `status` has ended (5 Success, 6 Rejected, 8
/// ManualCanceled). 4 and 9 look like errors but are not final: paying again on
/// them pays twice; an unknown status is never final.
#[unsafe(no_mangle)]
pub extern "C" fn feennex_withdraw_status_is_final(status: i64) -> bool {
    feennex_ops::withdraw_status_is_final(status)
}
