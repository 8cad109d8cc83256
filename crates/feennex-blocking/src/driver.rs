//! The run loop on the calling thread: poll the core, send what it asks until its
//! deadline, sleep when told. The only code that differs from the async client's.

use std::time::{Instant, SystemTime};

use feennex_proto::Error;
use feennex_proto::exchange::{Exchange, Step};
use feennex_proto::session::Prepared;
use feennex_proto::transport::BlockingTransport;

/// Runs a machine the core's [`Session`](feennex_proto::Session) prepared, inside a
/// span with its endpoint, shop and payout id (never the secret or a signature).
pub fn drive_prepared<X, T>(prepared: Prepared<X>, transport: &T) -> X::Output
where
    X: Exchange,
    T: BlockingTransport + ?Sized,
{
    let _span = prepared.label.span().entered();
    drive(prepared.machine, transport)
}

/// Runs any machine of the core to its end over `transport`, on this thread.
///
/// The transport is given each attempt's deadline and should give up by then; an
/// answer that still comes later counts as a timeout. Any [`BlockingTransport`]
/// works, so a stack of your own gets the same retries and exactly-once payouts.
pub fn drive<X, T>(mut machine: X, transport: &T) -> X::Output
where
    X: Exchange,
    T: BlockingTransport + ?Sized,
{
    let mut attempt = 0u32;
    loop {
        match machine.poll(Instant::now(), SystemTime::now(), fastrand::u64(..)) {
            Step::Send { request, deadline, role } => {
                attempt += 1;
                tracing::debug!(attempt, role = role.as_str(), "sending");
                let outcome = transport.send(request, deadline).map_err(Error::transport);
                match &outcome {
                    Ok(response) => {
                        tracing::debug!(attempt, status = response.status().as_u16(), "answered")
                    }
                    Err(error) => tracing::info!(attempt, error = %error.chain(), "attempt failed"),
                }
                machine.receive(Instant::now(), outcome);
            }
            Step::Wait(duration) => {
                tracing::debug!(?duration, "waiting before the next request");
                std::thread::sleep(duration);
            }
            Step::Done(output) => return output,
        }
    }
}
