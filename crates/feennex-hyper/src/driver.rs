//! The run loop on tokio: poll the core, send what it asks until its deadline,
//! sleep when told. The only code that differs from the blocking client's.

use std::time::{Instant, SystemTime};

use feennex_proto::Error;
use feennex_proto::call_log::{CallLog, CallOutcome};
use feennex_proto::exchange::{Exchange, Step};
use feennex_proto::session::{AsyncDriver, Prepared};
use feennex_proto::transport::{AsyncTransport, AttemptTimedOut};
use tracing::Instrument;

/// Runs a machine the core's [`Session`](feennex_proto::Session) prepared, inside a
/// span with its endpoint, shop and payout id (never the secret or a signature),
/// reporting each attempt, wait and outcome (see [`CallLog`]).
pub fn drive_prepared<X, T>(
    prepared: Prepared<X>,
    transport: &T,
) -> impl Future<Output = X::Output> + use<'_, X, T>
where
    X: Exchange,
    X::Output: CallOutcome,
    T: AsyncTransport + ?Sized,
{
    let span = prepared.label.span();
    let log = CallLog::new(prepared.label);
    run(prepared.machine, transport, log).instrument(span)
}

impl AsyncDriver for crate::HyperTransport {
    fn drive<X>(&self, prepared: Prepared<X>) -> impl Future<Output = X::Output> + Send
    where
        X: Exchange + Send,
        X::Output: CallOutcome + Send,
    {
        drive_prepared(prepared, self)
    }
}

/// Runs any machine of the core to its end over `transport`, on tokio's timers.
///
/// Any [`AsyncTransport`] works, so a stack of your own gets the same retries and
/// exactly-once payouts. An attempt still out at its deadline is cut off.
pub fn drive<X, T>(machine: X, transport: &T) -> impl Future<Output = X::Output> + use<'_, X, T>
where
    X: Exchange,
    X::Output: CallOutcome,
    T: AsyncTransport + ?Sized,
{
    run(machine, transport, CallLog::unnamed())
}

/// The loop itself, as an `async` block over what it captures: an `async fn` would
/// keep a second copy of its arguments in its future, and a call's future is moved
/// whole at every `.await` that starts it.
#[allow(clippy::manual_async_fn, reason = "an async fn would store its arguments twice")]
fn run<X, T>(
    mut machine: X,
    transport: &T,
    mut log: CallLog,
) -> impl Future<Output = X::Output> + use<'_, X, T>
where
    X: Exchange,
    X::Output: CallOutcome,
    T: AsyncTransport + ?Sized,
{
    async move {
        let mut now = Instant::now();
        loop {
            match machine.poll(now, SystemTime::now(), fastrand::u64(..)) {
                Step::Send { request, deadline, role } => {
                    let sent_at = now;
                    log.sending(sent_at, role, request.uri().path(), deadline);
                    let limit = tokio::time::Instant::from_std(deadline);
                    let outcome =
                        match tokio::time::timeout_at(limit, transport.send(request, deadline))
                            .await
                        {
                            Ok(Ok(response)) => Ok(response),
                            Ok(Err(error)) => Err(Error::transport(error)),
                            Err(_) => Err(Error::transport(AttemptTimedOut(
                                deadline.saturating_duration_since(sent_at),
                            ))),
                        };
                    now = Instant::now();
                    log.received(now, &outcome);
                    machine.receive(now, outcome);
                }
                Step::Wait(duration) => {
                    log.waiting(now, duration);
                    tokio::time::sleep(duration).await;
                    now = Instant::now();
                }
                Step::Done(output) => {
                    log.finished(now, &output);
                    return output;
                }
            }
        }
    }
}
