//! The run loop: poll the core, send what it asks, sleep when told.

use std::time::{Instant, SystemTime};

use feennex_proto::{
    AttemptTimeout, BlockingTransport, CallLog, CallOutcome, Error, Exchange, Step,
};

/// Runs a call of the core to its end over `transport`, on this thread.
///
/// Each request carries its time limit as an [`AttemptTimeout`] extension, which
/// the transport applies. Any [`BlockingTransport`] works, so a stack of your own
/// gets the same retries and exactly-once payouts. Each attempt, wait and outcome
/// is reported through `tracing` (see [`CallLog`]).
pub fn drive<X, T>(exchange: X, transport: &T) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: BlockingTransport + ?Sized,
{
    drive_logged(exchange, transport, CallLog::unnamed())
}

/// [`drive`], reporting into `log`.
pub(crate) fn drive_logged<X, T>(mut exchange: X, transport: &T, mut log: CallLog) -> X::Output
where
    X: Exchange,
    X::Output: CallOutcome,
    T: BlockingTransport + ?Sized,
{
    loop {
        match exchange.poll(Instant::now(), SystemTime::now(), fastrand::u64(..)) {
            Step::Send { mut request, timeout } => {
                log.sending(Instant::now(), &request, timeout);
                request.extensions_mut().insert(AttemptTimeout(timeout));
                let outcome = transport.send(request).map_err(Error::transport);
                log.received(Instant::now(), &outcome);
                exchange.receive(Instant::now(), outcome);
            }
            Step::Wait(duration) => {
                log.waiting(Instant::now(), duration);
                std::thread::sleep(duration);
            }
            Step::Done(output) => {
                log.finished(Instant::now(), &output);
                return output;
            }
        }
    }
}
