//! The core's machines (a call with its retries, an exactly-once payout) for a
//! Python driver. The driver sends what `poll` asks with its own HTTP and hands
//! the outcome back; every decision stays in the core. The binding reads the
//! clocks for the machine, as every driver does.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use feennex_proto::Error;
use feennex_proto::exchange::{Exchange as CoreExchange, Step};
use feennex_proto::transport::{Delivery, Response, TransportError};

use crate::endpoints::json;
use crate::errors::{from_core, invalid};

/// A machine whose answer is handed to Python as JSON text.
pub trait Machine: Send {
    fn poll(&mut self, now: Instant, wall: SystemTime, random: u64) -> Step<Result<String, Error>>;
    fn receive(&mut self, now: Instant, outcome: Result<Response, Error>);
}

/// Any core machine, its typed answer turned into JSON.
pub struct Erased<X>(pub X);

impl<X, T> Machine for Erased<X>
where
    X: CoreExchange<Output = Result<T, Error>> + Send,
    T: serde::Serialize,
{
    fn poll(&mut self, now: Instant, wall: SystemTime, random: u64) -> Step<Result<String, Error>> {
        match self.0.poll(now, wall, random) {
            Step::Send { request, deadline, role } => Step::Send { request, deadline, role },
            Step::Wait(duration) => Step::Wait(duration),
            Step::Done(result) => Step::Done(result.map(|output| json(&output))),
        }
    }

    fn receive(&mut self, now: Instant, outcome: Result<Response, Error>) {
        self.0.receive(now, outcome);
    }
}

/// A transport failure reported by the Python driver.
#[derive(Debug)]
struct DriverFailure {
    message: String,
    delivery: Delivery,
}

impl std::fmt::Display for DriverFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DriverFailure {}

impl TransportError for DriverFailure {
    fn delivery(&self) -> Delivery {
        self.delivery
    }
}

/// One call or payout, run by a Python driver:
///
/// - `poll(random)` returns `("send", method, url, headers, body, timeout, role)`,
///   `("wait", seconds)` or `("done", json_text)`, or raises the call's error;
/// - after a send, `receive(status, body)` with the answer, or
///   `fail(delivery, message)` when no answer came (`delivery` is `"not_sent"`
///   when the request provably never left, else `"maybe_sent"`).
#[pyclass(module = "feennex._native")]
pub struct Exchange {
    machine: Mutex<Box<dyn Machine>>,
    label: String,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange").field("label", &self.label).finish_non_exhaustive()
    }
}

impl Exchange {
    pub fn new(machine: Box<dyn Machine>, label: String) -> Self {
        Self { machine: Mutex::new(machine), label }
    }

    fn with_machine<R>(&self, work: impl FnOnce(&mut dyn Machine) -> R) -> PyResult<R> {
        let mut machine = self.machine.try_lock().map_err(|_| {
            PyRuntimeError::new_err("this exchange is being driven by another thread")
        })?;
        Ok(work(machine.as_mut()))
    }
}

fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

#[pymethods]
impl Exchange {
    /// The next step (see the class documentation).
    fn poll<'py>(&self, py: Python<'py>, random: u64) -> PyResult<Bound<'py, PyTuple>> {
        let step =
            self.with_machine(|machine| machine.poll(Instant::now(), SystemTime::now(), random))?;
        match step {
            Step::Send { request, deadline, role } => {
                let timeout = seconds(deadline.saturating_duration_since(Instant::now()));
                let headers: Vec<(String, String)> = request
                    .headers()
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.as_str().to_owned(),
                            String::from_utf8_lossy(value.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                let body = PyBytes::new(py, request.body());
                PyTuple::new(
                    py,
                    [
                        "send".into_pyobject(py)?.into_any(),
                        request.method().as_str().into_pyobject(py)?.into_any(),
                        request.uri().to_string().into_pyobject(py)?.into_any(),
                        headers.into_pyobject(py)?.into_any(),
                        body.into_any(),
                        timeout.into_pyobject(py)?.into_any(),
                        role.as_str().into_pyobject(py)?.into_any(),
                    ],
                )
            }
            Step::Wait(duration) => PyTuple::new(
                py,
                [
                    "wait".into_pyobject(py)?.into_any(),
                    seconds(duration).into_pyobject(py)?.into_any(),
                ],
            ),
            Step::Done(Ok(text)) => PyTuple::new(
                py,
                ["done".into_pyobject(py)?.into_any(), text.into_pyobject(py)?.into_any()],
            ),
            Step::Done(Err(error)) => Err(from_core(py, &error)),
        }
    }

    /// The answer to the last request: its HTTP status and whole body.
    fn receive(&self, py: Python<'_>, status: u16, body: &Bound<'_, PyBytes>) -> PyResult<()> {
        let status = http::StatusCode::from_u16(status)
            .map_err(|_| invalid(py, "status", format!("{status} is not an HTTP status")))?;
        let mut response = http::Response::new(body.as_bytes().to_vec());
        *response.status_mut() = status;
        self.with_machine(|machine| machine.receive(Instant::now(), Ok(response)))
    }

    /// No answer came to the last request.
    fn fail(&self, py: Python<'_>, delivery: &str, message: &str) -> PyResult<()> {
        let delivery = match delivery {
            "not_sent" => Delivery::NotSent,
            "maybe_sent" => Delivery::MaybeSent,
            other => {
                return Err(invalid(
                    py,
                    "delivery",
                    format!("{other:?}: expected \"not_sent\" or \"maybe_sent\""),
                ));
            }
        };
        let failure = DriverFailure { message: message.chars().take(300).collect(), delivery };
        self.with_machine(|machine| machine.receive(Instant::now(), Err(Error::transport(failure))))
    }

    fn __repr__(&self) -> String {
        format!("Exchange({})", self.label)
    }
}
