//! A blocking client for the Feennex payment API on ureq, with no async runtime.
//!
//! It is safe to call from a plain thread or from inside a tokio runtime's blocking
//! section (`spawn_blocking`). Every decision (signing, what an answer means,
//! retries, exactly-once payouts) is made by the sans-IO core, [`feennex_proto`],
//! which this crate re-exports.
//!
//! ```no_run
//! use feennex_blocking::{Client, prelude::*};
//!
//! let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"));
//! let client = Client::new(merchant)?;
//! let quote = TransferTry::builder()
//!     .amount("10".parse()?)
//!     .payee_currency(Currency::EUR)
//!     .shop_currency(Currency::USD)
//!     .build();
//! let quote = client.call(&quote)?;
//! println!("a payout of 10 EUR costs {} USD", quote.write_off_amount);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod driver;
mod transport;

pub use client::{Client, ClientBuilder};
pub use driver::{drive, drive_prepared};

/// The core's everyday vocabulary: `use feennex_blocking::prelude::*`.
pub use feennex_proto::prelude;
#[doc(no_inline)]
pub use feennex_proto::{endpoints, http};
/// A DER certificate, for [`ClientBuilder::root_certificates`].
pub use rustls_pki_types::CertificateDer;
pub use transport::{UreqTransport, UreqTransportError};

/// The core crate, for paths such as `feennex_blocking::proto::endpoints::Endpoint`.
pub use feennex_proto as proto;
