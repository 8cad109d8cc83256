//! `sign` and `string_to_sign` over Python mappings and sequences of pairs.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use feennex_proto::SecretKey;

/// One field's name and value as UTF-8 bytes held by Python.
type Pair<'py> = (Bound<'py, PyBytes>, Bound<'py, PyBytes>);

/// The UTF-8 bytes of a `str`; anything else is a `TypeError` naming what it is.
fn utf8<'py>(object: &Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyBytes>> {
    match object.cast::<PyString>() {
        Ok(text) => text.encode_utf8(),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} must be a str, not {}",
            object.get_type().name().map(|n| n.to_string()).unwrap_or_default()
        ))),
    }
}

/// Reads `fields`: a mapping (a `dict`, or anything with `items()`) or an
/// iterable of `(name, value)` pairs, every name and value a `str`.
fn pairs<'py>(fields: &Bound<'py, PyAny>) -> PyResult<Vec<Pair<'py>>> {
    let mut pairs = Vec::new();
    if let Ok(dict) = fields.cast::<PyDict>() {
        pairs.reserve(dict.len());
        for (name, value) in dict.iter() {
            pairs.push((utf8(&name, "a field name")?, utf8(&value, "a field value")?));
        }
        return Ok(pairs);
    }
    let items =
        if fields.hasattr("items")? { fields.call_method0("items")? } else { fields.clone() };
    if items.is_instance_of::<PyString>() || items.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "fields must be a mapping or a sequence of (name, value) pairs",
        ));
    }
    for item in items.try_iter().map_err(|_| {
        PyTypeError::new_err("fields must be a mapping or a sequence of (name, value) pairs")
    })? {
        let item = item?;
        let (name, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item
            .extract()
            .map_err(|_| PyTypeError::new_err("each field must be a (name, value) pair"))?;
        pairs.push((utf8(&name, "a field name")?, utf8(&value, "a field value")?));
    }
    Ok(pairs)
}

/// The texts of the pairs; Python's `str` is always valid UTF-8.
fn texts<'a>(pairs: &'a [Pair<'_>]) -> Vec<(&'a str, &'a str)> {
    let text =
        |bytes: &'a Bound<'_, PyBytes>| std::str::from_utf8(bytes.as_bytes()).unwrap_or_default();
    pairs.iter().map(|(name, value)| (text(name), text(value))).collect()
}

/// The Feennex signature of `fields` with `secret`: SHA-256 of the values in
/// byte order of name, joined with `:`, followed by the secret; lowercase hex.
#[pyfunction]
pub fn sign(fields: &Bound<'_, PyAny>, secret: &Bound<'_, PyAny>) -> PyResult<String> {
    let pairs = pairs(fields)?;
    let secret_bytes = utf8(secret, "the secret")?;
    let secret = SecretKey::new(std::str::from_utf8(secret_bytes.as_bytes()).unwrap_or_default());
    Ok(feennex_proto::sign(&texts(&pairs), &secret).as_str().to_owned())
}

/// The text that is hashed, without the secret (for diagnostics).
#[pyfunction]
pub fn string_to_sign(fields: &Bound<'_, PyAny>) -> PyResult<String> {
    let pairs = pairs(fields)?;
    Ok(feennex_proto::sign::string_to_sign(&texts(&pairs)))
}
