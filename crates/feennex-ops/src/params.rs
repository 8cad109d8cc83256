//! Reading an operation's parameters from a JSON object: each value checked by the
//! core's own type, each error naming the parameter.

use std::str::FromStr;
use std::time::SystemTime;

use feennex_proto::endpoints::AccountDetails;
use feennex_proto::prelude::Timestamp;
use feennex_proto::types::Amount;
use serde_json::{Map, Value};

use crate::failure::Failure;

/// The parameters of one operation.
pub(crate) struct Params<'a> {
    fields: &'a Map<String, Value>,
}

impl<'a> Params<'a> {
    /// Refuses anything but a JSON object.
    pub(crate) fn new(value: &'a Value) -> Result<Self, Failure> {
        match value {
            Value::Object(fields) => Ok(Self { fields }),
            _ => Err(Failure::invalid("params", "expected an object of parameters")),
        }
    }

    /// A required value of a type the core parses from text. JSON strings and
    /// integers are read as their text; fractions are refused, because a binary
    /// float cannot say which decimal was meant.
    pub(crate) fn parse<T>(&self, name: &str) -> Result<T, Failure>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let text = self.text(name)?.ok_or_else(|| Failure::invalid(name, "it is missing"))?;
        text.parse().map_err(|error| Failure::invalid(name, error))
    }

    /// An amount: a string (`"10.50"`) or an integer.
    pub(crate) fn amount(&self, name: &str) -> Result<Amount, Failure> {
        self.parse(name)
    }

    /// An optional text.
    pub(crate) fn text(&self, name: &str) -> Result<Option<String>, Failure> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(number)) if number.is_u64() || number.is_i64() => {
                Ok(Some(number.to_string()))
            }
            Some(Value::Number(_)) => Err(Failure::invalid(
                name,
                "a fraction given as a number; give amounts as strings, such as \"10.50\"",
            )),
            Some(_) => Err(Failure::invalid(name, "expected a string or an integer")),
        }
    }

    /// The `now` of a lookup: the given ISO 8601 text, or the current time.
    pub(crate) fn now(&self) -> Result<Timestamp, Failure> {
        match self.text("now")? {
            Some(text) => text.parse().map_err(|error| Failure::invalid("now", error)),
            None => Timestamp::try_from(SystemTime::now())
                .map_err(|error| Failure::invalid("now", error)),
        }
    }

    /// An optional object of unsigned account details.
    pub(crate) fn account_details(&self) -> Result<Option<AccountDetails>, Failure> {
        match self.fields.get("account_details") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(details)) => Ok(Some(details.clone())),
            Some(_) => Err(Failure::invalid("account_details", "expected an object")),
        }
    }

    /// An optional object of text fields (an invoice's add-on fields).
    pub(crate) fn text_map(
        &self,
        name: &str,
    ) -> Result<Option<std::collections::BTreeMap<String, String>>, Failure> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(entries)) => entries
                .iter()
                .map(|(key, value)| match value {
                    Value::String(text) => Ok((key.clone(), text.clone())),
                    _ => {
                        Err(Failure::invalid(name, format!("the value of {key:?} is not a string")))
                    }
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(_) => Err(Failure::invalid(name, "expected an object of strings")),
        }
    }
}
