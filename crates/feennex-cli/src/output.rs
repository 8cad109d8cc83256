//! Writing results on standard output.

use std::io::{self, Write};

use crate::exit::Failure;

/// Writes one line, turning a write error into a failure instead of a panic.
pub fn print(out: &mut dyn Write, text: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    writeln!(out, "{text}")
        .map_err(|error| Failure::Output(format!("cannot write the output: {error}")))
}

/// Standard output that a reader may stop reading (`feennex … | head -1`): once
/// the pipe is closed, what is written is dropped and the command goes on to its
/// own end and exit status, quietly. A payout is not interrupted because nobody
/// reads its answer any more; every other write error is reported.
#[derive(Debug)]
pub struct ClosedPipeIsQuiet<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> ClosedPipeIsQuiet<W> {
    pub fn new(inner: W) -> Self {
        Self { inner, closed: false }
    }

    fn absorb<T>(&mut self, result: io::Result<T>, otherwise: T) -> io::Result<T> {
        match result {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(otherwise)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for ClosedPipeIsQuiet<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.absorb(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.absorb(result, ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipe whose reader went away after `room` bytes.
    struct Pipe {
        written: Vec<u8>,
        room: usize,
        kind: io::ErrorKind,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written.len() + buf.len() > self.room {
                return Err(io::Error::from(self.kind));
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_drops_the_rest_and_other_errors_are_reported() {
        let pipe = Pipe { written: Vec::new(), room: 6, kind: io::ErrorKind::BrokenPipe };
        let mut out = ClosedPipeIsQuiet::new(pipe);
        for line in ["first", "second", "third"] {
            print(&mut out, format_args!("{line}")).unwrap();
        }
        out.flush().unwrap();
        assert_eq!(out.inner.written, b"first\n");

        let full = Pipe { written: Vec::new(), room: 0, kind: io::ErrorKind::StorageFull };
        let mut out = ClosedPipeIsQuiet::new(full);
        assert!(print(&mut out, format_args!("x")).is_err());
    }
}
