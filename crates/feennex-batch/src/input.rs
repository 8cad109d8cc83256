//! Reading payout rows from CSV as a stream, each checked before anything is sent.
//!
//! Wallet transfers: `payee_account, amount, payee_currency, shop_currency` and
//! optionally `amount_type` (default `receive_amount`), `shop_payment_id`,
//! `description`. Withdrawals (`withdraw/create`): `account, amount, payway,
//! shop_currency` and optionally `amount_type` (default `ps_amount`),
//! `shop_payment_id`, `account_details` (a JSON object). Currencies are ISO letters
//! (`USD`) or numbers (`840`).

use std::io::Read;

use feennex_proto::adoption::PayoutIntent;
use feennex_proto::batch::IdOrigin;
use feennex_proto::endpoints::AccountDetails;
use feennex_proto::prelude::{
    Amount, Currency, PayeeAccount, Payway, ShopPaymentId, TransferAmountType, TransferCreate,
    WithdrawAccount, WithdrawAmountType, WithdrawCreate,
};

use crate::lines::{LineCounting, LineIndex};

const TRANSFER_REQUIRED: [&str; 4] = ["payee_account", "amount", "payee_currency", "shop_currency"];
const TRANSFER_OPTIONAL: [&str; 3] = ["amount_type", "shop_payment_id", "description"];
const WITHDRAW_REQUIRED: [&str; 4] = ["account", "amount", "payway", "shop_currency"];
const WITHDRAW_OPTIONAL: [&str; 3] = ["amount_type", "shop_payment_id", "account_details"];

/// Which payouts a file holds, told by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayoutKind {
    /// Payouts to Feennex wallets (`transfer/create`).
    Transfer,
    /// Payouts to external payment systems (`withdraw/create`).
    Withdraw,
}

/// A payout request of either kind.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Create {
    /// A wallet payout.
    Transfer(TransferCreate),
    /// A withdrawal.
    Withdraw(WithdrawCreate),
}

/// A row ready to pay.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Row {
    /// The record's index in the file, from 1 (the header is not a record): the
    /// basis of derived ids.
    pub record: u64,
    /// The physical line where the record starts, for messages.
    pub line: u64,
    /// The payout, with its id fixed.
    pub create: Create,
    /// What it asks.
    pub intent: PayoutIntent,
    /// Whether its id commits to the batch's content (derived from its hash) or
    /// was chosen (written in the file, or derived from a batch id given).
    pub id_origin: IdOrigin,
}

/// A row that cannot be paid, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidRow {
    /// The record's index, from 1.
    pub record: u64,
    /// Its physical line.
    pub line: u64,
    /// The payout's id, when the row gave one or one was derived.
    pub shop_payment_id: Option<String>,
    /// What is wrong, naming the column.
    pub reason: String,
}

/// A record's index, line and id (or why it has none), as a report reads them.
#[derive(Debug)]
pub(crate) struct RowId {
    pub record: u64,
    pub line: u64,
    pub id: Result<ShopPaymentId, String>,
}

/// The file as a whole cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file holds nothing, not even a header row.
    #[error("the file is empty: it needs a header row and at least one payout row")]
    Empty,
    /// The file has a header row and no row after it: nothing to pay.
    #[error("the file has a header row but no payout rows")]
    NoRows,
    /// The header names an unknown column, lacks one, or names one twice.
    #[error("header: {0}")]
    Header(String),
    /// The CSV itself is broken (unbalanced quotes, bad encoding, unreadable).
    #[error("line {line}: not valid CSV: {reason}")]
    Csv {
        /// Where.
        line: u64,
        /// What.
        reason: String,
    },
}

/// Where each known column is: a handful, found by a look along the list (read
/// for every cell, where hashing the name would cost more).
#[derive(Debug, Clone)]
struct Columns {
    kind: PayoutKind,
    positions: Vec<(&'static str, usize)>,
}

/// Rows of a CSV file, read and checked one at a time: memory does not grow with
/// the file.
#[derive(Debug)]
pub struct RowReader<R: Read> {
    csv: csv::Reader<LineCounting<R>>,
    lines: LineIndex,
    columns: Columns,
    batch_id: String,
    /// Where the ids derived from `batch_id` come from.
    derived_origin: IdOrigin,
    record: csv::StringRecord,
    /// Where a record passed over is read, its bytes not checked as UTF-8.
    passed: csv::ByteRecord,
    count: u64,
}

impl<R: Read> RowReader<R> {
    /// Reads the header of `input`; rows without a `shop_payment_id` get
    /// `batch-<batch_id>-<record index>`, an id chosen by whoever chose `batch_id`.
    pub fn new(input: R, batch_id: &str) -> Result<Self, InputError> {
        Self::with_origin(input, batch_id, IdOrigin::Chosen)
    }

    /// As [`RowReader::new`], saying where `batch_id` comes from.
    pub(crate) fn with_origin(
        input: R,
        batch_id: &str,
        derived_origin: IdOrigin,
    ) -> Result<Self, InputError> {
        let (counting, lines) = LineCounting::new(input);
        // Cells are trimmed of ASCII whitespace where they are read (as the `csv`
        // crate would trim them all), so that a record passed over costs less.
        let mut csv = csv::ReaderBuilder::new().from_reader(counting);
        let header = csv.headers().map_err(|error| csv_error(&error, &lines))?.clone();
        if header.iter().map(str::trim_ascii).all(str::is_empty) {
            return Err(InputError::Empty);
        }
        let columns = Columns::from_header(&header)?;
        Ok(Self {
            csv,
            lines,
            columns,
            batch_id: batch_id.to_owned(),
            derived_origin,
            record: csv::StringRecord::new(),
            passed: csv::ByteRecord::new(),
            count: 0,
        })
    }

    /// The kind of payouts in the file.
    pub fn kind(&self) -> PayoutKind {
        self.columns.kind
    }

    /// The next row: `None` at the end, an error when the CSV itself is broken.
    pub fn next_row(&mut self) -> Option<Result<Result<Row, InvalidRow>, InputError>> {
        Some(self.read_record()?.map(|(_, line)| self.check(line)))
    }

    /// Reads the next record: its index and physical line, `None` at the end.
    fn read_record(&mut self) -> Option<Result<(u64, u64), InputError>> {
        let read = self.csv.read_record(&mut self.record);
        let position = self.record.position().map(csv::Position::byte);
        self.counted(read, position)
    }

    /// Counts the record a read gave (starting at byte `position`): its index and
    /// line, `None` at the end.
    fn counted(
        &mut self,
        read: csv::Result<bool>,
        position: Option<u64>,
    ) -> Option<Result<(u64, u64), InputError>> {
        match read {
            Ok(false) => None,
            Err(error) => Some(Err(csv_error(&error, &self.lines))),
            Ok(true) => {
                self.count += 1;
                Some(Ok((self.count, self.lines.line_at(position.unwrap_or(0)))))
            }
        }
    }

    /// The known cells of the record last read, in a fixed order whatever the
    /// header's: what an invalid row contributes to the batch's content.
    pub(crate) fn known_cells(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let (required, optional) = self.columns.names();
        required
            .iter()
            .chain(optional)
            .map(|name| (*name, self.columns.get(&self.record, name).unwrap_or_default()))
    }

    /// Reads the next record without checking it, its text included: its index,
    /// `None` at the end.
    pub(crate) fn skip_record(&mut self) -> Option<Result<u64, InputError>> {
        let read = self.csv.read_byte_record(&mut self.passed);
        let position = self.passed.position().map(csv::Position::byte);
        Some(self.counted(read, position)?.map(|(record, _)| record))
    }

    /// The next record's index, line and id, the rest of the row unchecked: what
    /// a report of a scanned file needs. `None` at the end.
    pub(crate) fn next_id(&mut self) -> Option<Result<RowId, InputError>> {
        Some(self.read_record()?.map(|(record, line)| RowId { record, line, id: self.id(record) }))
    }

    /// The id of the record last read: the one it gives, or one derived.
    fn id(&self, record: u64) -> Result<ShopPaymentId, String> {
        match self.columns.get(&self.record, "shop_payment_id") {
            Some(given) if is_derived_form(&self.batch_id, given) => Err(format!(
                "shop_payment_id: {given:?} has the form of this batch's own ids (batch-{}-N), kept for rows without an id",
                self.batch_id
            )),
            Some(given) => {
                ShopPaymentId::new(given).map_err(|error| format!("shop_payment_id: {error}"))
            }
            None => Ok(derived_id(&self.batch_id, record)),
        }
    }

    fn check(&self, line: u64) -> Result<Row, InvalidRow> {
        let record = self.count;
        let given = self.columns.get(&self.record, "shop_payment_id");
        let id_origin = if given.is_some() { IdOrigin::Chosen } else { self.derived_origin };
        let id = self.id(record);
        let shown_id = match &id {
            Ok(id) => Some(id.as_str().to_owned()),
            Err(_) => self.columns.get(&self.record, "shop_payment_id").map(str::to_owned),
        };
        let create = id.and_then(|id| match self.columns.kind {
            PayoutKind::Transfer => self.columns.transfer(&self.record, id).map(Create::Transfer),
            PayoutKind::Withdraw => self.columns.withdraw(&self.record, id).map(Create::Withdraw),
        });
        match create {
            Ok(create) => {
                let intent = match &create {
                    Create::Transfer(create) => PayoutIntent::transfer(create),
                    Create::Withdraw(create) => PayoutIntent::withdraw(create),
                };
                Ok(Row { record, line, create, intent, id_origin })
            }
            Err(reason) => Err(InvalidRow { record, line, shop_payment_id: shown_id, reason }),
        }
    }
}

impl<R: Read> Iterator for RowReader<R> {
    type Item = Result<Result<Row, InvalidRow>, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row()
    }
}

fn csv_error(error: &csv::Error, lines: &LineIndex) -> InputError {
    let line = error.position().map_or(0, |position| lines.line_at(position.byte()));
    let reason = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_owned(),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} fields where the header has {expected_len}")
        }
        _ => error.to_string(),
    };
    InputError::Csv { line, reason }
}

/// The id of a row without one: the batch's id and the record's index, so the
/// same file gives the same ids on every run whatever its line endings.
pub fn derived_id(batch_id: &str, record: u64) -> ShopPaymentId {
    ShopPaymentId::new(format!("batch-{batch_id}-{record}"))
        .unwrap_or_else(|_| unreachable!("a batch id is checked to fit"))
}

/// Whether `id` has the form of this batch's derived ids. Derived ids never collide
/// with each other, so only the merchant's own ids need remembering to find
/// duplicates; an own id of the derived form is refused to keep that true.
pub(crate) fn is_derived_form(batch_id: &str, id: &str) -> bool {
    id.strip_prefix("batch-")
        .and_then(|rest| rest.strip_prefix(batch_id))
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks a batch id given by a person: it must leave room in a 255-character id.
pub fn check_batch_id(batch_id: &str) -> Result<(), String> {
    let fits = !batch_id.is_empty()
        && batch_id.len() <= 200
        && batch_id.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"-_.".contains(&byte));
    if fits {
        Ok(())
    } else {
        Err(format!("batch id {batch_id:?}: use 1 to 200 letters, digits, '-', '_' or '.'"))
    }
}

/// A currency as ISO letters (`USD`) or its number (`840`).
pub fn parse_currency(text: &str) -> Result<Currency, String> {
    if let Ok(currency) = text.parse::<Currency>() {
        return Ok(currency);
    }
    const NAMED: [Currency; 7] = [
        Currency::USD,
        Currency::EUR,
        Currency::RUB,
        Currency::UAH,
        Currency::KZT,
        Currency::GBP,
        Currency::UZS,
    ];
    NAMED
        .into_iter()
        .find(|currency| currency.alpha().is_some_and(|alpha| alpha.eq_ignore_ascii_case(text)))
        .ok_or_else(|| {
            format!(
                "{:?} is not a currency: use an ISO 4217 number (840) or one of USD, EUR, RUB, UAH, KZT, GBP, UZS",
                text.chars().take(20).collect::<String>()
            )
        })
}

/// An amount the server accepts, by the core's one rule ([`Amount::parse_for_api`]).
pub fn parse_amount(text: &str) -> Result<Amount, String> {
    Amount::parse_for_api(text).map_err(|error| error.to_string())
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Self, InputError> {
        let names: Vec<&str> = header.iter().map(str::trim_ascii).collect();
        let (kind, required, optional) = if names.contains(&"payee_account") {
            (PayoutKind::Transfer, TRANSFER_REQUIRED, TRANSFER_OPTIONAL)
        } else if names.contains(&"account") || names.contains(&"payway") {
            (PayoutKind::Withdraw, WITHDRAW_REQUIRED, WITHDRAW_OPTIONAL)
        } else {
            return Err(InputError::Header(format!(
                "no payee_account (wallet payouts) or account and payway (withdrawals) column; the columns are {} and optionally {}, or {} and optionally {}",
                TRANSFER_REQUIRED.join(", "),
                TRANSFER_OPTIONAL.join(", "),
                WITHDRAW_REQUIRED.join(", "),
                WITHDRAW_OPTIONAL.join(", ")
            )));
        };
        let mut positions: Vec<(&'static str, usize)> = Vec::new();
        for (index, name) in names.iter().enumerate() {
            let known = required.iter().chain(&optional).find(|column| *column == name);
            match known {
                Some(column) if !positions.iter().any(|(seen, _)| seen == column) => {
                    positions.push((column, index));
                }
                Some(column) => {
                    return Err(InputError::Header(format!("column {column} appears twice")));
                }
                None => {
                    return Err(InputError::Header(format!(
                        "unknown column {name:?}; the columns are {} and optionally {}",
                        required.join(", "),
                        optional.join(", ")
                    )));
                }
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|column| !positions.iter().any(|(seen, _)| seen == column))
            .collect();
        if !missing.is_empty() {
            return Err(InputError::Header(format!("missing column(s): {}", missing.join(", "))));
        }
        Ok(Self { kind, positions })
    }

    /// The required and optional columns of this kind of file.
    fn names(&self) -> (&'static [&'static str], &'static [&'static str]) {
        match self.kind {
            PayoutKind::Transfer => (&TRANSFER_REQUIRED, &TRANSFER_OPTIONAL),
            PayoutKind::Withdraw => (&WITHDRAW_REQUIRED, &WITHDRAW_OPTIONAL),
        }
    }

    /// A column's value, trimmed; empty cells count as absent.
    fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> Option<&'r str> {
        let (_, index) = self.positions.iter().find(|(name, _)| *name == column)?;
        record.get(*index).map(str::trim_ascii).filter(|value| !value.is_empty())
    }

    fn required<'r>(&self, record: &'r csv::StringRecord, column: &str) -> Result<&'r str, String> {
        self.get(record, column).ok_or_else(|| format!("{column}: missing"))
    }

    fn parsed<T, E: std::fmt::Display>(
        &self,
        record: &csv::StringRecord,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, String> {
        parse(self.required(record, column)?).map_err(|error| format!("{column}: {error}"))
    }

    fn transfer(
        &self,
        record: &csv::StringRecord,
        id: ShopPaymentId,
    ) -> Result<TransferCreate, String> {
        let payee_account = self.parsed(record, "payee_account", |text| PayeeAccount::new(text))?;
        let amount = self.parsed(record, "amount", parse_amount)?;
        let payee_currency = self.parsed(record, "payee_currency", parse_currency)?;
        let shop_currency = self.parsed(record, "shop_currency", parse_currency)?;
        let amount_type = match self.get(record, "amount_type") {
            Some(text) => text.parse().map_err(|error| format!("amount_type: {error}"))?,
            None => TransferAmountType::ReceiveAmount,
        };
        let mut create = TransferCreate::builder()
            .amount(amount)
            .amount_type(amount_type)
            .payee_account(payee_account)
            .payee_currency(payee_currency)
            .shop_currency(shop_currency)
            .shop_payment_id(id)
            .build();
        create.description = self.get(record, "description").map(str::to_owned);
        Ok(create)
    }

    fn withdraw(
        &self,
        record: &csv::StringRecord,
        id: ShopPaymentId,
    ) -> Result<WithdrawCreate, String> {
        let account = self.parsed(record, "account", |text| WithdrawAccount::new(text))?;
        let amount = self.parsed(record, "amount", parse_amount)?;
        let payway = self.parsed(record, "payway", |text| Payway::new(text))?;
        let shop_currency = self.parsed(record, "shop_currency", parse_currency)?;
        let amount_type = match self.get(record, "amount_type") {
            Some(text) => text.parse().map_err(|error| format!("amount_type: {error}"))?,
            None => WithdrawAmountType::PsAmount,
        };
        let mut create =
            WithdrawCreate::new(account, amount, amount_type, payway, shop_currency, id);
        if let Some(text) = self.get(record, "account_details") {
            let details: AccountDetails = serde_json::from_str(text)
                .map_err(|_| "account_details: not a JSON object".to_owned())?;
            create.account_details = Some(details);
        }
        Ok(create)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Result<Row, InvalidRow>> {
        RowReader::new(text.as_bytes(), "b1").unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn ids_come_from_the_record_index_whatever_the_line_endings() {
        let lf = "payee_account,amount,payee_currency,shop_currency\n201234567890,1,840,840\n\n201234567891,2,USD,usd\n";
        for text in [lf.to_owned(), lf.replace('\n', "\r\n"), lf.replace('\n', "\r")] {
            let rows = rows(&text);
            let ids: Vec<(u64, u64, String)> = rows
                .iter()
                .map(|row| {
                    let row = row.as_ref().unwrap();
                    (row.record, row.line, row.intent.shop_payment_id().to_owned())
                })
                .collect();
            assert_eq!(
                ids,
                [(1, 2, "batch-b1-1".to_owned()), (2, 4, "batch-b1-2".to_owned())],
                "{text:?}"
            );
        }
    }

    #[test]
    fn an_empty_file_says_so() {
        for text in ["", "\n", "\r\n\r\n"] {
            let error = RowReader::new(text.as_bytes(), "b1").unwrap_err();
            assert!(matches!(error, InputError::Empty), "{text:?}: {error}");
        }
    }

    #[test]
    fn amounts_the_server_would_refuse_are_invalid_rows() {
        let text = "payee_account,amount,payee_currency,shop_currency\n201234567890,1.005,840,840\n201234567890,1e3,840,840\n201234567890,10.10,840,XXX\n";
        let reasons: Vec<String> =
            rows(text).into_iter().map(|row| row.unwrap_err().reason).collect();
        assert!(reasons[0].starts_with("amount:") && reasons[0].contains("decimal places"));
        assert!(reasons[1].starts_with("amount:"));
        assert!(reasons[2].starts_with("shop_currency:"));
    }

    #[test]
    fn own_ids_of_the_derived_form_are_refused() {
        let text = "payee_account,amount,payee_currency,shop_currency,shop_payment_id\n201234567890,1,840,840,batch-b1-2\n201234567890,1,840,840,batch-b1-x\n201234567890,1,840,840,\n";
        let rows = rows(text);
        assert!(rows[0].as_ref().unwrap_err().reason.contains("kept for rows without an id"));
        assert_eq!(rows[1].as_ref().unwrap().intent.shop_payment_id(), "batch-b1-x");
        assert_eq!(rows[2].as_ref().unwrap().intent.shop_payment_id(), "batch-b1-3");
    }

    #[test]
    fn withdrawals_are_read_with_their_payway_and_details() {
        let text = "account,amount,payway,shop_currency,account_details\n4111111111111111,25.5,card_usd,USD,\"{\"\"name\"\":\"\"A\"\"}\"\n";
        let row = rows(text).remove(0).unwrap();
        match &row.create {
            Create::Withdraw(create) => {
                assert_eq!(create.payway.as_str(), "card_usd");
                assert_eq!(create.amount_type, WithdrawAmountType::PsAmount);
                assert_eq!(create.account_details.as_ref().unwrap()["name"], "A");
            }
            other => panic!("{other:?}"),
        }
    }
}
