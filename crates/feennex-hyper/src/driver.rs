//! The run loop on tokio: poll the core, send what it asks until its deadline,
//! sleep when told. The only code that differs from the blocking client's.

use std::time::{Instant, SystemTime};

use feennex_proto::Error;
use feennex_proto::exchange::{Exchange, Step};
use feennex_proto::session::Prepared;
use feennex_proto::transport::{AsyncTransport, AttemptTimedOut};
use tracing::Instrument;

/// Runs a machine the core's [`Session`](feennex_proto::Session) prepared, inside a
/// span with its endpoint, shop and payout id (never the secret or a signature).
pub async fn drive_prepared<X, T>(prepared: Prepared<X>, transport: &T) -> X::Output
where
    X: Exchange,
    T: AsyncTransport + ?Sized,
{
    let span = prepared.label.span();
    drive(prepared.machine, transport).instrument(span).await
}

/// Runs any machine of the core to its end over `transport`, on tokio's timers.
///
/// Any [`AsyncTransport`] works, so a stack of your own gets the same retries and
/// exactly-once payouts. An attempt still out at its deadline is cut off.
pub async fn drive<X, T>(mut machine: X, transport: &T) -> X::Output
where
    X: Exchange,
    T: AsyncTransport + ?Sized,
{
    let mut attempt = 0u32;
    loop {
        match machine.poll(Instant::now(), SystemTime::now(), fastrand::u64(..)) {
            Step::Send { request, deadline, role } => {
                attempt += 1;
                let sent_at = Instant::now();
                tracing::debug!(attempt, role = role.as_str(), "sending");
                let limit = tokio::time::Instant::from_std(deadline);
                let outcome =
                    match tokio::time::timeout_at(limit, transport.send(request, deadline)).await {
                        Ok(Ok(response)) => Ok(response),
                        Ok(Err(error)) => Err(Error::transport(error)),
                        Err(_) => Err(Error::transport(AttemptTimedOut(
                            deadline.saturating_duration_since(sent_at),
                        ))),
                    };
                log_outcome(attempt, &outcome);
                machine.receive(Instant::now(), outcome);
            }
            Step::Wait(duration) => {
                tracing::debug!(?duration, "waiting before the next request");
                tokio::time::sleep(duration).await;
            }
            Step::Done(output) => return output,
        }
    }
}

fn log_outcome(attempt: u32, outcome: &Result<feennex_proto::transport::Response, Error>) {
    match outcome {
        Ok(response) => tracing::debug!(attempt, status = response.status().as_u16(), "answered"),
        Err(error) => tracing::info!(attempt, error = %error.chain(), "attempt failed"),
    }
}
