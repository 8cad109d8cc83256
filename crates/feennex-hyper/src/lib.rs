//! An async client for the Feennex payment API on hyper, with HTTPS through rustls.
//!
//! Every decision (signing, what an answer means, retries, exactly-once payouts)
//! is made by the sans-IO core, [`feennex_proto`], which this crate re-exports: add
//! this one crate. This crate only moves bytes: it sends what the core asks, with
//! timeouts and a response size limit, and sleeps when told.
//!
//! ```no_run
//! use feennex_hyper::{Client, prelude::*};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"));
//! let client = Client::new(merchant)?;
//! let payout = TransferCreate::builder()
//!     .amount("10.50".parse()?)
//!     .payee_account("201234567890".parse()?)
//!     .payee_currency(Currency::USD)
//!     .shop_currency(Currency::USD)
//!     .shop_payment_id("order-42".parse()?)
//!     .build();
//! let outcome = client.payout(payout).await?;
//! println!("payout {} cost {}", outcome.summary.id, outcome.summary.write_off);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod driver;
mod proxy;
mod transport;

pub use client::{Client, ClientBuilder};
pub use driver::{drive, drive_prepared};
pub use transport::{HyperTransport, HyperTransportError};

/// The core's everyday vocabulary: `use feennex_hyper::prelude::*`.
pub use feennex_proto::prelude;
#[doc(no_inline)]
pub use feennex_proto::{endpoints, http};

/// The core crate, for paths such as `feennex_hyper::proto::endpoints::Endpoint`.
pub use feennex_proto as proto;
