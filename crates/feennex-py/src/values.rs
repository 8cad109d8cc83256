//! Python values handed to the one parameter reader (`feennex-ops`) as the JSON
//! values it reads: `str` as a string, `int` as a number (or its digits when it
//! does not fit), `decimal.Decimal` as its plain text, `dict`, `list`, `tuple` and
//! `None` as themselves. A `float` is refused: it cannot hold an amount of money
//! exactly; so is a `bool` where a value is expected. Inside the free-form
//! objects the core sends unsigned as given (`extra_fields`, `account_details`),
//! floats and bools are JSON's own.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};

use crate::errors::invalid;

/// Parameters whose value is free-form JSON, sent unsigned as given.
const FREE_FORM: [&str; 2] = ["extra_fields", "account_details"];

/// The JSON value of a Python value given for `field`.
pub fn to_json(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Value> {
    convert(value, field, false)
}

fn convert(value: &Bound<'_, PyAny>, field: &str, free_form: bool) -> PyResult<Value> {
    if free_form {
        if let Ok(flag) = value.cast::<PyBool>() {
            return Ok(Value::Bool(flag.is_true()));
        }
        if value.is_instance_of::<PyFloat>() {
            let number = serde_json::Number::from_f64(value.extract::<f64>()?)
                .ok_or_else(|| invalid(value.py(), field, "the value is not a finite number"))?;
            return Ok(Value::Number(number));
        }
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Value::String(text.to_cow()?.into_owned()));
    }
    if value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!("{field}: a bool is not a value of this field")));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(number) = value.extract::<i64>() {
            return Ok(Value::from(number));
        }
        if let Ok(number) = value.extract::<u64>() {
            return Ok(Value::from(number));
        }
        return Ok(Value::String(value.str()?.to_cow()?.into_owned()));
    }
    if value.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{field}: a float cannot hold money exactly; pass a str, an int or a decimal.Decimal"
        )));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = Map::new();
        for (key, item) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!("{field}: the keys must be str")));
            };
            let key = key.to_cow()?.into_owned();
            let inner = free_form || FREE_FORM.contains(&key.as_str());
            let item = convert(&item, &key, inner)?;
            object.insert(key, item);
        }
        return Ok(Value::Object(object));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        return value
            .try_iter()?
            .map(|item| to_json(&item?, field))
            .collect::<PyResult<_>>()
            .map(Value::Array);
    }
    let decimal = value.py().import("decimal")?.getattr("Decimal")?;
    if value.is_instance(&decimal)? {
        if !value.call_method1("is_finite", ())?.is_truthy()? {
            return Err(invalid(value.py(), field, "the value is not a finite number"));
        }
        return Ok(Value::String(
            value.call_method1("__format__", ("f",))?.str()?.to_cow()?.into_owned(),
        ));
    }
    Err(PyTypeError::new_err(format!(
        "{field}: expected a str, an int or a decimal.Decimal, not {}",
        value.get_type().name().map(|n| n.to_string()).unwrap_or_default()
    )))
}

/// The parameters of a call as one JSON object.
pub fn params(dict: &Bound<'_, PyDict>) -> PyResult<Value> {
    to_json(dict.as_any(), "params")
}

/// The text of a value that must be a string or a number (such as an amount).
pub fn text_of(value: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    match to_json(value, field)? {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        _ => Err(PyTypeError::new_err(format!(
            "{field}: expected a str, an int or a decimal.Decimal"
        ))),
    }
}

/// The canonical text of an amount (`"10.50"`, `Decimal("10.50")` -> `"10.5"`;
/// `100` -> `"100"`), the text both the body and the signature use. Values the
/// server would read back differently are refused with `feennex.InvalidValue`.
#[pyfunction]
pub fn amount_text(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    let text = text_of(value, "amount")?;
    feennex_ops::amount_text(&text).map_err(|failure| crate::errors::raise(py, &failure))
}
