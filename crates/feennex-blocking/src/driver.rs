//! The run loop: poll the core, send what it asks, sleep when told.

use std::time::{Instant, SystemTime};

use feennex_proto::{AttemptTimeout, BlockingTransport, Error, Exchange, Step};

/// Runs a call of the core to its end over `transport`, on this thread.
///
/// Each request carries its time limit as an [`AttemptTimeout`] extension, which
/// the transport applies. Any [`BlockingTransport`] works, so a stack of your own
/// gets the same retries and exactly-once payouts.
pub fn drive<X, T>(mut exchange: X, transport: &T) -> X::Output
where
    X: Exchange,
    T: BlockingTransport + ?Sized,
{
    let mut attempt = 0u32;
    loop {
        match exchange.poll(Instant::now(), SystemTime::now(), fastrand::u64(..)) {
            Step::Send { mut request, timeout } => {
                attempt += 1;
                tracing::debug!(attempt, path = request.uri().path(), ?timeout, "sending");
                request.extensions_mut().insert(AttemptTimeout(timeout));
                let outcome = transport.send(request).map_err(Error::transport);
                match &outcome {
                    Ok(response) => {
                        tracing::debug!(attempt, status = response.status().as_u16(), "answered")
                    }
                    Err(error) => tracing::info!(attempt, %error, "attempt failed"),
                }
                exchange.receive(Instant::now(), outcome);
            }
            Step::Wait(duration) => {
                tracing::debug!(?duration, "waiting before the next request");
                std::thread::sleep(duration);
            }
            Step::Done(output) => return output,
        }
    }
}
