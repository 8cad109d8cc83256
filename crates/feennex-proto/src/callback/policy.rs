//! Which field sets a verified callback may have.
//!
//! Field names are not signed and values join with `:`, so one signed string can
//! be re-split into other fields: `description=gift:1000:840:6:101:success` can
//! become `shop_amount=1000`, `shop_currency=840`, … with filler fields around
//! them. The strict policy (the default) accepts only the known callback fields,
//! each holding a value of its type, and requires those a payment callback always
//! carries: a re-split onto unknown names is refused by name, and one onto known
//! names has to put the genuine values that follow the claims into a typed field
//! (the last one, `user_ip`, must be an IP address), which refuses them. Confirming the callback with the
//! API ([`Notification::confirmation_lookup`](super::Notification::confirmation_lookup))
//! remains the proof that the payment happened.

use std::collections::BTreeSet;

use super::CallbackRejection;
use super::body::RawFields;
use super::fields::{NAMES, field_type};

/// Every field the API documents in callbacks (spec section 6), `sign` included.
pub const KNOWN_CALLBACK_FIELDS: &[&str] = &NAMES;

/// The fields every payment callback carries, with a non-empty value.
pub const REQUIRED_CALLBACK_FIELDS: &[&str] =
    &["payment_id", "shop_amount", "shop_currency", "shop_id", "shop_order_id", "status"];

/// Longest field name kept in a rejection, in characters.
const NAME_CHARS: usize = 64;

/// How strictly [`verify_callback_with`](super::verify_callback_with) judges the
/// set of fields of a correctly signed callback.
///
/// [`CallbackPolicy::strict`] is the default: every field must be one of
/// [`KNOWN_CALLBACK_FIELDS`] or allowed with [`CallbackPolicy::allow_field`], every
/// one of [`REQUIRED_CALLBACK_FIELDS`] must be present and not empty, and every
/// known field that is not empty must hold a value of its type: an IP address, a
/// decimal amount, a currency code, a status from the documented list, a date, a
/// numeric id. [`CallbackPolicy::permissive`] checks only the signature; say so
/// explicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackPolicy {
    strict: bool,
    allowed: BTreeSet<String>,
}

impl Default for CallbackPolicy {
    /// [`CallbackPolicy::strict`].
    fn default() -> Self {
        Self::strict()
    }
}

impl CallbackPolicy {
    /// Known fields only, each of its type, the required ones present.
    pub fn strict() -> Self {
        Self { strict: true, allowed: BTreeSet::new() }
    }

    /// Any set of fields whose signature matches. Use it only together with a
    /// confirmation of the payment by the API: a re-split callback passes it.
    pub fn permissive() -> Self {
        Self { strict: false, allowed: BTreeSet::new() }
    }

    /// Accepts one more field name in strict mode, such as an add-on field of a
    /// payment method (`phone`) that Feennex sends back.
    pub fn allow_field(mut self, name: impl Into<String>) -> Self {
        self.allowed.insert(name.into());
        self
    }

    /// The policy a caller states with a list of extra names and a permissive
    /// flag, as the command line and the bindings take it: strict with those
    /// names allowed, or permissive when the list is empty. Asking for both is a
    /// contradiction, and an empty name would let an unnamed filler field through,
    /// so both are refused rather than guessed at.
    pub fn from_rule<I>(allow_fields: I, permissive: bool) -> Result<Self, FieldRuleError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let allowed: BTreeSet<String> = allow_fields.into_iter().map(Into::into).collect();
        if permissive && !allowed.is_empty() {
            return Err(FieldRuleError::AllowedAndPermissive);
        }
        if allowed.contains("") {
            return Err(FieldRuleError::EmptyName);
        }
        Ok(Self { strict: !permissive, allowed })
    }

    /// Whether the field set is checked.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// Whether a field of this name is accepted.
    pub fn accepts_field(&self, name: &str) -> bool {
        !self.strict || KNOWN_CALLBACK_FIELDS.contains(&name) || self.allowed.contains(name)
    }

    /// Checks the received fields against the policy.
    pub(crate) fn check(&self, fields: &RawFields) -> Result<(), CallbackRejection> {
        if !self.strict {
            return Ok(());
        }
        if let Some(name) = fields.keys().find(|name| !self.accepts_field(name)) {
            return Err(CallbackRejection::UnexpectedField { name: bounded(name) });
        }
        let value = |name: &str| fields.get(name).and_then(Option::as_deref).unwrap_or("");
        if let Some(name) = REQUIRED_CALLBACK_FIELDS.iter().find(|name| value(name).is_empty()) {
            return Err(CallbackRejection::MissingField { name: (*name).to_owned() });
        }
        let malformed = fields.iter().find(|(name, value)| {
            let text = value.as_deref().unwrap_or("");
            !text.is_empty() && field_type(name).is_some_and(|kind| !kind.accepts(text))
        });
        match malformed {
            Some((name, _)) => Err(CallbackRejection::MalformedField { name: name.clone() }),
            None => Ok(()),
        }
    }
}

/// Why a list of allowed names and a permissive flag make no [`CallbackPolicy`]
/// (see [`CallbackPolicy::from_rule`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldRuleError {
    /// Names to allow and permissive were both given: permissive accepts every
    /// name, so the list would say nothing.
    #[error("give allowed field names or permissive, not both")]
    AllowedAndPermissive,
    /// A name to allow is empty.
    #[error("an allowed field name is empty")]
    EmptyName,
}

impl FieldRuleError {
    /// The argument at fault, in snake case: `permissive` or `allow_fields`.
    pub fn argument(&self) -> &'static str {
        match self {
            Self::AllowedAndPermissive => "permissive",
            Self::EmptyName => "allow_fields",
        }
    }
}

/// A received field name, cut to [`NAME_CHARS`] characters.
fn bounded(name: &str) -> String {
    name.chars().take(NAME_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> RawFields {
        pairs.iter().map(|(name, value)| ((*name).to_owned(), Some((*value).to_owned()))).collect()
    }

    fn payment() -> Vec<(&'static str, &'static str)> {
        vec![
            ("payment_id", "9001"),
            ("shop_amount", "10.00"),
            ("shop_currency", "840"),
            ("shop_id", "6"),
            ("shop_order_id", "o-1"),
            ("status", "success"),
            ("sign", "ab"),
        ]
    }

    #[test]
    fn known_lists_are_sorted_and_required_fields_are_known() {
        assert!(KNOWN_CALLBACK_FIELDS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(REQUIRED_CALLBACK_FIELDS.iter().all(|name| KNOWN_CALLBACK_FIELDS.contains(name)));
    }

    #[test]
    fn strict_accepts_a_payment_callback_and_refuses_what_differs() {
        let strict = CallbackPolicy::default();
        assert_eq!(strict.check(&fields(&payment())), Ok(()));

        let mut extra = payment();
        extra.push(("phone", "+79001234567"));
        assert_eq!(
            strict.check(&fields(&extra)),
            Err(CallbackRejection::UnexpectedField { name: "phone".to_owned() })
        );
        assert_eq!(strict.clone().allow_field("phone").check(&fields(&extra)), Ok(()));

        let without_payment: Vec<_> =
            payment().into_iter().filter(|(name, _)| *name != "payment_id").collect();
        assert_eq!(
            strict.check(&fields(&without_payment)),
            Err(CallbackRejection::MissingField { name: "payment_id".to_owned() })
        );
        let mut empty_status = payment();
        empty_status[5].1 = "";
        assert_eq!(
            strict.check(&fields(&empty_status)),
            Err(CallbackRejection::MissingField { name: "status".to_owned() })
        );
        let mut bad_amount = payment();
        bad_amount[1].1 = "1000:840";
        assert_eq!(
            strict.check(&fields(&bad_amount)),
            Err(CallbackRejection::MalformedField { name: "shop_amount".to_owned() })
        );
    }

    #[test]
    fn a_known_field_must_hold_a_value_of_its_type() {
        let strict = CallbackPolicy::strict();
        let mut full = payment();
        full.extend([
            ("created", "2024-04-12T06:18:34.719Z"),
            ("ps_data", r#"{"a": "b:c"}"#),
            ("shop_refund", ""),
            ("user_ip", "2001:db8::1"),
        ]);
        assert_eq!(strict.check(&fields(&full)), Ok(()));

        // The genuine values after the claims, absorbed by the last name.
        let mut absorbed = payment();
        absorbed.push(("user_ip", "9001:1:840:1:attacker-7:rejected:127.0.0.1"));
        let rejection = strict.check(&fields(&absorbed)).unwrap_err();
        assert_eq!(rejection, CallbackRejection::MalformedField { name: "user_ip".to_owned() });
        assert_eq!(
            rejection.to_string(),
            "the field user_ip is malformed: it must be an IP address"
        );

        let mut unknown_status = payment();
        unknown_status[5].1 = "paid";
        assert_eq!(
            strict.check(&fields(&unknown_status)),
            Err(CallbackRejection::MalformedField { name: "status".to_owned() })
        );
        // The first malformed field in name order is named.
        let mut two = payment();
        two.extend([("client_price", "gift"), ("created", "2024")]);
        assert_eq!(
            strict.check(&fields(&two)),
            Err(CallbackRejection::MalformedField { name: "client_price".to_owned() })
        );
        // A name allowed on top of the known ones holds anything.
        let mut extra = payment();
        extra.push(("phone", "+7:900"));
        assert_eq!(strict.allow_field("phone").check(&fields(&extra)), Ok(()));
    }

    #[test]
    fn permissive_accepts_any_field_set() {
        let odd = fields(&[("a00", "x"), ("shop_amount", "not a number")]);
        assert_eq!(CallbackPolicy::permissive().check(&odd), Ok(()));
        assert!(!CallbackPolicy::permissive().is_strict());
    }

    #[test]
    fn a_rule_becomes_the_policy_it_states_or_is_refused() {
        assert_eq!(
            CallbackPolicy::from_rule(Vec::<String>::new(), false),
            Ok(CallbackPolicy::strict())
        );
        assert_eq!(
            CallbackPolicy::from_rule(["phone", "email"], false),
            Ok(CallbackPolicy::strict().allow_field("phone").allow_field("email"))
        );
        assert_eq!(CallbackPolicy::from_rule([""; 0], true), Ok(CallbackPolicy::permissive()));

        let both = CallbackPolicy::from_rule(["phone"], true);
        assert_eq!(both, Err(FieldRuleError::AllowedAndPermissive));
        assert_eq!(both.unwrap_err().argument(), "permissive");
        let empty = CallbackPolicy::from_rule(["phone", ""], false);
        assert_eq!(empty, Err(FieldRuleError::EmptyName));
        assert_eq!(empty.unwrap_err().argument(), "allow_fields");
        // Both given is named first, as it is the larger mistake.
        assert_eq!(
            CallbackPolicy::from_rule([""], true),
            Err(FieldRuleError::AllowedAndPermissive)
        );
    }

    #[test]
    fn a_long_unexpected_name_is_cut() {
        let mut long = payment();
        let name = "z".repeat(10_000);
        long.push((&name, "1"));
        match CallbackPolicy::strict().check(&fields(&long)) {
            Err(CallbackRejection::UnexpectedField { name }) => assert_eq!(name.len(), NAME_CHARS),
            other => panic!("{other:?}"),
        }
    }
}
