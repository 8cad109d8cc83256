//! Reading a payout CSV and checking every row before anything is sent.

use std::collections::HashMap;
use std::path::Path;

use feennex_proto::{
    Amount, Currency, PayeeAccount, ShopPaymentId, TransferAmountType, TransferCreate,
};
use sha2::{Digest, Sha256};

/// Columns every file must have.
const REQUIRED: [&str; 4] = ["payee_account", "amount", "payee_currency", "shop_currency"];
/// Columns a file may have.
const OPTIONAL: [&str; 3] = ["amount_type", "shop_payment_id", "description"];

/// A row ready to pay.
#[derive(Debug, Clone)]
pub struct PayoutRow {
    /// The row's line in the file (the header is line 1).
    pub line: u64,
    /// The payout, with its id fixed.
    pub create: TransferCreate,
}

/// A row that cannot be paid, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRow {
    /// The row's line in the file.
    pub line: u64,
    /// The merchant id, when the row gave one.
    pub shop_payment_id: Option<String>,
    /// What is wrong, naming the column.
    pub reason: String,
}

/// Every row of a file, sorted into valid and invalid.
#[derive(Debug)]
pub struct Batch {
    /// SHA-256 of the file's bytes: the batch's identity.
    pub fingerprint: String,
    /// The rows to pay, in file order.
    pub rows: Vec<PayoutRow>,
    /// The rows refused, in file order.
    pub invalid: Vec<InvalidRow>,
}

/// The file as a whole cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The header is missing a column or names an unknown one.
    #[error("{0}")]
    Header(String),
    /// The CSV itself is broken (unbalanced quotes, bad encoding).
    #[error("line {line}: not valid CSV: {reason}")]
    Csv {
        /// Where.
        line: u64,
        /// What.
        reason: String,
    },
}

impl Batch {
    /// Reads and checks a file.
    pub fn read(path: &Path) -> Result<Self, BatchError> {
        let bytes = std::fs::read(path)
            .map_err(|source| BatchError::Read { path: path.display().to_string(), source })?;
        Self::parse(&bytes)
    }

    /// Checks every row of a file's bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, BatchError> {
        let fingerprint = hex(&Sha256::digest(bytes));
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
        let columns =
            Columns::from_header(reader.headers().map_err(|error| csv_error(&error, 1))?)?;
        let mut rows = Vec::new();
        let mut invalid = Vec::new();
        let mut seen_ids: HashMap<String, u64> = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|error| csv_error(&error, 0))?;
            let line = record.position().map_or(0, csv::Position::line);
            let given_id = columns.get(&record, "shop_payment_id").map(str::to_owned);
            let checked = columns.row(&record, line, &fingerprint).and_then(|create| {
                let id = create.shop_payment_id.as_str().to_owned();
                match seen_ids.insert(id.clone(), line) {
                    Some(first) => {
                        Err(format!("shop_payment_id {id:?} is used on line {first} already"))
                    }
                    None => Ok(create),
                }
            });
            match checked {
                Ok(create) => rows.push(PayoutRow { line, create }),
                Err(reason) => invalid.push(InvalidRow { line, shop_payment_id: given_id, reason }),
            }
        }
        Ok(Self { fingerprint, rows, invalid })
    }
}

fn csv_error(error: &csv::Error, fallback_line: u64) -> BatchError {
    let line = error.position().map_or(fallback_line, csv::Position::line);
    BatchError::Csv { line, reason: error.to_string() }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Where each known column is.
struct Columns(HashMap<&'static str, usize>);

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Self, BatchError> {
        let mut positions = HashMap::new();
        for (index, name) in header.iter().enumerate() {
            let known = REQUIRED.iter().chain(&OPTIONAL).find(|column| **column == name);
            match known {
                Some(column) if positions.insert(*column, index).is_none() => {}
                Some(column) => {
                    return Err(BatchError::Header(format!("column {column} appears twice")));
                }
                None => {
                    return Err(BatchError::Header(format!(
                        "unknown column {name:?}; the columns are {} and optionally {}",
                        REQUIRED.join(", "),
                        OPTIONAL.join(", ")
                    )));
                }
            }
        }
        let missing: Vec<&str> =
            REQUIRED.iter().copied().filter(|column| !positions.contains_key(column)).collect();
        if !missing.is_empty() {
            return Err(BatchError::Header(format!("missing column(s): {}", missing.join(", "))));
        }
        Ok(Self(positions))
    }

    /// A column's value; empty cells count as absent.
    fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> Option<&'r str> {
        let index = *self.0.get(column)?;
        record.get(index).filter(|value| !value.is_empty())
    }

    fn required<'r>(&self, record: &'r csv::StringRecord, column: &str) -> Result<&'r str, String> {
        self.get(record, column).ok_or_else(|| format!("{column}: missing"))
    }

    /// Checks one row; the reason names the column.
    fn row(
        &self,
        record: &csv::StringRecord,
        line: u64,
        fingerprint: &str,
    ) -> Result<TransferCreate, String> {
        let field = |column: &str| self.required(record, column);
        let named = |column: &str, error: &dyn std::fmt::Display| format!("{column}: {error}");
        let payee_account: PayeeAccount =
            field("payee_account")?.parse().map_err(|e| named("payee_account", &e))?;
        let amount: Amount = field("amount")?.parse().map_err(|e| named("amount", &e))?;
        let payee_currency: Currency =
            field("payee_currency")?.parse().map_err(|e| named("payee_currency", &e))?;
        let shop_currency: Currency =
            field("shop_currency")?.parse().map_err(|e| named("shop_currency", &e))?;
        let amount_type = match self.get(record, "amount_type") {
            Some(text) => text.parse().map_err(|e| named("amount_type", &e))?,
            None => TransferAmountType::ReceiveAmount,
        };
        let shop_payment_id = match self.get(record, "shop_payment_id") {
            Some(text) => ShopPaymentId::new(text).map_err(|e| named("shop_payment_id", &e))?,
            None => generated_id(fingerprint, line),
        };
        let mut request = TransferCreate::new(
            amount,
            amount_type,
            payee_account,
            payee_currency,
            shop_currency,
            shop_payment_id,
        );
        request.description = self.get(record, "description").map(str::to_owned);
        Ok(request)
    }
}

/// The id of a row without one: the file's identity and the row's line, so the
/// same file gives the same ids on every run.
fn generated_id(fingerprint: &str, line: u64) -> ShopPaymentId {
    // 16 hex characters and a line number are far within 255 characters.
    ShopPaymentId::new(format!("batch-{}-line-{line}", &fingerprint[..16]))
        .unwrap_or_else(|_| unreachable!("a generated id is always 1 to 255 characters"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "payee_account,amount,payee_currency,shop_currency,amount_type,shop_payment_id,description\n\
        201234567890,10.50,840,840,,,First\n\
        a@b.co,3,978,840,writeoff_amount,own-id,\"Second, with comma\"\n";

    #[test]
    fn rows_become_payouts_with_ids_that_depend_only_on_the_file() {
        let batch = Batch::parse(GOOD.as_bytes()).unwrap();
        assert!(batch.invalid.is_empty(), "{:?}", batch.invalid);
        assert_eq!(batch.rows.len(), 2);
        let first = &batch.rows[0];
        assert_eq!(first.line, 2);
        assert_eq!(first.create.amount.as_str(), "10.5");
        assert_eq!(
            first.create.shop_payment_id.as_str(),
            format!("batch-{}-line-2", &batch.fingerprint[..16])
        );
        let second = &batch.rows[1];
        assert_eq!(second.create.shop_payment_id.as_str(), "own-id");
        assert_eq!(second.create.amount_type, TransferAmountType::WriteoffAmount);
        assert_eq!(second.create.description.as_deref(), Some("Second, with comma"));

        let again = Batch::parse(GOOD.as_bytes()).unwrap();
        assert_eq!(again.rows[0].create.shop_payment_id, first.create.shop_payment_id);
        let changed = Batch::parse(GOOD.replace("First", "Changed").as_bytes()).unwrap();
        assert_ne!(changed.rows[0].create.shop_payment_id, first.create.shop_payment_id);
    }

    #[test]
    fn every_invalid_row_is_listed_with_its_line_and_reason() {
        let text = "payee_account,amount,payee_currency,shop_currency,shop_payment_id\n\
            201234567890,10,840,840,dup\n\
            nobody,10,840,840,\n\
            201234567890,-3,840,840,\n\
            201234567890,10,XYZ,840,\n\
            201234567890,10,840,840,dup\n\
            201234567890,0.00001,840,840,\n";
        let batch = Batch::parse(text.as_bytes()).unwrap();
        assert_eq!(batch.rows.len(), 1);
        let reasons: Vec<(u64, &str)> =
            batch.invalid.iter().map(|row| (row.line, row.reason.as_str())).collect();
        assert_eq!(reasons.len(), 5, "{reasons:?}");
        assert!(reasons[0].0 == 3 && reasons[0].1.starts_with("payee_account:"));
        assert!(reasons[1].0 == 4 && reasons[1].1.starts_with("amount:"));
        assert!(reasons[2].0 == 5 && reasons[2].1.starts_with("payee_currency:"));
        assert!(reasons[3].0 == 6 && reasons[3].1.contains("line 2 already"));
        assert!(reasons[4].0 == 7 && reasons[4].1.starts_with("amount:"));
    }

    #[test]
    fn a_bad_header_refuses_the_whole_file() {
        let missing = Batch::parse(b"payee_account,amount,shop_currency\n").unwrap_err();
        assert!(missing.to_string().contains("payee_currency"), "{missing}");
        let unknown =
            Batch::parse(b"payee_acount,amount,payee_currency,shop_currency\n").unwrap_err();
        assert!(unknown.to_string().contains("payee_acount"), "{unknown}");
    }
}
