//! A local Feennex: a real HTTP server that behaves like the Feennex engine, to develop
//! and test a shop against on loopback.
//!
//! It keeps state (balances, payouts, payments), checks signatures the way the real
//! Python server does (so it accepts values sent as JSON numbers or strings), moves
//! withdrawals through their statuses over time, serves the payer's side (the hosted
//! pay page at `/{en,ru}/pay` and the pages of bills and invoices, where the payer
//! pays or declines), delivers signed callbacks of payments (from a chosen address,
//! [`SandboxConfig::callback_source`]), offers each shop its payways
//! ([`SandboxConfig::with_payways`]), shows everything on a live dashboard at its
//! root ([`Sandbox::dashboard_url`]), and can break its API answers on purpose
//! ([`FaultKind`]) so that clients can prove they never pay twice.
//!
//! ```
//! use feennex_sandbox::{Sandbox, SandboxConfig, DEFAULT_SHOP_ID, DEFAULT_SECRET};
//!
//! let sandbox = Sandbox::spawn(([127, 0, 0, 1], 0).into(), SandboxConfig::default())?;
//! assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//! // Point a client at sandbox.base_url() with shop DEFAULT_SHOP_ID and DEFAULT_SECRET.
//! # let _ = (DEFAULT_SHOP_ID, DEFAULT_SECRET);
//! sandbox.shutdown();
//! # Ok::<(), feennex_sandbox::StartError>(())
//! ```
//!
//! Besides the API, the sandbox answers these routes (never faulted, not signed):
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the dashboard, updated live |
//! | `GET`/`POST /{en,ru}/pay` | the hosted pay page |
//! | `GET`/`POST /_sandbox/pay/{bill,invoice}/{id}` | the payer's page that payment URLs point to |
//! | `GET /_sandbox/state` | everything the dashboard shows, at one revision |
//! | `GET /_sandbox/events` | server-sent events: `change` and the revision, after each change |
//! | `GET /_sandbox/transfers` | every applied wallet payout |
//! | `GET /_sandbox/withdrawals` | every applied withdrawal with its status |
//! | `GET /_sandbox/balances` | available, frozen and hold money per shop and currency |
//! | `GET /_sandbox/payments` | bills and invoices |
//! | `GET /_sandbox/callbacks` | every callback delivery attempt |
//! | `GET`/`POST /_sandbox/faults` | fault probabilities, seed, delay and counts |
//! | `POST /_sandbox/payments/{bill,invoice}/{id}/{complete,reject}` | finish a payment and deliver its callback |
//! | `POST /_sandbox/callbacks/{bill,invoice}/{id}/resend` | deliver a finished payment's callback again |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod admin;
mod api;
mod app;
mod callbacks;
mod config;
mod dashboard;
mod direct;
mod faults;
mod ledger;
mod money;
mod pay;
mod payways;
mod pytext;
mod remote;
mod reply;
mod request;
mod server;

pub use config::{
    CallbackRetry, DEFAULT_BALANCE, DEFAULT_SECRET, DEFAULT_SHOP_ID, ReadTimeouts, SandboxConfig,
    ShopConfig, WithdrawalPace, default_rates,
};
#[doc(hidden)]
pub use direct::DirectSandbox;
pub use faults::{DEFAULT_FAULT_DELAY, FaultConfig, FaultKind, UnknownFaultKind};
pub use ledger::PaymentKind;
pub use payways::{AccountFormat, InvoiceForm, InvoicePayway, PaywayError, WithdrawPayway};
pub use pytext::{float_repr, number_text, python_str};
pub use remote::{RemoteError, finish_payment, introspect};
pub use server::{Sandbox, StartError};
