//! The one layer every binding goes through (Python, Node.js, C and, over C, PHP):
//! operations addressed by name, parameters read and checked once by one reader,
//! the options of a session, callbacks verified with the session's key, and one
//! table of failure kinds.
//!
//! A binding passes values across its boundary (a JSON object of parameters, a
//! response body) and gets values back (a request to send, a parsed answer, a
//! failure with the API's error code). Everything that decides (signing, the amount
//! text, request bodies, parsing, the exactly-once payout machine, callback
//! verification, which statuses are final) stays in `feennex-proto`; this crate
//! only names operations and converts values.
//!
//! ```
//! use feennex_ops::{Operation, merchant};
//!
//! let merchant = merchant(6, "SecretKey01", Some("http://127.0.0.1:8080"))?;
//! let params = serde_json::json!({
//!     "amount": "1.10", "amount_type": "receive_amount",
//!     "payee_currency": 978, "shop_currency": 840,
//! });
//! let request = Operation::from_name("transfer/try")?.build(&merchant, &params)?;
//! assert_eq!(request.url, "http://127.0.0.1:8080/transfer/try");
//! assert!(request.body.starts_with(r#"{"amount":1.1,"#));
//!
//! // A parameter no operation reads is refused by name, never dropped.
//! let typo = serde_json::json!({
//!     "amount": "1.10", "amount_type": "receive_amount",
//!     "payee_currency": 978, "shop_currency": 840, "descripton": "typo",
//! });
//! let refused = Operation::TransferTry.build(&merchant, &typo).unwrap_err();
//! assert_eq!(refused.field.as_deref(), Some("descripton"));
//! # Ok::<(), feennex_ops::Failure>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// A `Failure` carries every detail a binding shows (about 250 bytes) and travels
// only on the error path, once per refused call, where boxing it would save
// nothing measurable and cost every binding an indirection to read it.
#![allow(clippy::result_large_err)]

mod callback;
mod failure;
mod kind;
mod machine;
mod operation;
mod options;
mod params;
mod pay_page;
mod signing;
mod view;

pub use callback::{
    CallbackInput, FieldRule, SenderRule, check_order, fields_json, verify_with_secret,
    verify_with_session,
};
pub use failure::Failure;
pub use kind::Kind;
pub use machine::{Machine, StepView};
pub use operation::Operation;
pub use options::{default_max_response_bytes, max_response_bytes, merchant, session};
pub use pay_page::{PayPageView, pay_page};
pub use signing::{
    Signer, amount_text, sign_fields, string_to_sign, unpack_fields, withdraw_status_is_final,
};
pub use view::RequestView;

/// The core, re-exported so that bindings name the same version.
pub use feennex_proto as proto;
