//! An async client for the Feennex payment API on hyper, with HTTPS through rustls.
//!
//! Every decision (signing, what an answer means, retries, exactly-once payouts)
//! is made by the sans-IO core, [`feennex_proto`], which this crate re-exports: add
//! this one crate. This crate only moves bytes: it sends what the core asks, with
//! timeouts and a response size limit, and sleeps when told.
//!
//! ```no_run
//! use feennex_hyper::{Client, Currency, Merchant, SecretKey, ShopId, TransferAmountType, TransferCreate};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"));
//! let client = Client::new(merchant)?;
//! let outcome = client
//!     .payout(TransferCreate {
//!         amount: "10.50".parse()?,
//!         amount_type: TransferAmountType::ReceiveAmount,
//!         payee_account: "201234567890".parse()?,
//!         payee_currency: Currency::USD,
//!         shop_currency: Currency::USD,
//!         shop_payment_id: "order-42".parse()?,
//!         description: None,
//!     })
//!     .await?;
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

pub use client::{BuildError, Client, ClientBuilder};
pub use driver::drive;
pub use feennex_proto::*;
pub use transport::{HyperTransport, HyperTransportError};

/// The core crate, for paths such as `feennex_hyper::proto::Endpoint`.
pub use feennex_proto as proto;
