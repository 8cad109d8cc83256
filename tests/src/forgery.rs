//! The re-split forgery of callbacks, as an attacker would make it: capture a
//! genuinely signed callback of a cheap order of one's own, whose description
//! holds the values one wants (`gift:1000:840:1:101:success`), and cut its
//! string-to-sign into other fields.

use std::time::{Duration, Instant};

use feennex_proto::{
    Error, SecretKey,
    endpoints::Endpoint,
    prelude::{BillCreate, Currency, PaymentUrls, ShopOrderId},
};
use feennex_sandbox::PaymentKind;

/// A callback's fields in the order of their names, `sign` included.
pub type Fields = Vec<(String, String)>;

/// A URL nobody listens on: the sandbox records each attempt and its fields.
pub const NOWHERE: &str = "http://127.0.0.1:9/callback";

/// Creates a bill for `amount` USD of the default shop with a callback URL
/// nobody answers, through `call`; gives it.
pub fn create_bill<F>(send: F, order: &str, amount: &str, description: Option<&str>) -> u64
where
    F: FnOnce(&BillCreate) -> Result<<BillCreate as Endpoint>::Output, Error>,
{
    let mut bill = BillCreate::builder()
        .payer_currency(Currency::USD)
        .shop_amount(amount.parse().unwrap())
        .shop_currency(Currency::USD)
        .shop_order_id(ShopOrderId::new(order).unwrap())
        .urls(PaymentUrls::default().callback_url(NOWHERE))
        .build();
    bill.description = description.map(str::to_owned);
    send(&bill).unwrap().id
}

/// Finishes bill `id` of the sandbox at `base_url` and gives the fields of the
/// signed callback it then sent (read back from the sandbox's record of attempts).
pub fn finish_and_capture(base_url: &str, id: u64, paid: bool) -> Fields {
    crate::routes::finish_payment(base_url, PaymentKind::Bill, id, paid);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = crate::routes::introspect(base_url, "callbacks");
        let attempts: serde_json::Value = serde_json::from_str(&text).unwrap();
        let found = attempts.as_array().unwrap().iter().find(|attempt| {
            attempt["kind"] == "bill" && attempt["payment_id"].as_u64() == Some(id)
        });
        if let Some(attempt) = found {
            let fields = attempt["fields"].as_object().unwrap();
            return fields
                .iter()
                .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned()))
                .collect();
        }
        assert!(Instant::now() < deadline, "no callback of bill {id} was sent");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The values that were signed, in the order of their names: every field but
/// `sign` whose value is not empty.
fn signed_values(fields: &[(String, String)]) -> Vec<&str> {
    let mut sorted: Vec<&(String, String)> =
        fields.iter().filter(|(name, value)| name != "sign" && !value.is_empty()).collect();
    sorted.sort();
    sorted.into_iter().map(|(_, value)| value.as_str()).collect()
}

/// Re-splits a genuine callback: the values of `claims` (in name order) must
/// appear in its string-to-sign as whole `:`-separated pieces; what precedes them
/// goes into the fields named `before` and what follows into those named `after`
/// (each name takes one piece, the last one the rest). The names must sort
/// before, and after, every claim for the signature to stay valid. `None` when the
/// claims are not found or a side has more names than pieces.
pub fn resplit(
    genuine: &[(String, String)],
    before: &[&str],
    claims: &[(&str, &str)],
    after: &[&str],
) -> Option<Fields> {
    let joined = signed_values(genuine).join(":");
    let pieces: Vec<&str> = joined.split(':').collect();
    let wanted: Vec<&str> = claims.iter().flat_map(|(_, value)| value.split(':')).collect();
    let start = pieces.windows(wanted.len()).position(|window| window == wanted.as_slice())?;
    let (head, rest) = pieces.split_at(start);
    let tail = &rest[wanted.len()..];
    let mut forged = spread(before, head)?;
    forged.extend(claims.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())));
    forged.extend(spread(after, tail)?);
    let sign = genuine.iter().find(|(name, _)| name == "sign")?.1.clone();
    forged.push(("sign".to_owned(), sign));
    Some(forged)
}

/// A genuine callback with some values changed and signed again with `secret`:
/// what the holder of the shop's key could send (or a bug in the sender), to test
/// the checks that come after the signature.
pub fn resigned(
    genuine: &[(String, String)],
    changes: &[(&str, &str)],
    secret: &SecretKey,
) -> Fields {
    let mut fields: Fields = genuine
        .iter()
        .filter(|(name, _)| name != "sign")
        .map(|(name, value)| {
            let changed = changes.iter().find(|(changed, _)| changed == name);
            (name.clone(), changed.map_or_else(|| value.clone(), |(_, new)| (*new).to_owned()))
        })
        .collect();
    let signed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let sign = feennex_proto::sign::sign(&signed, secret).to_string();
    fields.push(("sign".to_owned(), sign));
    fields
}

/// One piece per name, the rest to the last name; no names for no pieces.
fn spread(names: &[&str], pieces: &[&str]) -> Option<Fields> {
    if pieces.is_empty() {
        return Some(Vec::new());
    }
    if names.is_empty() || names.len() > pieces.len() {
        return None;
    }
    let mut fields: Fields = names[..names.len() - 1]
        .iter()
        .zip(pieces)
        .map(|(name, piece)| ((*name).to_owned(), (*piece).to_owned()))
        .collect();
    let last = pieces[names.len() - 1..].join(":");
    fields.push((names[names.len() - 1].to_owned(), last));
    Some(fields)
}

/// The fields as an `application/x-www-form-urlencoded` body.
pub fn form_body(fields: &[(String, String)]) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        if !body.is_empty() {
            body.push('&');
        }
        body.push_str(&encode(name));
        body.push('=');
        body.push_str(&encode(value));
    }
    body
}

/// Percent-encodes all but unreserved characters; a space becomes `+`.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
