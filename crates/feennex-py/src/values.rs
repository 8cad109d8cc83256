//! Python values as the text the core reads: `str` as it is, `int` as its digits,
//! `decimal.Decimal` in plain notation. A `float` is refused: it cannot hold an
//! amount of money exactly.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

use crate::errors::invalid;
use feennex_proto::prelude::Amount;

/// The text of a request value named `field`.
pub fn text_of(value: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_cow()?.into_owned());
    }
    if value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!("{field}: a bool is not a value of this field")));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(value.str()?.to_cow()?.into_owned());
    }
    if value.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{field}: a float cannot hold money exactly; pass a str, an int or a decimal.Decimal"
        )));
    }
    let decimal = value.py().import("decimal")?.getattr("Decimal")?;
    if value.is_instance(&decimal)? {
        if !value.call_method0("is_finite")?.is_truthy()? {
            return Err(invalid(value.py(), field, "the value is not a finite number"));
        }
        return Ok(value.call_method1("__format__", ("f",))?.str()?.to_cow()?.into_owned());
    }
    Err(PyTypeError::new_err(format!(
        "{field}: expected a str, an int or a decimal.Decimal, not {}",
        value.get_type().name().map(|n| n.to_string()).unwrap_or_default()
    )))
}

/// The canonical text of an amount (`"10.50"`, `Decimal("10.50")` -> `"10.5"`;
/// `100` -> `"100"`), the text both the body and the signature use. Values the
/// server would read back differently are refused with `feennex.InvalidValue`.
#[pyfunction]
pub fn amount_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(amount(value, "amount")?.as_str().to_owned())
}

/// An amount from a Python value.
pub fn amount(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Amount> {
    let text = text_of(value, field)?;
    text.parse::<Amount>().map_err(|error| invalid(value.py(), field, error))
}

/// The parameters of a request, each taken once; any left over is an error, so
/// that a misspelt optional parameter is not silently dropped.
pub struct Params<'py> {
    dict: Bound<'py, PyDict>,
    taken: Vec<String>,
}

impl<'py> Params<'py> {
    pub fn new(dict: Bound<'py, PyDict>) -> Self {
        Self { dict, taken: Vec::new() }
    }

    pub fn py(&self) -> Python<'py> {
        self.dict.py()
    }

    /// The raw value of an optional parameter (`None` counts as absent).
    pub fn raw(&mut self, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.taken.push(name.to_owned());
        Ok(self.dict.get_item(name)?.filter(|value| !value.is_none()))
    }

    /// An optional parameter as text.
    pub fn optional(&mut self, name: &str) -> PyResult<Option<String>> {
        self.raw(name)?.map(|value| text_of(&value, name)).transpose()
    }

    /// A required parameter as text.
    pub fn required(&mut self, name: &str) -> PyResult<String> {
        self.optional(name)?.ok_or_else(|| invalid(self.py(), name, "this parameter is required"))
    }

    /// A required parameter parsed by the core's type.
    pub fn parsed<T>(&mut self, name: &'static str) -> PyResult<T>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        let text = self.required(name)?;
        text.parse().map_err(|error: T::Err| invalid(self.py(), name, error))
    }

    /// A required amount.
    pub fn amount(&mut self, name: &'static str) -> PyResult<Amount> {
        match self.raw(name)? {
            Some(value) => amount(&value, name),
            None => Err(invalid(self.py(), name, "this parameter is required")),
        }
    }

    /// An optional JSON object (a `dict`), such as `account_details`.
    pub fn object(
        &mut self,
        name: &'static str,
    ) -> PyResult<Option<serde_json::Map<String, serde_json::Value>>> {
        let Some(value) = self.raw(name)? else { return Ok(None) };
        if !value.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(format!("{name} must be a dict")));
        }
        let json = value.py().import("json")?.call_method1("dumps", (value,))?;
        let text = json.cast::<PyString>()?.to_cow()?.into_owned();
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(map)) => Ok(Some(map)),
            _ => Err(invalid(self.py(), name, "not a JSON object")),
        }
    }

    /// An optional `dict` of texts, such as an invoice's add-on fields.
    pub fn texts(&mut self, name: &'static str) -> PyResult<Vec<(String, String)>> {
        let Some(value) = self.raw(name)? else { return Ok(Vec::new()) };
        let dict = value
            .cast::<PyDict>()
            .map_err(|_| PyTypeError::new_err(format!("{name} must be a dict of str to str")))?;
        let mut texts = Vec::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let key = text_of(&key, name)?;
            texts.push((key.clone(), text_of(&item, &key)?));
        }
        Ok(texts)
    }

    /// Refuses parameters that were not taken.
    pub fn finish(self) -> PyResult<()> {
        for key in self.dict.keys() {
            let key = key.str()?.to_cow()?.into_owned();
            if !self.taken.contains(&key) {
                return Err(invalid(self.py(), "parameters", format!("unknown parameter {key:?}")));
            }
        }
        Ok(())
    }
}
