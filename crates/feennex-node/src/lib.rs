//! The Node.js addon: the core's functions and machines, with JSON texts across the
//! boundary. `index.js` wraps it in JavaScript idioms (objects, Promises, a
//! `Client` on `fetch`, errors with the API's code); use that, not this module.
//!
//! Every function returns a value or throws an `Error` whose message is a JSON
//! failure (`kind`, `message`, `code`, ...), which `index.js` turns into a
//! `FeennexError`. A panic is caught and thrown as such an error too, so no input
//! can crash the node process.
#![deny(missing_docs)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use feennex_ops::proto::Merchant;
use feennex_ops::{CallbackInput, Failure, FieldRule, Machine, Operation};
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

/// The signature of these fields (names and values in the same order).
#[napi]
pub fn sign(names: Vec<String>, values: Vec<String>, secret: String) -> Result<String> {
    guard(|| {
        if secret.is_empty() {
            return Err(Failure::invalid("secret", "it is empty"));
        }
        Ok(feennex_ops::sign_fields(&pairs(names, values)?, &secret))
    })
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
    let limit = feennex_ops::proto::prelude::ClientOptions::default().max_response_bytes;
    u32::try_from(limit).unwrap_or(u32::MAX)
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

/// The fields of a verified callback, as JSON text. `allow` lists the permitted
/// senders; `null` states that a proxy in front already checked them.
/// `allow_fields` names fields accepted besides the documented ones;
/// `permissive` leaves the field set unchecked (not both).
#[napi]
pub fn verify_callback(
    body: Buffer,
    content_type: String,
    remote_ip: String,
    allow: Option<Vec<String>>,
    secret: String,
    allow_fields: Vec<String>,
    permissive: bool,
) -> Result<String> {
    guard(|| {
        let input = CallbackInput {
            body: &body,
            content_type: &content_type,
            remote_ip: &remote_ip,
            allow: allow.as_deref(),
            fields: FieldRule { allow_fields: &allow_fields, permissive },
        };
        json_text(&feennex_ops::verify_callback(input, &secret)?)
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
        attempt_timeout_ms: Option<u32>,
    ) -> Result<Self> {
        guard(|| {
            let shop_id = u64::try_from(shop_id)
                .map_err(|_| Failure::invalid("shop_id", "it must be positive"))?;
            let merchant = feennex_ops::merchant(shop_id, &secret, base_url.as_deref())?;
            let session = feennex_ops::session(merchant, attempt_timeout_ms.map(u64::from))?;
            Ok(Self { session })
        })
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
