//! The run loop on the calling thread: poll the core, send what it asks until its
//! deadline, sleep when told. The only code that differs from the async client's.

use std::time::{Instant, SystemTime};

use feennex_proto::Error;
use feennex_proto::call_log::{CallLog, CallOutcome};
use feennex_proto::exchange::{Exchange, Step};
use feennex_proto::session::Prepared;
use feennex_proto::transport::BlockingTransport;

/// Runs a machine the core's [`Session`](feennex_proto::Session) prepared, inside a
/// span with its endpoint, shop and payout id (never the secret or a signature),
/// reporting each attempt, wait and outcome (see [`CallLog`]).
pub fn drive_prepared<X, T>(prepared: Prepared<X>, transport: &T) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: BlockingTransport + ?Sized,
{
    let _span = prepared.label.span().entered();
    run(prepared.machine, transport, CallLog::new(prepared.label))
}

/// Runs any machine of the core to its end over `transport`, on this thread.
///
/// The transport is given each attempt's deadline and should give up by then; an
/// answer that still comes later counts as a timeout. Any [`BlockingTransport`]
/// works, so a stack of your own gets the same retries and exactly-once payouts.
pub fn drive<X, T>(machine: X, transport: &T) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: BlockingTransport + ?Sized,
{
    run(machine, transport, CallLog::unnamed())
}

fn run<X, T>(mut machine: X, transport: &T, mut log: CallLog) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: BlockingTransport + ?Sized,
{
    let mut now = Instant::now();
    loop {
        match machine.poll(now, SystemTime::now(), fastrand::u64(..)) {
            Step::Send { request, deadline, role } => {
                log.sending(now, role, request.uri().path(), deadline);
                let outcome = transport.send(request, deadline).map_err(Error::transport);
                now = Instant::now();
                log.received(now, &outcome);
                machine.receive(now, outcome);
            }
            Step::Wait(duration) => {
                log.waiting(now, duration);
                std::thread::sleep(duration);
                now = Instant::now();
            }
            Step::Done(output) => {
                log.finished(now, &output);
                return output;
            }
        }
    }
}
