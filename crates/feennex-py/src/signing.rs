//! `sign` and `string_to_sign` over Python mappings and sequences of pairs.
//!
//! The signing itself is the core's; this module only reads the fields. It is on
//! the hot path of every signature, so it reads them with as few Python objects
//! as it can: field names, a small fixed set, are encoded once and remembered.

use std::sync::Mutex;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use smallvec::SmallVec;

use feennex_ops::proto::SecretKey;

/// Field lists up to this length are read without a heap allocation.
const INLINE_FIELDS: usize = 16;

/// Most field names remembered.
const NAME_CACHE_SIZE: usize = 64;

/// Field names seen before, by identity, with their text. Each entry holds a
/// reference to its `str`, so the object cannot be freed and its address reused
/// by another string while it is here.
static NAME_CACHE: Mutex<Vec<(Py<PyString>, Box<str>)>> = Mutex::new(Vec::new());

/// Where a field name's text is.
enum Name {
    Cached(usize),
    Encoded(String),
}

fn type_error(object: &Bound<'_, PyAny>, what: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{what} must be a str, not {}",
        object.get_type().name().map(|n| n.to_string()).unwrap_or_default()
    ))
}

fn not_pairs() -> PyErr {
    PyTypeError::new_err("fields must be a mapping or a sequence of (name, value) pairs")
}

/// The UTF-8 bytes of a `str`; anything else is a `TypeError` naming what it is.
fn utf8<'py>(object: &Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyBytes>> {
    match object.cast::<PyString>() {
        Ok(text) => text.encode_utf8(),
        Err(_) => Err(type_error(object, what)),
    }
}

/// The fields as received: each name (not yet read) and its value's bytes.
type Raw<'py> = SmallVec<[(Bound<'py, PyAny>, Bound<'py, PyBytes>); INLINE_FIELDS]>;

fn push_pair<'py>(raw: &mut Raw<'py>, item: &Bound<'py, PyAny>) -> PyResult<()> {
    let pair = item.cast::<PyTuple>().map_err(|_| not_pairs())?;
    if pair.len() != 2 {
        return Err(PyTypeError::new_err("each field must be a (name, value) pair"));
    }
    let value = utf8(&pair.get_item(1)?, "a field value")?;
    raw.push((pair.get_item(0)?, value));
    Ok(())
}

/// Reads `fields`: a `dict` (or anything with `items()`), or a list, tuple or
/// other iterable of `(name, value)` tuples; every name and value a `str`.
fn raw_fields<'py>(fields: &Bound<'py, PyAny>) -> PyResult<Raw<'py>> {
    let mut raw = Raw::new();
    if let Ok(dict) = fields.cast::<PyDict>() {
        raw.reserve(dict.len());
        for (name, value) in dict.iter() {
            raw.push((name, utf8(&value, "a field value")?));
        }
        return Ok(raw);
    }
    if let Ok(list) = fields.cast::<PyList>() {
        raw.reserve(list.len());
        for item in list.iter() {
            push_pair(&mut raw, &item)?;
        }
        return Ok(raw);
    }
    if fields.is_instance_of::<PyString>() || fields.is_instance_of::<PyBytes>() {
        return Err(not_pairs());
    }
    let items =
        if fields.hasattr("items")? { fields.call_method0("items")? } else { fields.clone() };
    for item in items.try_iter().map_err(|_| not_pairs())? {
        push_pair(&mut raw, &item?)?;
    }
    Ok(raw)
}

/// Runs `work` with the fields as `(name, value)` texts.
fn with_fields<R>(
    fields: &Bound<'_, PyAny>,
    work: impl FnOnce(&[(&str, &str)]) -> R,
) -> PyResult<R> {
    let raw = raw_fields(fields)?;
    let mut cache = NAME_CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut names: SmallVec<[Name; INLINE_FIELDS]> = SmallVec::with_capacity(raw.len());
    for (object, _) in &raw {
        let Ok(text) = object.cast::<PyString>() else {
            return Err(type_error(object, "a field name"));
        };
        let found = cache.iter().position(|(known, _)| known.as_ptr() == text.as_ptr());
        names.push(match found {
            Some(index) => Name::Cached(index),
            None if cache.len() < NAME_CACHE_SIZE => {
                cache.push((text.clone().unbind(), text.to_cow()?.into()));
                Name::Cached(cache.len() - 1)
            }
            None => Name::Encoded(text.to_cow()?.into_owned()),
        });
    }
    // Python's `str` is always valid UTF-8 once encoded.
    let texts: SmallVec<[(&str, &str); INLINE_FIELDS]> = names
        .iter()
        .zip(&raw)
        .map(|(name, (_, bytes))| {
            let name = match name {
                Name::Cached(index) => &*cache[*index].1,
                Name::Encoded(text) => text.as_str(),
            };
            (name, std::str::from_utf8(bytes.as_bytes()).unwrap_or_default())
        })
        .collect();
    Ok(work(&texts))
}

/// The key, refused when empty by the core's key type.
fn secret_key(secret: &Bound<'_, PyAny>) -> PyResult<SecretKey> {
    let bytes = utf8(secret, "the secret")?;
    SecretKey::try_new(std::str::from_utf8(bytes.as_bytes()).unwrap_or_default())
        .map_err(|error| crate::errors::invalid(secret.py(), "secret", error))
}

fn signature<'py>(
    fields: &Bound<'py, PyAny>,
    secret: &SecretKey,
) -> PyResult<Bound<'py, PyString>> {
    let py = fields.py();
    with_fields(fields, |texts| {
        PyString::new(py, feennex_ops::proto::sign::sign(texts, secret).as_str())
    })
}

/// The Feennex signature of `fields` with `secret`: SHA-256 of the values in
/// byte order of name, joined with `:`, followed by the secret; lowercase hex.
#[pyfunction]
pub fn sign<'py>(
    fields: &Bound<'py, PyAny>,
    secret: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    signature(fields, &secret_key(secret)?)
}

/// A shop's key kept for signing many field lists: `Signer(secret).sign(fields)`
/// is `sign(fields, secret)` without reading the key on every call. Its `repr`
/// never shows the key.
#[pyclass(module = "feennex._native", frozen)]
#[derive(Debug)]
pub struct Signer {
    secret: SecretKey,
}

#[pymethods]
impl Signer {
    #[new]
    fn new(secret: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self { secret: secret_key(secret)? })
    }

    /// The signature of `fields`.
    fn sign<'py>(&self, fields: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
        signature(fields, &self.secret)
    }

    /// Checks a received signature against `fields`, in constant time.
    fn verify(&self, fields: &Bound<'_, PyAny>, received: &str) -> PyResult<bool> {
        with_fields(fields, |texts| feennex_ops::proto::sign::verify(texts, &self.secret, received))
    }

    fn __repr__(&self) -> &'static str {
        "Signer(<secret>)"
    }
}

/// The text that is hashed, without the secret (for diagnostics).
#[pyfunction]
pub fn string_to_sign(fields: &Bound<'_, PyAny>) -> PyResult<String> {
    with_fields(fields, |texts| feennex_ops::proto::sign::string_to_sign(texts))
}
