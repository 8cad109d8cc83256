//! The properties behind every fuzz target. Each check takes the raw input and
//! panics when a property fails. The fuzz targets call them, and an ordinary test
//! (`tests/tests/fuzz_corpus_replay.rs`) replays the committed corpus through the
//! very same functions on stable, so this file depends only on crates both have.

mod callback_verify;
mod exactly_once;
mod python_text;
mod responses;
mod sandbox_requests;
mod sign_verify;

pub use callback_verify::callback_verify;
pub use exactly_once::exactly_once;
pub use python_text::python_text;
pub use responses::responses;
pub use sandbox_requests::sandbox_requests;
pub use sign_verify::sign_verify;

/// A fuzz target's check.
pub type Check = fn(&[u8]);

/// Every fuzz target: its name (also the name of its corpus directory) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("sign_verify", sign_verify),
    ("responses", responses),
    ("callback_verify", callback_verify),
    ("exactly_once", exactly_once),
    ("sandbox_requests", sandbox_requests),
    ("python_text", python_text),
];

/// Longest error message any check accepts, in characters: errors keep snippets,
/// never whole bodies.
const MAX_ERROR_CHARS: usize = 2_000;

/// Typed choices read off the front of the input; zeros once it is used up.
struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&first, rest)) => {
                self.data = rest;
                first
            }
            None => 0,
        }
    }

    fn take(&mut self, len: usize) -> &'a [u8] {
        let (head, tail) = self.data.split_at(len.min(self.data.len()));
        self.data = tail;
        head
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    fn rest(self) -> &'a [u8] {
        self.data
    }
}

/// An amount from four bytes and a scale byte, or `None` when the SDK refuses it.
fn fuzzed_amount(input: &mut Input<'_>) -> Option<feennex_proto::prelude::Amount> {
    let units = input.u32();
    let scale = u32::from(input.byte() % 5);
    feennex_proto::prelude::Amount::new(feennex_proto::prelude::Decimal::new(
        i64::from(units),
        scale,
    ))
    .ok()
}

fn assert_short_error(error: &dyn std::fmt::Display) {
    let text = error.to_string();
    assert!(
        text.chars().count() <= MAX_ERROR_CHARS,
        "an error message of {} characters: {:.300}",
        text.chars().count(),
        text
    );
}
