//! The report of a run: one CSV line per input row, and a summary on screen with
//! counts and exact totals per currency.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use feennex_proto::Decimal;

use super::batch::Batch;
use super::journal::RowState;

/// How a row ended, as the report says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Paid (by this run or adopted from an earlier one).
    Paid,
    /// Refused by Feennex or never sent: nothing was paid.
    Failed,
    /// The outcome could not be established: run again to settle it.
    Unknown,
    /// Not processed (the run was stopped).
    Pending,
    /// An invalid row, left out.
    Skipped,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
            Outcome::Pending => "pending",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct ReportLine {
    line: u64,
    shop_payment_id: String,
    outcome: Outcome,
    payout_id: Option<u64>,
    write_off: Option<(Decimal, u16)>,
    error_code: Option<i64>,
    error_message: String,
}

/// Counts and totals of a run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Rows per outcome.
    pub counts: BTreeMap<Outcome, usize>,
    /// Paid write-offs per shop currency.
    pub totals: BTreeMap<u16, Decimal>,
}

impl Summary {
    /// Rows that ended this way.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.counts.get(&outcome).copied().unwrap_or(0)
    }
}

/// The report lines of a batch, in file order, from the journal's states.
pub fn lines(batch: &Batch, state_of: impl Fn(u64) -> RowState) -> Vec<ReportLine> {
    let mut lines: Vec<ReportLine> = batch
        .rows
        .iter()
        .map(|row| {
            let mut line = ReportLine {
                line: row.line,
                shop_payment_id: row.create.shop_payment_id.as_str().to_owned(),
                outcome: Outcome::Pending,
                payout_id: None,
                write_off: None,
                error_code: None,
                error_message: String::new(),
            };
            match state_of(row.line) {
                RowState::Pending | RowState::InFlight => {}
                RowState::Paid { payout_id, write_off, shop_currency, .. } => {
                    line.outcome = Outcome::Paid;
                    line.payout_id = Some(payout_id);
                    line.write_off = Some((write_off, shop_currency));
                }
                RowState::Failed { code, message } => {
                    line.outcome = Outcome::Failed;
                    line.error_code = code;
                    line.error_message = message;
                }
                RowState::Unknown { message } => {
                    line.outcome = Outcome::Unknown;
                    line.error_message = message;
                }
            }
            line
        })
        .collect();
    lines.extend(batch.invalid.iter().map(|invalid| ReportLine {
        line: invalid.line,
        shop_payment_id: invalid.shop_payment_id.clone().unwrap_or_default(),
        outcome: Outcome::Skipped,
        payout_id: None,
        write_off: None,
        error_code: None,
        error_message: invalid.reason.clone(),
    }));
    lines.sort_by_key(|line| line.line);
    lines
}

/// Counts and totals of report lines.
pub fn summarize(lines: &[ReportLine]) -> Summary {
    let mut summary = Summary::default();
    for line in lines {
        *summary.counts.entry(line.outcome).or_default() += 1;
        if let Some((amount, currency)) = line.write_off {
            *summary.totals.entry(currency).or_default() += amount;
        }
    }
    summary
}

/// Writes the report CSV.
pub fn write(path: &Path, lines: &[ReportLine]) -> Result<(), String> {
    let fail = |error: &dyn std::fmt::Display| {
        format!("cannot write the report {}: {error}", path.display())
    };
    let mut writer = csv::Writer::from_path(path).map_err(|e| fail(&e))?;
    writer
        .write_record([
            "line",
            "shop_payment_id",
            "outcome",
            "payout_id",
            "write_off",
            "shop_currency",
            "error_code",
            "error_message",
        ])
        .map_err(|e| fail(&e))?;
    for line in lines {
        let (write_off, currency) = match line.write_off {
            Some((amount, currency)) => (amount.to_string(), currency.to_string()),
            None => (String::new(), String::new()),
        };
        writer
            .write_record([
                line.line.to_string(),
                line.shop_payment_id.clone(),
                line.outcome.as_str().to_owned(),
                line.payout_id.map(|id| id.to_string()).unwrap_or_default(),
                write_off,
                currency,
                line.error_code.map(|code| code.to_string()).unwrap_or_default(),
                line.error_message.clone(),
            ])
            .map_err(|e| fail(&e))?;
    }
    writer.flush().map_err(|e| fail(&e))
}

/// Prints the summary: counts per outcome and paid totals per currency.
pub fn print_summary(out: &mut dyn Write, summary: &Summary) -> std::io::Result<()> {
    let counts: Vec<String> = summary
        .counts
        .iter()
        .map(|(outcome, count)| format!("{count} {}", outcome.as_str()))
        .collect();
    writeln!(out, "rows: {}", counts.join(", "))?;
    for (currency, total) in &summary.totals {
        let alpha = feennex_proto::Currency::new(*currency).and_then(|c| c.alpha()).unwrap_or("");
        writeln!(out, "paid in {currency} {alpha}: {total}")?;
    }
    Ok(())
}
