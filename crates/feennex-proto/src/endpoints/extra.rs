//! Unsigned fields the core does not know, sent with an operation as the caller
//! gives them: the engine's official clients pass any `extra_fields` on this way
//! (a `lang`, a provider's own field), and the server reads what it knows.

use std::fmt;

use serde_json::{Map, Value};

use crate::request::{BodyWriter, Endpoint, SingleCall};
use crate::retry::CallKind;
use crate::types::ShopPaymentId;

/// An operation with more unsigned fields. Their names must not be the
/// operation's own (the caller keeps them apart); `shop_id` and `sign`, which
/// every operation writes, are refused here.
#[derive(Clone, PartialEq)]
pub struct WithExtraFields<E> {
    endpoint: E,
    fields: Map<String, Value>,
}

/// Why extra fields cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtraFieldError {
    /// A name is empty.
    #[error("an extra field has an empty name")]
    EmptyName,
    /// A name every operation writes itself.
    #[error("{0:?} is written by every request itself, not an extra field")]
    Reserved(String),
}

impl<E> WithExtraFields<E> {
    /// `endpoint` sent with `fields` besides its own.
    pub fn new(endpoint: E, fields: Map<String, Value>) -> Result<Self, ExtraFieldError> {
        if let Some(name) = fields.keys().find(|name| ["shop_id", "sign"].contains(&name.as_str()))
        {
            return Err(ExtraFieldError::Reserved(name.clone()));
        }
        if fields.contains_key("") {
            return Err(ExtraFieldError::EmptyName);
        }
        Ok(Self { endpoint, fields })
    }

    /// The operation itself.
    pub fn endpoint(&self) -> &E {
        &self.endpoint
    }
}

impl<E: fmt::Debug> fmt::Debug for WithExtraFields<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithExtraFields")
            .field("endpoint", &self.endpoint)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl<E: Endpoint> Endpoint for WithExtraFields<E> {
    const PATH: &'static str = E::PATH;
    const KIND: CallKind = E::KIND;
    type Output = E::Output;

    fn write_fields(&self, body: &mut BodyWriter) {
        self.endpoint.write_fields(body);
        for (name, value) in &self.fields {
            body.unsigned_json(name, Some(value));
        }
    }

    fn shop_payment_id(&self) -> Option<&ShopPaymentId> {
        self.endpoint.shop_payment_id()
    }
}

impl<E: SingleCall> SingleCall for WithExtraFields<E> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::{Merchant, SecretKey, ShopBalance, ShopId, Timestamp};

    fn merchant() -> Merchant {
        Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("k"))
    }

    #[test]
    fn extra_fields_are_sent_unsigned_after_the_operation_own() {
        let now: Timestamp = "2024-04-12T06:18:34.719Z".parse().unwrap();
        let plain = ShopBalance::new(now);
        let mut fields = Map::new();
        fields.insert("lang".into(), Value::from("ru"));
        fields.insert("n".into(), Value::from(7));
        let extra = WithExtraFields::new(ShopBalance::new(now), fields).unwrap();
        assert_eq!(merchant().string_to_sign(&extra), merchant().string_to_sign(&plain));
        let body = String::from_utf8(merchant().body(&extra)).unwrap();
        assert!(body.contains(r#""lang":"ru","n":7,"sign":""#), "{body}");
        let none = WithExtraFields::new(plain.clone(), Map::new()).unwrap();
        assert_eq!(merchant().body(&none), merchant().body(&plain));
    }

    #[test]
    fn names_every_request_writes_are_refused() {
        for name in ["shop_id", "sign"] {
            let mut fields = Map::new();
            fields.insert(name.into(), Value::from(1));
            let now: Timestamp = "2024-04-12T06:18:34.719Z".parse().unwrap();
            let refused = WithExtraFields::new(ShopBalance::new(now), fields).unwrap_err();
            assert_eq!(refused, ExtraFieldError::Reserved(name.into()));
        }
    }
}
