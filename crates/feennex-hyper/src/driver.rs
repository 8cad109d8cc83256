//! The run loop: poll the core, send what it asks, sleep when told.

use std::time::{Instant, SystemTime};

use feennex_proto::{AsyncTransport, AttemptTimedOut, Error, Exchange, Step};

/// Runs a call of the core to its end over `transport`, on tokio's timers.
///
/// Any [`AsyncTransport`] works, so a stack of your own gets the same retries and
/// exactly-once payouts.
pub async fn drive<X, T>(mut exchange: X, transport: &T) -> X::Output
where
    X: Exchange,
    T: AsyncTransport + ?Sized,
{
    let mut attempt = 0u32;
    loop {
        match exchange.poll(Instant::now(), SystemTime::now(), fastrand::u64(..)) {
            Step::Send { request, timeout } => {
                attempt += 1;
                tracing::debug!(attempt, path = request.uri().path(), ?timeout, "sending");
                let outcome = match tokio::time::timeout(timeout, transport.send(request)).await {
                    Ok(Ok(response)) => {
                        tracing::debug!(attempt, status = response.status().as_u16(), "answered");
                        Ok(response)
                    }
                    Ok(Err(error)) => Err(Error::transport(error)),
                    Err(_) => Err(Error::transport(AttemptTimedOut(timeout))),
                };
                if let Err(error) = &outcome {
                    tracing::info!(attempt, %error, "attempt failed");
                }
                exchange.receive(Instant::now(), outcome);
            }
            Step::Wait(duration) => {
                tracing::debug!(?duration, "waiting before the next request");
                tokio::time::sleep(duration).await;
            }
            Step::Done(output) => return output,
        }
    }
}
