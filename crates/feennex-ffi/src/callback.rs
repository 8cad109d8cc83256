//! Verifying callbacks.

use std::ffi::c_char;

use crate::FeennexMerchant;
use crate::args::{self, Out, bytes_arg, optional_str_arg, str_arg, str_array_arg};
use crate::{FeennexStatus, run};
use feennex_ops::{CallbackInput, FieldRule, SenderRule};

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
        // An empty list is "no list": the core's sender rule then asks for one.
        let senders =
            SenderRule { allow: (!allow.is_empty()).then_some(&allow[..]), checked_upstream };
        let allow_fields: Vec<String> = allow_fields.into_iter().map(str::to_owned).collect();
        let fields = FieldRule { allow_fields: &allow_fields, permissive };
        let input = CallbackInput { body, content_type, remote_ip, senders, fields };
        out.set_json(&feennex_ops::fields_json(&feennex_ops::verify_with_secret(input, secret)?))
    })
}

/// [`feennex_verify_callback_fields`] with the merchant's own key, so that the
/// caller never passes the key again; when `order_json` is not NULL, the callback
/// is also checked against the merchant's order, a JSON object of
/// `shop_order_id`, `amount` (compared as a decimal: `"10.0"` equals `"10.00"`) and
/// `currency` (the shop is the merchant's): a difference ends in
/// `FEENNEX_STATUS_FAILED` with kind `order_mismatch` and the `field` that
/// differs. The callback's fields as a JSON object into `*out`.
///
/// # Safety
/// As [`feennex_verify_callback_fields`]; `merchant` comes from
/// `feennex_merchant_new`; `order_json` is a NUL-terminated string or NULL.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn feennex_merchant_verify_callback(
    merchant: *const FeennexMerchant,
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
    order_json: *const c_char,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a live merchant and the bytes, strings and
        // arrays described above.
        let (merchant, body, content_type, remote_ip, allow, allow_fields, order) = unsafe {
            (
                args::ref_arg(merchant, "merchant")?,
                bytes_arg(body, body_len, "body")?,
                str_arg(content_type, "content_type")?,
                str_arg(remote_ip, "remote_ip")?,
                str_array_arg(allow, allow_count, "allow")?,
                str_array_arg(allow_fields, allow_fields_count, "allow_fields")?,
                optional_str_arg(order_json, "order_json")?,
            )
        };
        let allow: Vec<String> = allow.into_iter().map(str::to_owned).collect();
        let senders =
            SenderRule { allow: (!allow.is_empty()).then_some(&allow[..]), checked_upstream };
        let allow_fields: Vec<String> = allow_fields.into_iter().map(str::to_owned).collect();
        let fields = FieldRule { allow_fields: &allow_fields, permissive };
        let input = CallbackInput { body, content_type, remote_ip, senders, fields };
        let mut order = order.map(|text| args::json(text, "order_json")).transpose()?;
        if let Some(serde_json::Value::Object(order)) = order.as_mut() {
            let shop = merchant.session.merchant().shop_id().get();
            order.insert("shop_id".to_owned(), shop.into());
        }
        let notification = feennex_ops::verify_with_session(&merchant.session, input)?;
        if let Some(order) = &order {
            feennex_ops::check_order(&notification, order)?;
        }
        out.set_json(&feennex_ops::fields_json(&notification))
    })
}
