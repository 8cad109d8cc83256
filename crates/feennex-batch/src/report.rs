//! The report of a run: one CSV line per input row, safe to open in a spreadsheet,
//! and a summary with counts per outcome and paid totals per currency.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use feennex_proto::prelude::Decimal;

use crate::files::create_private;
use crate::settled::Settled;

/// How a row ended, as the report says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Paid by this batch.
    Paid,
    /// Paid before this batch ran: a payout under the row's id existed already and
    /// matches the row. Not paid again.
    AlreadyPaid,
    /// A payout under the row's id exists but does not match the row: not paid,
    /// needs a person.
    Conflict,
    /// A payout under the row's id matches what its answer carries, but nothing
    /// shows it was made for this row (its id does not commit to the row, and no
    /// journal or store recorded the row before it): not counted as paid, needs a
    /// person.
    Unverified,
    /// Refused by Feennex: nothing paid.
    Failed,
    /// Not known yet whether it was paid: run again to settle it.
    Unknown,
    /// Not processed (the run was stopped).
    Pending,
    /// An invalid row, left out.
    Skipped,
}

impl Outcome {
    /// The word in reports and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::AlreadyPaid => "already-paid",
            Outcome::Conflict => "conflict",
            Outcome::Unverified => "unverified",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
            Outcome::Pending => "pending",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReportLine {
    /// The row's physical line in the input.
    pub line: u64,
    /// The payout's id.
    pub shop_payment_id: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Feennex's id of the payout (paid, already paid, conflict, unverified).
    pub payout_id: Option<u64>,
    /// What the shop paid, and in which currency.
    pub write_off: Option<(Decimal, u16)>,
    /// The API's error code.
    pub error_code: Option<i64>,
    /// Why it failed, is unknown, conflicts, is unverified or was skipped.
    pub message: String,
}

impl ReportLine {
    /// The line of a row that the journal says ended as `settled` (pending if it
    /// says nothing).
    pub fn of_row(line: u64, shop_payment_id: &str, settled: Option<Settled>) -> Self {
        let mut report = Self {
            line,
            shop_payment_id: shop_payment_id.to_owned(),
            outcome: Outcome::Pending,
            payout_id: None,
            write_off: None,
            error_code: None,
            message: String::new(),
        };
        match settled {
            None => {}
            Some(Settled::Paid { payout_id, write_off, shop_currency, preexisting }) => {
                report.outcome = if preexisting { Outcome::AlreadyPaid } else { Outcome::Paid };
                report.payout_id = Some(payout_id);
                report.write_off = Some((write_off, shop_currency));
            }
            Some(Settled::Failed { code, message }) => {
                report.outcome = Outcome::Failed;
                report.error_code = code;
                report.message = message;
            }
            Some(Settled::Unknown { message, .. }) => {
                report.outcome = Outcome::Unknown;
                report.message = message;
            }
            Some(Settled::Conflict { payout_id, message }) => {
                report.outcome = Outcome::Conflict;
                report.payout_id = Some(payout_id);
                report.message = message;
            }
            Some(Settled::Unverified { payout_id, message }) => {
                report.outcome = Outcome::Unverified;
                report.payout_id = Some(payout_id);
                report.message = message;
            }
        }
        report
    }

    /// The line of an invalid row.
    pub fn skipped(line: u64, shop_payment_id: Option<&str>, reason: &str) -> Self {
        Self {
            line,
            shop_payment_id: shop_payment_id.unwrap_or_default().to_owned(),
            outcome: Outcome::Skipped,
            payout_id: None,
            write_off: None,
            error_code: None,
            message: reason.to_owned(),
        }
    }
}

/// Counts and totals of a run.
#[derive(Debug, Default, Clone, PartialEq)]
#[non_exhaustive]
pub struct Summary {
    /// Rows per outcome.
    pub counts: BTreeMap<Outcome, u64>,
    /// Write-offs of the rows this batch paid, per shop currency.
    pub paid_totals: BTreeMap<u16, Decimal>,
    /// Write-offs of the rows already paid before this batch ran (proven the
    /// rows'), per shop currency: money that moved, but not now.
    pub already_paid_totals: BTreeMap<u16, Decimal>,
}

impl Summary {
    /// Rows that ended this way.
    pub fn count(&self, outcome: Outcome) -> u64 {
        self.counts.get(&outcome).copied().unwrap_or(0)
    }

    /// Counts one more line.
    pub fn add(&mut self, line: &ReportLine) {
        *self.counts.entry(line.outcome).or_default() += 1;
        let totals = match line.outcome {
            Outcome::Paid => &mut self.paid_totals,
            Outcome::AlreadyPaid => &mut self.already_paid_totals,
            _ => return,
        };
        if let Some((amount, currency)) = line.write_off {
            *totals.entry(currency).or_default() += amount;
        }
    }

    /// Prints counts per outcome, then the totals per currency of what was paid now
    /// and what was already paid.
    pub fn print(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(outcome, count)| format!("{count} {}", outcome.as_str()))
            .collect();
        writeln!(out, "rows: {}", counts.join(", "))?;
        for (label, totals) in
            [("paid now", &self.paid_totals), ("already paid", &self.already_paid_totals)]
        {
            for (currency, total) in totals {
                let alpha = feennex_proto::prelude::Currency::new(*currency)
                    .and_then(|c| c.alpha())
                    .unwrap_or("");
                writeln!(out, "{label} in {currency} {alpha}: {}", total.normalize())?;
            }
        }
        Ok(())
    }
}

/// A cell as a spreadsheet will show it, never run: text that begins like a formula
/// gets a leading `'`.
pub fn neutralized(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Writes report lines to a CSV file created readable by its owner only.
#[derive(Debug)]
pub struct ReportWriter {
    csv: csv::Writer<std::fs::File>,
}

impl ReportWriter {
    /// Creates (or empties) the report at `path` and writes its header.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let mut csv = csv::Writer::from_writer(create_private(path)?);
        csv.write_record([
            "line",
            "shop_payment_id",
            "outcome",
            "payout_id",
            "write_off",
            "shop_currency",
            "error_code",
            "message",
        ])?;
        Ok(Self { csv })
    }

    /// Appends a line.
    pub fn write(&mut self, line: &ReportLine) -> std::io::Result<()> {
        let (write_off, currency) = match line.write_off {
            Some((amount, currency)) => (amount.to_string(), currency.to_string()),
            None => (String::new(), String::new()),
        };
        let cells = [
            line.line.to_string(),
            neutralized(&line.shop_payment_id).into_owned(),
            line.outcome.as_str().to_owned(),
            line.payout_id.map(|id| id.to_string()).unwrap_or_default(),
            write_off,
            currency,
            line.error_code.map(|code| code.to_string()).unwrap_or_default(),
            neutralized(&line.message).into_owned(),
        ];
        self.csv.write_record(&cells)?;
        Ok(())
    }

    /// Flushes and syncs the file.
    pub fn finish(self) -> std::io::Result<()> {
        let file = self.csv.into_inner().map_err(|error| error.into_error())?;
        file.sync_data()
    }
}

/// The report of `batch` as a store's settled rows tell it
/// ([`Store::settled_rows`](crate::Store::settled_rows)), written to `path` if
/// given, with its summary. The summary is complete even when writing the report
/// fails (the second result says so): a run that moved money must still say what
/// it did.
pub fn write_report(
    batch: &crate::batch::BatchFile,
    settled: &crate::settled::SettledRows,
    path: Option<&Path>,
) -> Result<(Summary, std::io::Result<()>), crate::batch::BatchError> {
    write_report_of(batch, |id| settled.get(id).cloned(), path)
}

fn write_report_of(
    batch: &crate::batch::BatchFile,
    settled: impl Fn(&str) -> Option<Settled>,
    path: Option<&Path>,
) -> Result<(Summary, std::io::Result<()>), crate::batch::BatchError> {
    let mut summary = Summary::default();
    let mut writer = match path {
        Some(path) => ReportWriter::create(path).map(Some),
        None => Ok(None),
    };
    let mut write_error = None;
    for row in batch.row_ids()? {
        let line = match row? {
            Ok((line, id)) => ReportLine::of_row(line, &id, settled(&id)),
            Err(invalid) => ReportLine::skipped(
                invalid.line,
                invalid.shop_payment_id.as_deref(),
                &invalid.reason,
            ),
        };
        summary.add(&line);
        let failed = match &mut writer {
            Ok(Some(report)) => report.write(&line).err(),
            Ok(None) | Err(_) => None,
        };
        if let Some(error) = failed {
            write_error = Some(error);
            writer = Err(std::io::Error::other("stopped after an error"));
        }
    }
    let written = match (writer, write_error) {
        (_, Some(error)) => Err(error),
        (Ok(Some(report)), None) => report.finish(),
        (Ok(None), None) => Ok(()),
        (Err(error), None) => Err(error),
    };
    Ok((summary, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_look_like_formulas_are_neutralized() {
        for cell in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralized(cell), format!("'{cell}"));
        }
        assert_eq!(neutralized("salary-alice"), "salary-alice");
        assert_eq!(neutralized(""), "");
    }

    #[test]
    fn already_paid_and_conflicts_are_counted_apart_and_paid_rows_totalled_apart() {
        let mut summary = Summary::default();
        let paid = |write_off: &str, preexisting| Settled::Paid {
            payout_id: 1,
            write_off: write_off.parse().unwrap(),
            shop_currency: 840,
            preexisting,
        };
        summary.add(&ReportLine::of_row(2, "a", Some(paid("10.5", false))));
        summary.add(&ReportLine::of_row(3, "b", Some(paid("20", true))));
        let conflict = Settled::Conflict { payout_id: 9, message: "amount".into() };
        summary.add(&ReportLine::of_row(4, "c", Some(conflict)));
        assert_eq!(summary.count(Outcome::Paid), 1);
        assert_eq!(summary.count(Outcome::AlreadyPaid), 1);
        assert_eq!(summary.count(Outcome::Conflict), 1);
        assert_eq!(summary.paid_totals[&840].to_string(), "10.5");
        assert_eq!(summary.already_paid_totals[&840].to_string(), "20");
        let mut printed = Vec::new();
        summary.print(&mut printed).unwrap();
        let printed = String::from_utf8(printed).unwrap();
        assert!(printed.contains("paid now in 840 USD: 10.5\n"), "{printed}");
        assert!(printed.contains("already paid in 840 USD: 20\n"), "{printed}");
    }
}
