//! The core's machines (a call with its retries, an exactly-once payout), made by
//! the shared layer, for a Python driver. The driver sends what `poll` asks with
//! its own HTTP and hands the outcome back; every decision stays in the core.

use std::sync::Mutex;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use feennex_ops::{Machine, StepView};

use crate::errors::{invalid, raise, raised};

/// One call or payout, run by a Python driver:
///
/// - `poll(random)` returns `("send", method, url, headers, body, timeout, role)`,
///   `("wait", seconds)` or `("done", json_text)`, or raises the call's error;
/// - after a send, `receive(status, body)` with the answer, or
///   `fail(delivery, message)` when no answer came (`delivery` is `"not_sent"`
///   when the request provably never left, else `"maybe_sent"`).
#[pyclass(module = "feennex._native")]
pub struct Exchange {
    machine: Mutex<Machine>,
    label: String,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange").field("label", &self.label).finish_non_exhaustive()
    }
}

impl Exchange {
    pub fn new(machine: Machine, label: String) -> Self {
        Self { machine: Mutex::new(machine), label }
    }

    fn with_machine<R>(&self, work: impl FnOnce(&mut Machine) -> R) -> PyResult<R> {
        let mut machine = self.machine.try_lock().map_err(|_| {
            PyRuntimeError::new_err("this exchange is being driven by another thread")
        })?;
        Ok(work(&mut machine))
    }
}

#[pymethods]
impl Exchange {
    /// The next step (see the class documentation).
    fn poll<'py>(&self, py: Python<'py>, random: u64) -> PyResult<Bound<'py, PyTuple>> {
        match self.with_machine(|machine| machine.poll_with(random))? {
            StepView::Send { role, timeout_ms, request } => {
                let headers: Vec<(String, String)> = request.headers.into_iter().collect();
                PyTuple::new(
                    py,
                    [
                        "send".into_pyobject(py)?.into_any(),
                        request.method.into_pyobject(py)?.into_any(),
                        request.url.into_pyobject(py)?.into_any(),
                        headers.into_pyobject(py)?.into_any(),
                        PyBytes::new(py, request.body.as_bytes()).into_any(),
                        (timeout_ms as f64 / 1000.0).into_pyobject(py)?.into_any(),
                        role.into_pyobject(py)?.into_any(),
                    ],
                )
            }
            StepView::Wait { ms } => PyTuple::new(
                py,
                [
                    "wait".into_pyobject(py)?.into_any(),
                    (ms as f64 / 1000.0).into_pyobject(py)?.into_any(),
                ],
            ),
            StepView::Done { value } => PyTuple::new(
                py,
                [
                    "done".into_pyobject(py)?.into_any(),
                    value.to_string().into_pyobject(py)?.into_any(),
                ],
            ),
            StepView::Failed { error } => Err(raise(py, &error)),
        }
    }

    /// The answer to the last request: its HTTP status and whole body.
    fn receive(&self, py: Python<'_>, status: u16, body: &Bound<'_, PyBytes>) -> PyResult<()> {
        let body = body.as_bytes().to_vec();
        self.with_machine(|machine| machine.receive_response(status, body))?.map_err(raised(py))
    }

    /// No answer came to the last request.
    fn fail(&self, py: Python<'_>, delivery: &str, message: &str) -> PyResult<()> {
        let sent = match delivery {
            "not_sent" => false,
            "maybe_sent" => true,
            other => {
                return Err(invalid(
                    py,
                    "delivery",
                    format!("{other:?}: expected \"not_sent\" or \"maybe_sent\""),
                ));
            }
        };
        self.with_machine(|machine| machine.receive_failure(sent, message))
    }

    fn __repr__(&self) -> String {
        format!("Exchange({})", self.label)
    }
}
