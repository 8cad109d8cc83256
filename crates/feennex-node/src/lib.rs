//! The Node.js addon: the core's functions and machines, with JSON texts across the
//! boundary. `index.js` wraps it in JavaScript idioms (objects, Promises, a
//! `Client` on `fetch`, errors with the API's code); use that, not this module.
//!
//! Every function returns a value or throws an `Error` whose message is a JSON
//! failure (`kind`, `message`, `code`, ...), which `index.js` turns into a
//! `FeennexError`. A panic is caught and thrown as such an error too, so no input
//! can crash the node process.
#![deny(missing_docs)]
// The shared layer's `Failure` (about 250 bytes) travels only on the error path.
#![allow(clippy::result_large_err)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use feennex_ops::proto::Merchant;
use feennex_ops::{CallbackInput, Failure, FieldRule, Kind, Machine, Operation, SenderRule};
use napi::bindgen_prelude::Buffer;
use napi::{Error, Result, Status};
use napi_derive::napi;

/// Runs `work`, turning a failure or a panic into a thrown error.
fn guard<T>(work: impl FnOnce() -> std::result::Result<T, Failure>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(failure)) => Err(Error::new(Status::GenericFailure, failure.to_json())),
        Err(_) => Err(Error::new(Status::GenericFailure, Failure::internal().to_json())),
    }
}

fn json_text(value: &impl serde::Serialize) -> std::result::Result<String, Failure> {
    serde_json::to_string(value).map_err(|error| Failure::invalid("result", error))
}

fn params(text: &str) -> std::result::Result<serde_json::Value, Failure> {
    serde_json::from_str(text).map_err(|error| Failure::invalid("params", error))
}

fn pairs(
    names: Vec<String>,
    values: Vec<String>,
) -> std::result::Result<Vec<(String, String)>, Failure> {
    if names.len() != values.len() {
        return Err(Failure::invalid("fields", "as many names as values are needed"));
    }
    Ok(names.into_iter().zip(values).collect())
}

fn unpack(packed: &str, count: u32) -> std::result::Result<Vec<(&str, &str)>, Failure> {
    feennex_ops::unpack_fields(packed, count as usize)
}

/// The signature of packed fields (see `Signer.sign`) with `secret`.
#[napi]
pub fn sign_packed(packed: String, count: u32, secret: String) -> Result<String> {
    guard(|| feennex_ops::sign_fields(&unpack(&packed, count)?, &secret))
}

/// A shop's key kept for signing: one N-API crossing per signature.
#[napi]
#[derive(Debug)]
pub struct NativeSigner {
    signer: feennex_ops::Signer,
}

#[napi]
impl NativeSigner {
    /// A signer with this key; an empty key is refused.
    #[napi(constructor)]
    pub fn new(secret: String) -> Result<Self> {
        guard(|| Ok(Self { signer: feennex_ops::Signer::new(&secret)? }))
    }

    /// The signature of `count` packed fields (`name\0value\0` each).
    #[napi]
    pub fn sign(&self, packed: String, count: u32) -> Result<String> {
        guard(|| Ok(self.signer.sign(&unpack(&packed, count)?)))
    }

    /// Whether `received` is the signature of the packed fields (constant time).
    #[napi]
    pub fn verify(&self, packed: String, count: u32, received: String) -> Result<bool> {
        guard(|| Ok(self.signer.verify(&unpack(&packed, count)?, &received)))
    }
}

/// The name of every failure kind, as `FeennexError.kind` says it.
#[napi]
pub fn failure_kinds() -> Vec<String> {
    Kind::ALL.iter().map(|kind| kind.name().to_owned()).collect()
}

/// Whether a withdrawal in this status has ended (the core's rule: 4 and 9 are
/// not final).
#[napi]
pub fn withdraw_status_is_final(status: i64) -> bool {
    feennex_ops::withdraw_status_is_final(status)
}

/// The string-to-sign of these fields, without the secret.
#[napi]
pub fn string_to_sign(names: Vec<String>, values: Vec<String>) -> Result<String> {
    guard(|| Ok(feennex_ops::string_to_sign(&pairs(names, values)?)))
}

/// The canonical text of an amount.
#[napi]
pub fn amount_text(amount: String) -> Result<String> {
    guard(|| feennex_ops::amount_text(&amount))
}

/// The largest answer a client reads by default, in bytes (the core's default).
#[napi]
pub fn default_max_response_bytes() -> u32 {
    u32::try_from(feennex_ops::default_max_response_bytes()).unwrap_or(u32::MAX)
}

/// The names of every operation (API paths).
#[napi]
pub fn operations() -> Vec<String> {
    Operation::ALL.iter().map(|operation| operation.name().to_owned()).collect()
}

/// The typed data of an answer to `operation`, as JSON text.
#[napi]
pub fn parse_response(operation: String, status: u32, body: Buffer) -> Result<String> {
    guard(|| {
        let status =
            u16::try_from(status).map_err(|_| Failure::invalid("status", "not an HTTP status"))?;
        json_text(&Operation::from_name(&operation)?.parse(status, &body)?)
    })
}

/// The callback rules as JavaScript gives them.
#[napi(object)]
#[derive(Debug, Default)]
pub struct CallbackRules {
    /// The allowed senders (addresses, CIDR blocks, ranges).
    pub allow: Option<Vec<String>>,
    /// Whether a proxy in front already checked the sender.
    pub checked_upstream: bool,
    /// Fields accepted besides the documented ones.
    pub allow_fields: Vec<String>,
    /// Whether the field set is left unchecked.
    pub permissive: bool,
}

fn callback_input<'a>(
    body: &'a [u8],
    content_type: &'a str,
    remote_ip: &'a str,
    rules: &'a CallbackRules,
) -> CallbackInput<'a> {
    CallbackInput {
        body,
        content_type,
        remote_ip,
        senders: SenderRule {
            allow: rules.allow.as_deref(),
            checked_upstream: rules.checked_upstream,
        },
        fields: FieldRule { allow_fields: &rules.allow_fields, permissive: rules.permissive },
    }
}

/// The fields of a callback verified with `secret`, as JSON text (the sender
/// rule and the field rule are the core's).
#[napi]
pub fn verify_callback(
    body: Buffer,
    content_type: String,
    remote_ip: String,
    rules: CallbackRules,
    secret: String,
) -> Result<String> {
    guard(|| {
        let input = callback_input(&body, &content_type, &remote_ip, &rules);
        json_text(&feennex_ops::fields_json(&feennex_ops::verify_with_secret(input, &secret)?))
    })
}

/// A shop: its id, its key (kept here, never shown) and the API's base URL.
#[napi]
#[derive(Debug)]
pub struct NativeMerchant {
    session: feennex_ops::proto::Session,
}

#[napi]
impl NativeMerchant {
    /// A shop; plain HTTP is allowed to loopback addresses only.
    #[napi(constructor)]
    pub fn new(
        shop_id: i64,
        secret: String,
        base_url: Option<String>,
        options_json: String,
    ) -> Result<Self> {
        guard(|| {
            let shop_id = u64::try_from(shop_id)
                .map_err(|_| Failure::invalid("shop_id", "it must be positive"))?;
            let merchant = feennex_ops::merchant(shop_id, &secret, base_url.as_deref())?;
            let options = serde_json::from_str(&options_json)
                .map_err(|error| Failure::invalid("options", error))?;
            let session = feennex_ops::session(merchant, &options)?;
            Ok(Self { session })
        })
    }

    /// The largest answer to read, in bytes (this shop's option, or the default).
    #[napi]
    pub fn max_response_bytes(&self) -> u32 {
        u32::try_from(feennex_ops::max_response_bytes(&self.session)).unwrap_or(u32::MAX)
    }

    /// The fields of a callback verified with this shop's key, as JSON text;
    /// with `order_json` (`shop_order_id`, `amount`, `currency`), also checked
    /// against the order.
    #[napi]
    pub fn verify_callback(
        &self,
        body: Buffer,
        content_type: String,
        remote_ip: String,
        rules: CallbackRules,
        order_json: Option<String>,
    ) -> Result<String> {
        guard(|| {
            let input = callback_input(&body, &content_type, &remote_ip, &rules);
            let notification = feennex_ops::verify_with_session(&self.session, input)?;
            if let Some(order) = order_json {
                let mut order: serde_json::Value = serde_json::from_str(&order)
                    .map_err(|error| Failure::invalid("order", error))?;
                if let Some(fields) = order.as_object_mut() {
                    fields.insert("shop_id".to_owned(), self.merchant().shop_id().get().into());
                }
                feennex_ops::check_order(&notification, &order)?;
            }
            json_text(&feennex_ops::fields_json(&notification))
        })
    }

    /// The hosted pay page of an order: `{action, fields}` as JSON text.
    #[napi]
    pub fn pay_page(&self, params_json: String) -> Result<String> {
        guard(|| json_text(&feennex_ops::pay_page(self.merchant(), &params(&params_json)?)?))
    }

    fn merchant(&self) -> &Merchant {
        self.session.merchant()
    }

    /// The signed request of `operation` with these parameters (JSON text in and out).
    #[napi]
    pub fn build(&self, operation: String, params_json: String) -> Result<String> {
        guard(|| {
            let request =
                Operation::from_name(&operation)?.build(self.merchant(), &params(&params_json)?)?;
            json_text(&request)
        })
    }

    /// The string-to-sign of `operation` with these parameters, without the secret.
    #[napi]
    pub fn string_to_sign(&self, operation: String, params_json: String) -> Result<String> {
        guard(|| {
            Operation::from_name(&operation)?
                .string_to_sign(self.merchant(), &params(&params_json)?)
        })
    }

    /// The machine that sends `operation`: exactly once for payouts (looked up
    /// first when `resume`), with the core's retries otherwise.
    #[napi]
    pub fn machine(
        &self,
        operation: String,
        params_json: String,
        resume: bool,
    ) -> Result<NativeMachine> {
        guard(|| {
            let machine = Operation::from_name(&operation)?.machine(
                &self.session,
                &params(&params_json)?,
                resume,
            )?;
            Ok(NativeMachine { machine })
        })
    }
}

/// A call's machine, driven from JavaScript.
#[napi]
#[derive(Debug)]
pub struct NativeMachine {
    machine: Machine,
}

#[napi]
impl NativeMachine {
    /// The next step as JSON text: `send` (with `timeout_ms` and the request),
    /// `wait` (`ms`), `done` (`value`) or `failed` (`error`).
    #[napi]
    pub fn poll(&mut self) -> Result<String> {
        guard(|| json_text(&self.machine.poll()))
    }

    /// The answer to the last `send` step.
    #[napi]
    pub fn receive_response(&mut self, status: u32, body: Buffer) -> Result<()> {
        guard(|| {
            let status = u16::try_from(status)
                .map_err(|_| Failure::invalid("status", "not an HTTP status"))?;
            self.machine.receive_response(status, body.to_vec())
        })
    }

    /// The last `send` step failed; `sent` says whether the request could have
    /// reached the server.
    #[napi]
    pub fn receive_failure(&mut self, sent: bool, message: String) -> Result<()> {
        guard(|| {
            self.machine.receive_failure(sent, &message);
            Ok(())
        })
    }
}
