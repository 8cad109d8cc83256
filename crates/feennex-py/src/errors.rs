//! The core's failures, as the shared layer reports them, raised as the
//! exceptions of `feennex.errors`: the class comes from the layer's one table of
//! kinds, the attributes from the failure. No failure holds the secret key.

use std::fmt::Display;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use feennex_ops::Failure;

/// The exception instance of a failure.
fn instance<'py>(py: Python<'py>, failure: &Failure) -> PyResult<Bound<'py, PyAny>> {
    let errors = py.import("feennex.errors")?;
    errors.getattr("_from_failure")?.call1((failure.kind.exception(), failure.to_json()))
}

/// A `PyErr` raising the exception of a failure.
pub fn raise(py: Python<'_>, failure: &Failure) -> PyErr {
    match instance(py, failure) {
        Ok(instance) => PyErr::from_value(instance),
        Err(error) => PyRuntimeError::new_err(format!("{}: {error}", failure.message)),
    }
}

/// `feennex.InvalidValue`: a value was refused; nothing was built.
pub fn invalid(py: Python<'_>, field: &str, reason: impl Display) -> PyErr {
    raise(py, &Failure::invalid(field, reason))
}

/// A `map_err` for results of the shared layer.
pub fn raised(py: Python<'_>) -> impl Fn(Failure) -> PyErr + '_ {
    move |failure| raise(py, &failure)
}
