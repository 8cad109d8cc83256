//! Logs on standard error: RUST_LOG when set, otherwise the level -v, -vv and -q ask for.

use tracing_subscriber::EnvFilter;

use crate::flags::OutputArgs;

/// Installs the subscriber. Without RUST_LOG: warnings and errors; -v adds each
/// retry, lookup and outcome; -vv each attempt; -vvv everything; -q only errors.
pub fn install(args: &OutputArgs) {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => EnvFilter::new(directives),
        _ => EnvFilter::new(level(args)),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

fn level(args: &OutputArgs) -> &'static str {
    match (args.quiet, args.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    }
}
