//! The core's operations addressed by name, with JSON parameters and JSON results:
//! the one layer the Node.js addon and the C ABI share.
//!
//! A binding passes texts across its boundary (a JSON object of parameters, a
//! response body) and gets texts back (a request to send, a parsed answer, a
//! failure with the API's error code). Everything that decides (signing, the amount
//! text, request bodies, parsing, the exactly-once payout machine, callback
//! verification) stays in `feennex-proto`; this crate only names operations and
//! converts values.
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
//! # Ok::<(), feennex_ops::Failure>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod callback;
mod failure;
mod machine;
mod operation;
mod params;
mod signing;

pub use callback::{CallbackInput, FieldRule, verify_callback};
pub use failure::Failure;
pub use machine::{Machine, StepView};
pub use operation::{Operation, RequestView, merchant, session};
pub use signing::{amount_text, sign_fields, string_to_sign};

/// The core, re-exported so that bindings name the same version.
pub use feennex_proto as proto;
