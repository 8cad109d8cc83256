//! The sans-IO core of the Feennex payment API.
//!
//! It builds signed [`http::Request`]s for every operation and reads
//! [`http::Response`] bodies into typed results. It performs no I/O, reads no clock
//! and draws no random numbers: the caller's transport sends the bytes, and the time
//! comes in as an argument. That keeps every request reproducible and lets any HTTP
//! stack drive it. The clients `feennex-hyper` (async) and `feennex-blocking` are
//! such drivers; so can your own stack be.
//!
//! ```
//! use feennex_proto::prelude::*;
//! use feennex_proto::response::parse_response;
//!
//! let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"))
//!     .with_base_url("http://127.0.0.1:8080".parse()?);
//! let create = TransferCreate::builder()
//!     .amount("10.50".parse()?)
//!     .payee_account(PayeeAccount::new("201234567890")?)
//!     .payee_currency(Currency::USD)
//!     .shop_currency(Currency::USD)
//!     .shop_payment_id(ShopPaymentId::new("order-42")?)
//!     .build();
//! let request = merchant.build(&create)?;
//! assert_eq!(request.uri(), "http://127.0.0.1:8080/transfer/create");
//! assert_eq!(merchant.string_to_sign(&create), "10.5:receive_amount:201234567890:840:840:6:order-42");
//!
//! // ... send `request` with any HTTP client, then:
//! let body = br#"{"data":{"balance":89.5,"id":7,"payee_account":"201234567890","payee_amount":10.5,
//!     "payee_currency":840,"shop":6,"shop_currency":840,"write_off_amount":10.5},
//!     "error_code":0,"message":"Ok","result":true}"#;
//! let created = parse_response::<TransferCreate>(http::StatusCode::OK, body)?;
//! assert_eq!(created.write_off_amount.to_string(), "10.5");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The map
//!
//! - [`prelude`]: the everyday vocabulary, for `use feennex_proto::prelude::*`; the
//!   root itself holds only [`Error`], [`Merchant`], [`SecretKey`], [`Session`] and
//!   [`http`].
//! - [`types`]: the values requests are made of (amounts, currencies, ids), each
//!   checked once when made, and the statuses of operations.
//! - [`endpoints`]: one type per API operation and the typed data of its answer.
//! - [`request`]: the merchant (base URL, shop, key) that turns an operation into a
//!   signed request; [`response`]: reading answers.
//! - [`sign`](mod@sign): the signature itself.
//! - [`exchange`]: the machines that decide every request of a call: retries, and
//!   exactly-once payouts; the run-loop contract below is theirs.
//! - [`session`]: a merchant with its options, which makes those machines; clients
//!   hold one.
//! - [`transport`]: what the machines ask of an HTTP stack.
//! - [`adoption`]: the one rule of whether a payout found under an id is the one
//!   a request asked for.
//! - [`batch`]: the pure rules of a batch of payouts: what a journal entry means
//!   on resume, how a row's payout ends.
//! - [`callback`]: verifying the notifications Feennex sends about payments.
//! - [`pay_page`]: the hosted pay page's signed form.
//! - [`error`]: the one error type, with the API's error codes.
//! - [`proxy`]: which proxy, if any, a request goes through (`HTTPS_PROXY`, ...).
//! - [`call_log`]: the events a driver reports about each call, through `tracing`.
//!
//! # The run loop
//!
//! A call (one request with its retries, or a payout made exactly once) is a
//! machine implementing [`exchange::Exchange`]. A driver owns the clock, the random
//! numbers and the sockets, and runs the machine until it is done:
//!
//! 1. Call [`poll`](exchange::Exchange::poll) with the current monotonic time, the
//!    calendar time and a random number.
//! 2. On [`Step::Send`](exchange::Step::Send), send the request, giving up at its
//!    `deadline`; then call [`receive`](exchange::Exchange::receive) with the time
//!    the outcome arrived and the outcome: the response, or the transport's error
//!    wrapped by [`Error::transport`], which keeps whether the request could have
//!    left. An outcome received after the deadline counts as "timed out after
//!    sending", whatever it is. Poll again.
//! 3. On [`Step::Wait`](exchange::Step::Wait), sleep that long and poll again.
//! 4. On [`Step::Done`](exchange::Step::Done), the call is over: return its result.
//!
//! Polling while a request is out, or after the end, ends the call with
//! [`Error::OutOfTurn`]. Nothing else is asked of a driver: whether to retry, how
//! long to wait, when an outcome is unknown and how to reconcile it are the
//! machine's decisions. [`exchange::Simulation`] runs any machine against scripted
//! answers on a simulated clock.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod adoption;
pub mod batch;
pub mod call_log;
pub mod callback;
pub mod endpoints;
pub mod error;
mod error_code;
pub mod exchange;
mod lenient;
mod options;
pub mod pay_page;
pub mod proxy;
pub mod request;
pub mod response;
mod retry;
mod secret;
pub mod session;
mod short_copy;
pub mod sign;
mod status;
pub mod transport;
pub mod types;

// A short, chosen list at the root: the shop, its session, the key and the one
// error type. Everything else lives in its module, and the prelude gathers the
// everyday vocabulary.
#[doc(no_inline)]
pub use error::Error;
#[doc(no_inline)]
pub use request::Merchant;
#[doc(no_inline)]
pub use secret::{EmptySecretKey, SecretKey};
#[doc(no_inline)]
pub use session::Session;

/// The everyday vocabulary, for `use feennex_proto::prelude::*` (the clients
/// re-export it as their own prelude): the values requests are made of, every
/// request, the shop and its options, and the errors. Answers' types, traits and
/// the machinery stay in their modules.
pub mod prelude {
    pub use crate::endpoints::{
        AccountDetails, BillCreate, BillShopOrderStatus, CheckAccount, InvoiceCreate, InvoiceTry,
        PaymentUrls, ShopBalance, TransferCreate, TransferStatus, TransferTry, WithdrawCreate,
        WithdrawShopPaymentStatus, WithdrawStatusById, WithdrawTry,
    };
    pub use crate::error::{ApiError, Error, ErrorCode};
    pub use crate::request::{BaseUrl, Merchant};
    pub use crate::secret::SecretKey;
    pub use crate::session::{BuildError, ClientOptions, Session};
    pub use crate::types::{
        Amount, BillStatus, Currency, InvoiceStatus, PayeeAccount, Payway, ShopId, ShopOrderId,
        ShopPaymentId, Timestamp, TransferAmountType, WithdrawAccount, WithdrawAmountType,
        WithdrawStatus,
    };
    pub use rust_decimal::Decimal;
}

/// The `http` crate, re-exported so that users name the same version.
pub use http;
