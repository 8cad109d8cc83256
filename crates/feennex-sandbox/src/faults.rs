//! Fault injection: which API requests get a broken answer, chosen by a seeded
//! random generator so that a run with the same seed and the same sequence of
//! requests breaks the same requests.
//!
//! Each API request (never a `/_sandbox/` one) draws one number `u` in `[0, 1)`.
//! The kinds are checked in this fixed order, each owning the next band of width
//! equal to its probability: `drop-before`, `drop-after`, `http-502`, `garbage`,
//! `truncate`, `delay`. With `drop-before = 0.1` and `drop-after = 0.2`, `u < 0.1`
//! drops before, `0.1 <= u < 0.3` drops after, anything else answers normally.
//! So at most one fault hits a request, and when the probabilities add up to more
//! than 1 the kinds late in the order get less than asked.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A way to break an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FaultKind {
    /// Close the connection without applying the request and without answering.
    DropBefore,
    /// Apply the request, then close the connection without answering.
    DropAfter,
    /// Answer an HTML error page with status 502, without applying the request.
    #[serde(rename = "http-502")]
    Http502,
    /// Apply the request, then answer status 200 with a body that is not JSON.
    Garbage,
    /// Apply the request, then answer only the first half of the real envelope.
    Truncate,
    /// Apply the request, then answer after the configured delay.
    Delay,
}

impl FaultKind {
    /// Every kind, in the order the probabilities are checked.
    pub const ALL: [FaultKind; 6] = [
        FaultKind::DropBefore,
        FaultKind::DropAfter,
        FaultKind::Http502,
        FaultKind::Garbage,
        FaultKind::Truncate,
        FaultKind::Delay,
    ];

    /// The name used on the command line and in `/_sandbox/faults`.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::DropBefore => "drop-before",
            FaultKind::DropAfter => "drop-after",
            FaultKind::Http502 => "http-502",
            FaultKind::Garbage => "garbage",
            FaultKind::Truncate => "truncate",
            FaultKind::Delay => "delay",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name is not a fault kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown fault kind {0:?}; expected drop-before, drop-after, delay, http-502, garbage or truncate"
)]
pub struct UnknownFaultKind(pub String);

impl FromStr for FaultKind {
    type Err = UnknownFaultKind;

    fn from_str(name: &str) -> Result<Self, UnknownFaultKind> {
        FaultKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| UnknownFaultKind(name.to_owned()))
    }
}

/// Which faults to inject, how often, with which seed and delay.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FaultConfig {
    /// Probability of each kind, 0 to 1; kinds not listed never happen.
    pub probabilities: BTreeMap<FaultKind, f64>,
    /// Seed of the generator that decides which requests are hit.
    pub seed: u64,
    /// How long a `delay` fault holds the answer back.
    pub delay: Duration,
}

/// How long a `delay` fault holds an answer back unless told otherwise.
pub const DEFAULT_FAULT_DELAY: Duration = Duration::from_secs(2);

impl Default for FaultConfig {
    /// No faults, seed 0, a delay of [`DEFAULT_FAULT_DELAY`].
    fn default() -> Self {
        Self { probabilities: BTreeMap::new(), seed: 0, delay: DEFAULT_FAULT_DELAY }
    }
}

impl FaultConfig {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds a kind with its probability.
    pub fn with(mut self, kind: FaultKind, probability: f64) -> Self {
        self.probabilities.insert(kind, probability);
        self
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the delay of `delay` faults.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        match self.probabilities.iter().find(|(_, p)| !(0.0..=1.0).contains(*p)) {
            Some((kind, p)) => Err(format!("probability of {kind} is {p}, not between 0 and 1")),
            None => Ok(()),
        }
    }
}

/// Most distinct paths counted one by one; requests to others count as `other`
/// (a client sending made-up paths cannot grow the counts without bound).
const COUNTED_PATHS: usize = 32;

/// The live fault state: the configuration, the generator, what was injected, and
/// how many API requests of each path drew their fate.
#[derive(Debug)]
pub(crate) struct Faults {
    config: FaultConfig,
    rng: SplitMix64,
    injected: BTreeMap<FaultKind, u64>,
    requests: BTreeMap<String, u64>,
}

impl Faults {
    pub(crate) fn new(config: FaultConfig) -> Self {
        let rng = SplitMix64::new(config.seed);
        Self { config, rng, injected: BTreeMap::new(), requests: BTreeMap::new() }
    }

    /// API requests received per path (such as `/transfer/create`), since the start.
    pub(crate) fn requests(&self) -> &BTreeMap<String, u64> {
        &self.requests
    }

    /// Counts an API request to `path`, then draws its fate.
    pub(crate) fn draw_for(&mut self, path: &str) -> Option<FaultKind> {
        let known = self.requests.contains_key(path) || self.requests.len() < COUNTED_PATHS;
        let key = if known { path } else { "other" };
        *self.requests.entry(key.to_owned()).or_default() += 1;
        self.draw()
    }

    /// Replaces the configuration; the generator restarts from the seed.
    pub(crate) fn reconfigure(&mut self, config: FaultConfig) {
        self.rng = SplitMix64::new(config.seed);
        self.config = config;
    }

    pub(crate) fn config(&self) -> &FaultConfig {
        &self.config
    }

    pub(crate) fn injected(&self) -> &BTreeMap<FaultKind, u64> {
        &self.injected
    }

    /// Draws the fate of one API request (see the module documentation for the order).
    pub(crate) fn draw(&mut self) -> Option<FaultKind> {
        let draw = self.rng.next_unit();
        let mut band_end = 0.0;
        for kind in FaultKind::ALL {
            band_end += self.config.probabilities.get(&kind).copied().unwrap_or(0.0);
            if draw < band_end {
                *self.injected.entry(kind).or_default() += 1;
                return Some(kind);
            }
        }
        None
    }
}

/// A small, well-known generator (SplitMix64): no dependency, same numbers on every
/// platform.
#[derive(Debug, Clone)]
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)` with 53 random bits.
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // First outputs of the reference implementation seeded with 1234567.
        let mut rng = SplitMix64::new(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
    }

    #[test]
    fn same_seed_draws_the_same_faults() {
        let config = FaultConfig::none()
            .with(FaultKind::DropBefore, 0.3)
            .with(FaultKind::Garbage, 0.3)
            .with_seed(42);
        let run = || {
            let mut faults = Faults::new(config.clone());
            (0..200).map(|_| faults.draw()).collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        let drops = first.iter().filter(|f| **f == Some(FaultKind::DropBefore)).count();
        let garbage = first.iter().filter(|f| **f == Some(FaultKind::Garbage)).count();
        assert!((30..90).contains(&drops), "{drops}");
        assert!((30..90).contains(&garbage), "{garbage}");
        assert!(
            first
                .iter()
                .all(|f| matches!(f, None | Some(FaultKind::DropBefore | FaultKind::Garbage)))
        );
    }

    #[test]
    fn certain_fault_always_hits_and_earlier_kinds_win() {
        let mut faults = Faults::new(
            FaultConfig::none().with(FaultKind::Delay, 1.0).with(FaultKind::Truncate, 1.0),
        );
        assert!((0..50).all(|_| faults.draw() == Some(FaultKind::Truncate)));
        assert_eq!(faults.injected().get(&FaultKind::Truncate), Some(&50));
    }

    #[test]
    fn requests_are_counted_per_path_up_to_a_bound() {
        let mut faults = Faults::new(FaultConfig::none());
        for path in ["/transfer/create", "/transfer/create", "/shop_balance"] {
            assert_eq!(faults.draw_for(path), None);
        }
        assert_eq!(faults.requests().get("/transfer/create"), Some(&2));
        assert_eq!(faults.requests().get("/shop_balance"), Some(&1));
        for n in 0..100 {
            faults.draw_for(&format!("/made-up/{n}"));
        }
        assert_eq!(faults.requests().len(), COUNTED_PATHS + 1);
        assert_eq!(faults.requests().get("other"), Some(&(100 - (COUNTED_PATHS as u64 - 2))));
    }

    #[test]
    fn kinds_parse_from_their_names() {
        for kind in FaultKind::ALL {
            assert_eq!(kind.name().parse::<FaultKind>().unwrap(), kind);
        }
        assert!("drop".parse::<FaultKind>().is_err());
    }

    #[test]
    fn probabilities_outside_zero_to_one_are_refused() {
        assert!(FaultConfig::none().with(FaultKind::Delay, 1.5).validate().is_err());
        assert!(FaultConfig::none().with(FaultKind::Delay, f64::NAN).validate().is_err());
        assert!(FaultConfig::none().with(FaultKind::Delay, 0.5).validate().is_ok());
    }
}
