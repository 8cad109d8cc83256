//! Cross-crate integration tests of feennex; the tests live in `tests/`.
//!
//! This library holds what they share: the two clients behind one trait so that
//! every scenario is written once and run with both ([`both_clients!`]), a sandbox
//! with its ledger read back in exact decimals, small scripted HTTP servers for
//! answers the sandbox cannot give, a TLS front for HTTPS, and a `CONNECT` proxy.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod clients;
mod connect_proxy;
pub mod forgery;
mod ledger;
mod routes;
mod sandbox;
mod scripted;
mod tls;
mod values;

pub use clients::{BlockingClient, HyperClient, Setup, TestClient};
pub use connect_proxy::{ConnectProxy, Tunnelled};
pub use ledger::{Ledger, LedgerBalance, LedgerTransfer, LedgerWithdrawal, OPENING_BALANCE};
pub use routes::{finish_payment, introspect};
pub use sandbox::{TestSandbox, merchant_at, seed_for};
pub use scripted::{Recorded, Reply, ScriptedServer, envelope_error, envelope_ok};
pub use tls::{FAR_HOST, TlsFront, client_config, self_signed};
pub use values::{
    amount, decimal, now, transfer_create, transfer_status, withdraw_create, withdraw_status,
};

/// Runs each named scenario, a function generic over [`TestClient`], as one test
/// with the async client (module `hyper_client`) and one with the blocking client
/// (module `blocking_client`).
#[macro_export]
macro_rules! both_clients {
    ($($scenario:ident),+ $(,)?) => {
        mod hyper_client {
            $(
                #[test]
                fn $scenario() {
                    super::$scenario::<$crate::HyperClient>();
                }
            )+
        }
        mod blocking_client {
            $(
                #[test]
                fn $scenario() {
                    super::$scenario::<$crate::BlockingClient>();
                }
            )+
        }
    };
}
