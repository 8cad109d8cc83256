//! The run loop: poll the core, send what it asks, sleep when told.

use std::time::{Instant, SystemTime};

use feennex_proto::{AsyncTransport, AttemptTimedOut, CallLog, CallOutcome, Error, Exchange, Step};

/// Runs a call of the core to its end over `transport`, on tokio's timers.
///
/// Any [`AsyncTransport`] works, so a stack of your own gets the same retries and
/// exactly-once payouts. Each attempt, wait and outcome is reported through
/// `tracing` (see [`CallLog`]).
pub async fn drive<X, T>(exchange: X, transport: &T) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: AsyncTransport + ?Sized,
{
    drive_logged(exchange, transport, CallLog::unnamed()).await
}

/// [`drive`], reporting into `log`.
pub(crate) async fn drive_logged<X, T>(
    mut exchange: X,
    transport: &T,
    mut log: CallLog,
) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: AsyncTransport + ?Sized,
{
    loop {
        match exchange.poll(Instant::now(), SystemTime::now(), fastrand::u64(..)) {
            Step::Send { request, timeout } => {
                log.sending(Instant::now(), &request, timeout);
                let outcome = match tokio::time::timeout(timeout, transport.send(request)).await {
                    Ok(Ok(response)) => Ok(response),
                    Ok(Err(error)) => Err(Error::transport(error)),
                    Err(_) => Err(Error::transport(AttemptTimedOut(timeout))),
                };
                log.received(Instant::now(), &outcome);
                exchange.receive(Instant::now(), outcome);
            }
            Step::Wait(duration) => {
                log.waiting(Instant::now(), duration);
                tokio::time::sleep(duration).await;
            }
            Step::Done(output) => {
                log.finished(Instant::now(), &output);
                return output;
            }
        }
    }
}
