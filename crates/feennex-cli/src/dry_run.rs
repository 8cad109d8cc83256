//! Printing a request exactly as it would go on the wire.

use std::io::Write;

use crate::exit::Failure;

/// Prints the request line with the full URL, the headers, a blank line and the body.
pub fn print_request(out: &mut dyn Write, request: &http::Request<Vec<u8>>) -> Result<(), Failure> {
    let mut text = format!("{} {} HTTP/1.1\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        text.push_str(&format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes())));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(request.body()));
    crate::output::print(out, format_args!("{text}"))
}
