//! Any machine run against scripted answers on a simulated clock: the one run loop
//! of tests, fuzz targets and examples, with nothing real to wait for.
//!
//! The clock starts at [`Instant::now`] and only moves when the machine waits or an
//! answer takes time to come, so a run that spans minutes of backoff takes
//! microseconds. The random numbers come from a seeded generator: the same seed and
//! the same answers give the same run.

use std::time::{Duration, Instant, SystemTime};

use super::{Exchange, RequestRole, Step};
use crate::error::Error;
use crate::transport::{Request, Response};

/// A request the machine sent, as the scripted server sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Sent<'a> {
    /// The request itself.
    pub request: &'a Request,
    /// What it is for.
    pub role: RequestRole,
    /// Its rank among the requests of this run, from 1.
    pub number: usize,
    /// Its rank among the requests of the same role, from 1.
    pub number_of_role: usize,
    /// Simulated time since the run began.
    pub elapsed: Duration,
    /// How long the machine gives it before it counts as timed out.
    pub time_left: Duration,
}

/// How the scripted server answers one request: an outcome, delivered after a
/// simulated delay.
#[derive(Debug)]
#[must_use]
pub struct Reply {
    outcome: Result<Response, Error>,
    delay: Duration,
}

impl Reply {
    /// This outcome, at once.
    pub fn outcome(outcome: Result<Response, Error>) -> Self {
        Self { outcome, delay: Duration::ZERO }
    }

    /// An HTTP answer with this status and body, at once.
    pub fn answer(status: u16, body: &str) -> Self {
        let mut response = http::Response::new(body.as_bytes().to_vec());
        *response.status_mut() =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        Self::outcome(Ok(response))
    }

    /// A transport failure, at once.
    pub fn failure(error: impl crate::transport::TransportError) -> Self {
        Self::outcome(Err(Error::transport(error)))
    }

    /// The same outcome, arriving `delay` after the request was sent.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// One request of a finished run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentRecord {
    /// What it was for.
    pub role: RequestRole,
    /// The path it was sent to, such as `/transfer/create`.
    pub path: String,
    /// Simulated time since the run began, when it was sent.
    pub elapsed: Duration,
}

/// What a run ended with.
#[derive(Debug)]
#[non_exhaustive]
pub struct Simulated<T> {
    /// The machine's result, or `None` when it had not ended within the step limit.
    pub output: Option<T>,
    /// Every request sent, in order.
    pub requests: Vec<SentRecord>,
    /// Simulated time from the first poll to the end.
    pub elapsed: Duration,
}

impl<T> Simulated<T> {
    /// How many requests of `role` were sent.
    pub fn count(&self, role: RequestRole) -> usize {
        self.requests.iter().filter(|sent| sent.role == role).count()
    }
}

/// A machine, a simulated clock and a seeded random generator.
#[derive(Debug)]
pub struct Simulation<X> {
    exchange: X,
    wall: SystemTime,
    random: u64,
    max_steps: usize,
}

impl<X: Exchange> Simulation<X> {
    /// A run of `exchange`; the calendar clock starts at 2024-01-01 and the seed is
    /// fixed.
    pub fn new(exchange: X) -> Self {
        Self {
            exchange,
            wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200),
            random: 0x9e37_79b9_7f4a_7c15,
            max_steps: 100_000,
        }
    }

    /// Another seed for the random numbers (backoff jitter).
    pub fn seed(mut self, seed: u64) -> Self {
        self.random = seed;
        self
    }

    /// Ends the run after this many polls, with no output: a machine that does not
    /// end shows up as `output: None` instead of a hung test.
    pub fn max_steps(mut self, steps: usize) -> Self {
        self.max_steps = steps;
        self
    }

    /// Runs the machine to its end, answering each request with `respond`.
    pub fn run(mut self, mut respond: impl FnMut(&Sent<'_>) -> Reply) -> Simulated<X::Output> {
        let start = Instant::now();
        let mut now = start;
        let mut requests: Vec<SentRecord> = Vec::new();
        for _ in 0..self.max_steps {
            let wall = self.wall + (now - start);
            let random = self.next_random();
            match self.exchange.poll(now, wall, random) {
                Step::Send { request, deadline, role } => {
                    let number_of_role =
                        1 + requests.iter().filter(|sent| sent.role == role).count();
                    let sent = Sent {
                        request: &request,
                        role,
                        number: requests.len() + 1,
                        number_of_role,
                        elapsed: now - start,
                        time_left: deadline.saturating_duration_since(now),
                    };
                    let reply = respond(&sent);
                    requests.push(SentRecord {
                        role,
                        path: request.uri().path().to_owned(),
                        elapsed: now - start,
                    });
                    now += reply.delay;
                    self.exchange.receive(now, reply.outcome);
                }
                Step::Wait(wait) => now += wait,
                Step::Done(output) => {
                    return Simulated { output: Some(output), requests, elapsed: now - start };
                }
            }
        }
        Simulated { output: None, requests, elapsed: now - start }
    }

    /// A 64-bit linear congruential step: plenty for jitter, and reproducible.
    fn next_random(&mut self) -> u64 {
        self.random = self
            .random
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.random
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::TransferTry;
    use crate::exchange::{Call, RetryPolicy};
    use crate::request::Merchant;
    use crate::secret::SecretKey;
    use crate::types::{Currency, ShopId, TransferAmountType};

    fn quote_call(policy: RetryPolicy) -> Call<TransferTry> {
        let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("secret"));
        let quote = TransferTry::builder()
            .amount("1".parse().unwrap())
            .amount_type(TransferAmountType::ReceiveAmount)
            .payee_currency(Currency::USD)
            .shop_currency(Currency::USD)
            .build();
        Call::new(&merchant, &quote, policy).unwrap()
    }

    #[test]
    fn an_answer_after_the_deadline_is_a_timeout_whatever_it_says() {
        let policy = RetryPolicy::default()
            .with_attempt_timeout(Duration::from_secs(1))
            .with_max_attempts(2);
        let quote = r#"{"data":{"payee_amount":1,"payee_currency":840,"shop_currency":840,"write_off_amount":1},"error_code":0,"message":"Ok","result":true}"#;
        let run = Simulation::new(quote_call(policy)).run(|sent| {
            assert_eq!(sent.time_left, Duration::from_secs(1));
            Reply::answer(200, quote).after(Duration::from_millis(1001))
        });
        assert_eq!(run.count(RequestRole::Call), 2);
        let error = run.output.unwrap().unwrap_err();
        assert!(error.is_outcome_unknown(), "{error}");
        assert!(error.to_string().contains("may have been sent"), "{error}");
    }

    #[test]
    fn an_answer_at_the_deadline_still_counts() {
        let policy = RetryPolicy::default().with_attempt_timeout(Duration::from_secs(1));
        let run = Simulation::new(quote_call(policy)).run(|_| {
            Reply::answer(200, r#"{"data":null,"error_code":10,"message":"bad","result":false}"#)
                .after(Duration::from_secs(1))
        });
        assert_eq!(run.output.unwrap().unwrap_err().api_code().map(|code| code.code()), Some(10));
        assert_eq!(run.requests.len(), 1);
    }

    #[test]
    fn the_same_seed_replays_the_same_waits() {
        let run = |seed| {
            Simulation::new(quote_call(RetryPolicy::default()))
                .seed(seed)
                .run(|_| Reply::answer(502, "<html/>"))
        };
        let (first, again, other) = (run(1), run(1), run(2));
        assert_eq!(first.requests, again.requests);
        assert_eq!(first.requests.len(), 5);
        assert_ne!(first.elapsed, other.elapsed);
    }
}
