//! Settings shared by every client, whatever moves its bytes.

use std::net::IpAddr;
use std::time::Duration;

use crate::exchange::PayoutLimits;
use crate::request::BaseUrl;
use crate::retry::RetryPolicy;

/// Timeouts, limits and identity of a client. Transports read what applies to them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientOptions {
    /// How long making a connection (TCP and TLS) may take.
    pub connect_timeout: Duration,
    /// Retries, backoff, per-attempt and total timeouts: the one policy every call
    /// and every payout reads.
    pub retry: RetryPolicy,
    /// Most creates and status lookups of one payout.
    pub payout_limits: PayoutLimits,
    /// The largest answer read; a larger one is an error and is not buffered.
    pub max_response_bytes: usize,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Whether plain `http://` may be used for hosts other than this machine.
    pub allow_plain_http: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            payout_limits: PayoutLimits::default(),
            max_response_bytes: 1024 * 1024,
            user_agent: concat!("feennex-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            allow_plain_http: false,
        }
    }
}

/// Plain HTTP to a host that is not this machine was not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refusing plain http to {0}: use https, or allow it with ClientOptions::allow_plain_http")]
pub struct PlainHttpRefused(pub String);

impl ClientOptions {
    /// How long making a connection may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, answer included.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.retry = self.retry.with_attempt_timeout(timeout);
        self
    }

    /// How long a whole call may take, retries included.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.retry = self.retry.with_total_timeout(timeout);
        self
    }

    /// Retries, backoff and timeouts at once.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Most creates and status lookups of one payout.
    pub fn payout_limits(mut self, max_creates: u32, max_status_checks: u32) -> Self {
        self.payout_limits = PayoutLimits::new(max_creates, max_status_checks);
        self
    }

    /// The largest answer read.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Allows plain `http://` base URLs on hosts other than this machine.
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Refuses plain HTTP to other machines unless allowed: anyone on the path could
    /// read and alter payouts.
    pub fn check_base_url(&self, base_url: &BaseUrl) -> Result<(), PlainHttpRefused> {
        let Ok(uri) = base_url.as_str().parse::<http::Uri>() else {
            return Ok(());
        };
        if uri.scheme_str() != Some("http") || self.allow_plain_http {
            return Ok(());
        }
        let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if loopback { Ok(()) } else { Err(PlainHttpRefused(host.to_owned())) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_loopback_only_unless_allowed() {
        let check = |url: &str, allow: bool| {
            ClientOptions::default().allow_plain_http(allow).check_base_url(&url.parse().unwrap())
        };
        assert!(check("http://127.0.0.1:8080", false).is_ok());
        assert!(check("http://[::1]:8080", false).is_ok());
        assert!(check("http://localhost", false).is_ok());
        assert!(check("https://core.feennex.com", false).is_ok());
        assert_eq!(
            check("http://core.feennex.com", false),
            Err(PlainHttpRefused("core.feennex.com".to_owned()))
        );
        assert!(check("http://10.0.0.1", true).is_ok());
    }

    #[test]
    fn timeouts_and_limits_land_in_one_place_each() {
        let options = ClientOptions::default()
            .attempt_timeout(Duration::from_secs(3))
            .total_timeout(Duration::from_secs(9))
            .payout_limits(0, 7);
        assert_eq!(options.retry.attempt_timeout, Duration::from_secs(3));
        assert_eq!(options.retry.total_timeout, Duration::from_secs(9));
        assert_eq!(options.payout_limits, PayoutLimits::new(1, 7));
    }
}
