//! The sans-IO core of the Feennex payment API.
//!
//! It builds signed [`http::Request`]s for every operation and reads
//! [`http::Response`] bodies into typed results. It performs no I/O, reads no clock
//! and draws no random numbers: the caller's transport sends the bytes, and the time
//! (`now`) comes in as an argument. That keeps every request reproducible and lets
//! any HTTP stack drive it.
//!
//! ```
//! use feennex_proto::*;
//!
//! let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"))
//!     .with_base_url("http://127.0.0.1:8080".parse()?);
//! let create = TransferCreate {
//!     amount: "10.50".parse()?,
//!     amount_type: TransferAmountType::ReceiveAmount,
//!     payee_account: PayeeAccount::new("201234567890")?,
//!     payee_currency: Currency::USD,
//!     shop_currency: Currency::USD,
//!     shop_payment_id: ShopPaymentId::new("order-42")?,
//!     description: None,
//! };
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
//! Besides the API calls, [`Merchant::pay_page`] builds the signed form of the hosted
//! pay page, [`verify_callback`] checks a payment notification from its raw bytes,
//! and the status enums ([`WithdrawStatus`], [`InvoiceStatus`], [`BillStatus`]) say
//! when an operation has ended.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod callback;
mod endpoints;
mod error;
mod error_code;
mod exchange;
mod options;
mod pay_page;
mod request;
mod response;
mod retry;
mod secret;
mod short_copy;
mod sign;
mod status;
mod transport;
mod types;

pub use callback::{
    CALLBACK_REPLY_OK, CallbackDelivery, CallbackRejection, CallbackStatus, DeliveryKey,
    ExpectedOrder, IpRange, IpRangeError, Notification, OrderMismatch, ReplayGuard, SenderCheck,
    verify_callback,
};
pub use endpoints::*;
pub use error::{ApiError, Error};
pub use error_code::ErrorCode;
pub use exchange::{
    Call, ExactlyOncePayout, Exchange, IdempotentCreate, PayoutOutcome, PayoutPolicy, PayoutRecord,
    PayoutResult, PayoutSummary, Step,
};
pub use options::{AttemptTimeout, ClientOptions, PlainHttpRefused};
pub use pay_page::{DEFAULT_PAY_PAGE_HOST, PayPage, PayPageForm, PayPageLang, PayPageLangError};
pub use request::{
    BaseUrl, BaseUrlError, BodyWriter, DEFAULT_BASE_URL, Endpoint, Merchant, parse_response,
};
pub use response::parse_envelope;
pub use retry::{CallKind, RetryDecision, RetryPolicy, is_retryable};
pub use rust_decimal::Decimal;
pub use secret::SecretKey;
pub use sign::{SignState, Signature, sign, string_to_sign, verify};
pub use status::{BillStatus, InvoiceStatus, WithdrawStatus};
pub use transport::{
    AsyncTransport, AttemptTimedOut, BlockingTransport, Delivery, Request, Response, TransportError,
};
pub use types::*;

/// The `http` crate, re-exported so that users name the same version.
pub use http;
