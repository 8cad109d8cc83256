//! Python bindings of the feennex core, loaded by the `feennex` package as
//! `feennex._native`.
//!
//! Every decision (signing, amount text, request bodies, reading answers,
//! callbacks, retries and exactly-once payouts) is the core's, reached through the
//! layer every binding shares (`feennex-ops`: one operation table, one parameter
//! reader, one table of failure kinds); this crate only turns Python values into
//! that layer's JSON values and its results and failures into Python objects and
//! exceptions. The package's Python code drives the machines with the standard
//! library's HTTP.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The shared layer's `Failure` (about 250 bytes) travels only on the error path.
#![allow(clippy::result_large_err)]

mod callback;
mod errors;
mod machine;
mod session;
mod signing;
mod values;

use feennex_ops::{Kind, Operation};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// Reads an answer of `endpoint` (its path) from the HTTP status and body into the
/// typed data as JSON text, amounts as exact decimal strings; an error envelope
/// raises `feennex.ApiError` with the API's code, a body that is not an envelope
/// `feennex.NotEnvelope`.
#[pyfunction]
fn parse_response(
    py: Python<'_>,
    endpoint: &str,
    status: u16,
    body: &Bound<'_, PyBytes>,
) -> PyResult<String> {
    let operation = Operation::from_name(endpoint).map_err(errors::raised(py))?;
    let value = operation.parse(status, body.as_bytes()).map_err(errors::raised(py))?;
    Ok(value.to_string())
}

/// Whether a withdrawal in this status has ended (5 Success, 6 Rejected, 8
/// ManualCanceled): the core's rule. 4 and 9 look like errors but are not final.
#[pyfunction]
fn withdraw_status_is_final(status: i64) -> bool {
    feennex_ops::withdraw_status_is_final(status)
}

/// The module `feennex._native`.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(signing::sign, module)?)?;
    module.add_function(wrap_pyfunction!(signing::string_to_sign, module)?)?;
    module.add_function(wrap_pyfunction!(values::amount_text, module)?)?;
    module.add_function(wrap_pyfunction!(parse_response, module)?)?;
    module.add_function(wrap_pyfunction!(withdraw_status_is_final, module)?)?;
    module.add_function(wrap_pyfunction!(callback::verify_callback, module)?)?;
    module.add_class::<signing::Signer>()?;
    module.add_class::<session::Session>()?;
    module.add_class::<machine::Exchange>()?;
    module.add_class::<callback::Notification>()?;
    let operations: Vec<&str> = Operation::ALL.iter().map(|operation| operation.name()).collect();
    module.add("ENDPOINTS", operations)?;
    let kinds: Vec<(&str, &str)> =
        Kind::ALL.iter().map(|kind| (kind.name(), kind.exception())).collect();
    module.add("FAILURE_KINDS", kinds)?;
    module.add("DEFAULT_MAX_RESPONSE_BYTES", feennex_ops::default_max_response_bytes())?;
    Ok(())
}
