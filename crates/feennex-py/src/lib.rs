//! Python bindings of the feennex core, loaded by the `feennex` package as
//! `feennex._native`.
//!
//! Every decision (signing, amount text, request bodies, reading answers,
//! callbacks, retries and exactly-once payouts) is the core's; this crate only
//! turns Python values into the core's types and the core's results and errors
//! into Python objects and exceptions. The package's Python code drives the
//! machines with the standard library's HTTP.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod callback;
mod endpoints;
mod errors;
mod machine;
mod session;
mod signing;
mod values;

use pyo3::prelude::*;

/// The module `feennex._native`.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(signing::sign, module)?)?;
    module.add_function(wrap_pyfunction!(signing::string_to_sign, module)?)?;
    module.add_function(wrap_pyfunction!(values::amount_text, module)?)?;
    module.add_function(wrap_pyfunction!(endpoints::parse_answer, module)?)?;
    module.add_function(wrap_pyfunction!(callback::verify_callback, module)?)?;
    module.add_class::<signing::Signer>()?;
    module.add_class::<session::Session>()?;
    module.add_class::<machine::Exchange>()?;
    module.add_class::<callback::Notification>()?;
    module.add("ENDPOINTS", endpoints::ENDPOINTS.to_vec())?;
    Ok(())
}
