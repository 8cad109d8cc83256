//! A shop's session from a binding's values: shop id, key, base URL and the
//! options of every call, the same options in every language (read from one JSON
//! object, unknown options refused by name).

use std::time::Duration;

use feennex_proto::{
    Merchant, SecretKey, Session,
    prelude::{BaseUrl, ClientOptions, ShopId},
};
use serde_json::Value;

use crate::failure::Failure;
use crate::params::Params;

/// A merchant from a binding's values: shop id, secret and an optional base URL.
/// An empty secret is refused by the core's key type.
pub fn merchant(shop_id: u64, secret: &str, base_url: Option<&str>) -> Result<Merchant, Failure> {
    let shop =
        ShopId::new(shop_id).ok_or_else(|| Failure::invalid("shop_id", "it must be positive"))?;
    let key = SecretKey::try_new(secret).map_err(|error| Failure::invalid("secret", error))?;
    let merchant = Merchant::new(shop, key);
    match base_url {
        None => Ok(merchant),
        Some(url) => {
            let url = BaseUrl::new(url).map_err(|error| Failure::invalid("base_url", error))?;
            Ok(merchant.with_base_url(url))
        }
    }
}

/// A session of the merchant with these options, a JSON object (`null` or `{}`
/// for the core's defaults) of:
///
/// - `attempt_timeout_ms`: how long one attempt may take;
/// - `total_timeout_ms`: how long a whole call may take, retries included;
/// - `max_creates`, `max_status_checks`: how many requests of each kind one
///   exactly-once payout may send;
/// - `allow_plain_http`: plain `http://` to another machine (anyone on the path
///   could read and alter payouts);
/// - `max_response_bytes`: the largest answer a driver reads.
pub fn session(merchant: Merchant, options: &Value) -> Result<Session, Failure> {
    let empty = Value::Object(Default::default());
    let options = if options.is_null() { &empty } else { options };
    let p = Params::new(options).map_err(|_| Failure::invalid("options", "expected an object"))?;
    let mut core = ClientOptions::default();
    if let Some(ms) = p.positive("attempt_timeout_ms")? {
        core = core.attempt_timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = p.positive("total_timeout_ms")? {
        core = core.total_timeout(Duration::from_millis(ms));
    }
    let creates = count(&p, "max_creates")?;
    let checks = count(&p, "max_status_checks")?;
    if creates.is_some() || checks.is_some() {
        let defaults = core.payout_limits;
        core = core.payout_limits(
            creates.unwrap_or(defaults.max_creates),
            checks.unwrap_or(defaults.max_status_checks),
        );
    }
    if let Some(allow) = p.flag("allow_plain_http")? {
        core = core.allow_plain_http(allow);
    }
    if let Some(bytes) = p.positive("max_response_bytes")? {
        core.max_response_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
    }
    p.finish("options")?;
    Session::new(merchant, core).map_err(|error| Failure::invalid("base_url", error))
}

fn count(p: &Params<'_>, name: &'static str) -> Result<Option<u32>, Failure> {
    p.positive(name)?
        .map(|value| u32::try_from(value).map_err(|_| Failure::invalid(name, "it is too large")))
        .transpose()
}

/// The largest answer a driver of this session reads, in bytes.
pub fn max_response_bytes(session: &Session) -> usize {
    session.options().max_response_bytes
}

/// The largest answer a driver reads by default, in bytes (the core's default).
pub fn default_max_response_bytes() -> usize {
    ClientOptions::default().max_response_bytes
}
