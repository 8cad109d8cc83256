//! The run loop on tokio: poll the core, send what it asks until its deadline,
//! sleep when told. The only code that differs from the blocking client's.

use std::time::{Instant, SystemTime};

use feennex_proto::Error;
use feennex_proto::call_log::{CallLog, CallOutcome};
use feennex_proto::exchange::{Exchange, Step};
use feennex_proto::session::Prepared;
use feennex_proto::transport::{AsyncTransport, AttemptTimedOut};
use tracing::Instrument;

/// Runs a machine the core's [`Session`](feennex_proto::Session) prepared, inside a
/// span with its endpoint, shop and payout id (never the secret or a signature),
/// reporting each attempt, wait and outcome (see [`CallLog`]).
pub async fn drive_prepared<X, T>(prepared: Prepared<X>, transport: &T) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: AsyncTransport + ?Sized,
{
    let log = CallLog::new(&prepared.label);
    run(prepared.machine, transport, log).instrument(prepared.label.span()).await
}

/// Runs any machine of the core to its end over `transport`, on tokio's timers.
///
/// Any [`AsyncTransport`] works, so a stack of your own gets the same retries and
/// exactly-once payouts. An attempt still out at its deadline is cut off.
pub async fn drive<X, T>(machine: X, transport: &T) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: AsyncTransport + ?Sized,
{
    run(machine, transport, CallLog::unnamed()).await
}

async fn run<X, T>(mut machine: X, transport: &T, mut log: CallLog) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: AsyncTransport + ?Sized,
{
    loop {
        match machine.poll(Instant::now(), SystemTime::now(), fastrand::u64(..)) {
            Step::Send { request, deadline, role } => {
                let sent_at = Instant::now();
                log.sending(sent_at, role, request.uri().path(), deadline);
                let limit = tokio::time::Instant::from_std(deadline);
                let outcome =
                    match tokio::time::timeout_at(limit, transport.send(request, deadline)).await {
                        Ok(Ok(response)) => Ok(response),
                        Ok(Err(error)) => Err(Error::transport(error)),
                        Err(_) => Err(Error::transport(AttemptTimedOut(
                            deadline.saturating_duration_since(sent_at),
                        ))),
                    };
                log.received(Instant::now(), &outcome);
                machine.receive(Instant::now(), outcome);
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
