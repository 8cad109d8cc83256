//! A sandbox per test, with its faults switched at run time through
//! `POST /_sandbox/faults` and its ledger read back.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;

use feennex_proto::{Merchant, SecretKey, prelude::ShopId};
use feennex_sandbox::{DEFAULT_SECRET, DEFAULT_SHOP_ID, FaultConfig, Sandbox, SandboxConfig};

use crate::clients::{Setup, TestClient};
use crate::ledger::Ledger;
use crate::routes::introspect;

/// A sandbox on a free loopback port, stopped when dropped.
#[derive(Debug)]
pub struct TestSandbox {
    sandbox: Sandbox,
}

impl TestSandbox {
    /// A sandbox with the default shop, balances, payways and no faults.
    pub fn start() -> Self {
        Self::with_config(SandboxConfig::default())
    }

    /// A sandbox with this configuration.
    pub fn with_config(config: SandboxConfig) -> Self {
        Self { sandbox: Sandbox::spawn(([127, 0, 0, 1], 0).into(), config).unwrap() }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        self.sandbox.base_url()
    }

    /// The default shop, pointed at this sandbox.
    pub fn merchant(&self) -> Merchant {
        merchant_at(self.base_url())
    }

    /// A client of type `C` for the default shop.
    pub fn client<C: TestClient>(&self, setup: Setup) -> C {
        C::build(self.merchant(), setup)
    }

    /// Replaces the faults; the generator restarts from the seed.
    pub fn set_faults(&self, faults: &FaultConfig) {
        let probabilities: BTreeMap<&str, f64> =
            faults.probabilities.iter().map(|(kind, p)| (kind.name(), *p)).collect();
        let body = serde_json::json!({
            "probabilities": probabilities,
            "seed": faults.seed,
            "delay_ms": u64::try_from(faults.delay.as_millis()).unwrap(),
        });
        self.post("/_sandbox/faults", &body.to_string());
    }

    /// Stops injecting faults.
    pub fn clear_faults(&self) {
        self.post("/_sandbox/faults", r#"{"probabilities": {}}"#);
    }

    /// How many faults of each kind were injected since the sandbox started.
    pub fn injected_faults(&self) -> BTreeMap<String, u64> {
        let text = introspect(self.base_url(), "faults");
        let settings: serde_json::Value = serde_json::from_str(&text).unwrap();
        serde_json::from_value(settings["injected"].clone()).unwrap()
    }

    /// The ledger as it is now.
    pub fn ledger(&self) -> Ledger {
        Ledger::read(self.base_url())
    }

    /// Sends a sandbox-only POST and checks it was accepted.
    fn post(&self, path: &str, body: &str) {
        let host = self.base_url().trim_start_matches("http://");
        let mut stream = TcpStream::connect(host).unwrap();
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "POST {path} was refused: {answer}");
    }
}

/// The sandbox's default shop at `base_url`.
pub fn merchant_at(base_url: &str) -> Merchant {
    Merchant::new(ShopId::new(DEFAULT_SHOP_ID).unwrap(), SecretKey::new(DEFAULT_SECRET))
        .with_base_url(base_url.parse().unwrap())
}

/// A seed for which the sandbox's fault generator, with a fault of probability
/// `probability`, hits exactly the requests marked `true` in `pattern` (the first
/// requests after the faults are set).
///
/// The sandbox draws with SplitMix64, a published generator, one number per API
/// request; tests that use a seed also check the sandbox's count of injected
/// faults, so a different generator fails them rather than passing them silently.
pub fn seed_for(probability: f64, pattern: &[bool]) -> u64 {
    (0..100_000u64)
        .find(|seed| {
            let mut state = *seed;
            pattern.iter().all(|hit| (split_mix_unit(&mut state) < probability) == *hit)
        })
        .expect("no seed in range gives this pattern")
}

fn split_mix_unit(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}
