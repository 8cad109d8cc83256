//! Reading parameters from a JSON object, the one reader of every binding (Python
//! hands its objects over as the same JSON values): each value checked by the
//! core's own type, each error naming the parameter, and a parameter no operation
//! reads refused by name, so that a misspelt optional one is never dropped.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::SystemTime;

use feennex_proto::endpoints::AccountDetails;
use feennex_proto::prelude::Timestamp;
use feennex_proto::types::Amount;
use serde_json::{Map, Value};

use crate::failure::Failure;

/// The parameters of one operation, and the names read so far.
pub(crate) struct Params<'a> {
    fields: &'a Map<String, Value>,
    read: RefCell<Vec<&'static str>>,
}

impl<'a> Params<'a> {
    /// Refuses anything but a JSON object.
    pub(crate) fn new(value: &'a Value) -> Result<Self, Failure> {
        match value {
            Value::Object(fields) => Ok(Self { fields, read: RefCell::new(Vec::new()) }),
            _ => Err(Failure::invalid("params", "expected an object of parameters")),
        }
    }

    fn get(&self, name: &'static str) -> Option<&'a Value> {
        self.read.borrow_mut().push(name);
        self.fields.get(name).filter(|value| !value.is_null())
    }

    /// Refuses every parameter that was not read, naming it.
    pub(crate) fn finish(&self, what: &str) -> Result<(), Failure> {
        let read = self.read.borrow();
        match self.fields.keys().find(|name| !read.contains(&name.as_str())) {
            None => Ok(()),
            Some(name) => {
                let name: String = name.chars().take(64).collect();
                Err(Failure::invalid(name, format!("{what} has no such parameter")))
            }
        }
    }

    /// A required value of a type the core parses from text. JSON strings and
    /// integers are read as their text; fractions are refused, because a binary
    /// float cannot say which decimal was meant.
    pub(crate) fn parse<T>(&self, name: &'static str) -> Result<T, Failure>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let text = self.text(name)?.ok_or_else(|| Failure::invalid(name, "it is missing"))?;
        text.parse().map_err(|error| Failure::invalid(name, error))
    }

    /// An amount: a string (`"10.50"`) or an integer.
    pub(crate) fn amount(&self, name: &'static str) -> Result<Amount, Failure> {
        self.parse(name)
    }

    /// An optional text.
    pub(crate) fn text(&self, name: &'static str) -> Result<Option<String>, Failure> {
        match self.get(name) {
            None => Ok(None),
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

    /// An optional positive integer.
    pub(crate) fn positive(&self, name: &'static str) -> Result<Option<u64>, Failure> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(number)) => match number.as_u64() {
                Some(value) if value > 0 => Ok(Some(value)),
                _ => Err(Failure::invalid(name, "expected a positive integer")),
            },
            Some(_) => Err(Failure::invalid(name, "expected a positive integer")),
        }
    }

    /// An optional `true` or `false`.
    pub(crate) fn flag(&self, name: &'static str) -> Result<Option<bool>, Failure> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(*value)),
            Some(_) => Err(Failure::invalid(name, "expected true or false")),
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
        match self.get("account_details") {
            None => Ok(None),
            Some(Value::Object(details)) => Ok(Some(details.clone())),
            Some(_) => Err(Failure::invalid("account_details", "expected an object")),
        }
    }

    /// The `extra_fields` of a single call: unsigned fields the core does not know,
    /// sent as given. Read after every other parameter, so that one naming a
    /// parameter of the operation is refused (give it as that parameter).
    pub(crate) fn extra_fields(&self, what: &str) -> Result<Map<String, Value>, Failure> {
        let fields = match self.get("extra_fields") {
            None => return Ok(Map::new()),
            Some(Value::Object(fields)) => fields,
            Some(_) => return Err(Failure::invalid("extra_fields", "expected an object")),
        };
        let read = self.read.borrow();
        if let Some(name) = fields.keys().find(|name| read.contains(&name.as_str())) {
            return Err(Failure::invalid(
                "extra_fields",
                format!("{name:?} is a parameter of {what}: give it as one"),
            ));
        }
        Ok(fields.clone())
    }

    /// An optional object of text fields (an invoice's add-on fields).
    pub(crate) fn text_map(
        &self,
        name: &'static str,
    ) -> Result<Option<BTreeMap<String, String>>, Failure> {
        match self.get(name) {
            None => Ok(None),
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
