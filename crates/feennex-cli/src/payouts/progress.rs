//! Feedback while a batch runs: a progress bar with rate and ETA on a terminal,
//! plain periodic lines otherwise (logs, CI, pipes).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often plain lines are printed.
const PLAIN_INTERVAL: Duration = Duration::from_secs(2);

/// Counts finished rows and shows it.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
    plain: Option<Arc<AtomicBool>>,
}

impl Progress {
    /// A progress display for `total` rows on standard error.
    pub fn new(total: u64) -> Self {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} rows, {per_sec}, eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            return Self { bar, plain: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        let running = Arc::new(AtomicBool::new(true));
        let (printer_bar, printer_running) = (bar.clone(), running.clone());
        std::thread::spawn(move || {
            while printer_running.load(Ordering::Relaxed) {
                std::thread::sleep(PLAIN_INTERVAL);
                if printer_running.load(Ordering::Relaxed) {
                    eprintln!("{}", plain_line(&printer_bar));
                }
            }
        });
        Self { bar, plain: Some(running) }
    }

    /// Prints a message without breaking the bar.
    pub fn note(&self, message: &str) {
        if self.plain.is_some() {
            eprintln!("{message}");
        } else {
            self.bar.println(message);
        }
    }

    /// Ends the display with a last line.
    pub fn finish(&self) {
        match &self.plain {
            Some(running) => {
                running.store(false, Ordering::Relaxed);
                eprintln!("{}", plain_line(&self.bar));
            }
            None => self.bar.finish(),
        }
    }
}

fn plain_line(bar: &ProgressBar) -> String {
    let total = bar.length().unwrap_or(0);
    format!(
        "payouts: {}/{total} rows done, {:.1} rows/s, eta {}s",
        bar.position(),
        bar.per_sec(),
        bar.eta().as_secs()
    )
}

impl feennex_batch::Observer for Progress {
    fn row_finished(&self, row: feennex_batch::RowRef<'_>, outcome: feennex_batch::Outcome) {
        self.bar.inc(1);
        if outcome == feennex_batch::Outcome::Conflict {
            self.note(&format!(
                "line {}: {}: a payout under this id differs from the row",
                row.line, row.shop_payment_id
            ));
        }
    }
}
