//! A batch's identity is its content, never its bytes: the id of a batch given no
//! `--batch-id` is a hash of its rows as they are read, so LF, CRLF or CR-only line
//! endings, trailing blank lines, a byte order mark, other quoting, another column
//! order, `10.50` for `10.5` or `USD` for `840` make the same batch, and the same
//! derived ids. A payout found under such an id was made for this very content.
//!
//! What a row contributes is what it pays (its [`PayoutIntent`] without the
//! derived id); unsigned extras (a description, account details) are not part of
//! it. An invalid row contributes its known cells, so that fixing it makes another
//! batch.

use std::io::Read;

use feennex_proto::adoption::PayoutIntent;
use feennex_proto::batch::IdOrigin;
use sha2::{Digest, Sha256};

use crate::input::{InputError, PayoutKind, RowReader};

/// The batch id of the rows `input` holds: 32 hex digits of a SHA-256.
pub(crate) fn content_id<R: Read>(input: R) -> Result<String, InputError> {
    // Derived ids are left out of the hash, whatever placeholder makes them here.
    let mut reader = RowReader::with_origin(input, "", IdOrigin::Content)?;
    let mut hash = Hash(Sha256::new());
    hash.field(match reader.kind() {
        PayoutKind::Transfer => "transfer",
        PayoutKind::Withdraw => "withdraw",
    });
    while let Some(row) = reader.next_row() {
        match row? {
            Ok(row) => {
                hash.field("row");
                let own_id = row.id_origin == IdOrigin::Chosen;
                hash.field(if own_id { row.intent.shop_payment_id() } else { "" });
                hash.intent(&row.intent);
            }
            Err(_) => {
                hash.field("invalid");
                for (name, value) in reader.known_cells() {
                    hash.field(name);
                    hash.field(value);
                }
            }
        }
    }
    Ok(hash.0.finalize()[..16].iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Fields, each prefixed by its length, so that no two sequences hash alike.
struct Hash(Sha256);

impl Hash {
    fn field(&mut self, text: &str) {
        self.0.update((text.len() as u64).to_le_bytes());
        self.0.update(text.as_bytes());
    }

    fn intent(&mut self, intent: &PayoutIntent) {
        match intent {
            PayoutIntent::Transfer {
                payee_account,
                amount,
                amount_type,
                payee_currency,
                shop_currency,
                ..
            } => {
                self.field(payee_account);
                self.field(&amount.normalize().to_string());
                self.field(amount_type);
                self.field(&payee_currency.to_string());
                self.field(&shop_currency.to_string());
            }
            PayoutIntent::Withdraw {
                account, amount, amount_type, payway, shop_currency, ..
            } => {
                self.field(account);
                self.field(&amount.normalize().to_string());
                self.field(amount_type);
                self.field(payway);
                self.field(&shop_currency.to_string());
            }
            // An intent of a kind this version does not know: its text.
            other => self.field(&serde_json::to_string(other).unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: &str = "payee_account,amount,payee_currency,shop_currency,description\n201234567890,10.50,840,USD,May\n201234567891,2,EUR,840,\n";

    fn id(text: &str) -> String {
        content_id(text.as_bytes()).unwrap()
    }

    #[test]
    fn the_same_rows_saved_differently_are_the_same_batch() {
        let base = id(ROWS);
        assert_eq!(base.len(), 32);
        let variants = [
            ROWS.replace('\n', "\r\n"),
            ROWS.replace('\n', "\r"),
            format!("{ROWS}\n\n"),
            format!("\u{feff}{ROWS}"),
            ROWS.replace("201234567890,10.50", "\"201234567890\",\"10.5\"").replace("May", "June"),
            "shop_currency,payee_currency,amount,payee_account\nUSD,840,10.5,201234567890\n840,978,2.00,201234567891\n".to_owned(),
        ];
        for variant in variants {
            assert_eq!(id(&variant), base, "{variant:?}");
        }
    }

    #[test]
    fn other_rows_are_another_batch() {
        let base = id(ROWS);
        let variants = [
            ROWS.replace("10.50", "10.51"),
            ROWS.replace("201234567891", "201234567892"),
            ROWS.replace(",2,EUR", ",2,RUB"),
            // Order is identity: derived ids count records.
            "payee_account,amount,payee_currency,shop_currency\n201234567891,2,EUR,840\n201234567890,10.5,840,USD\n".to_owned(),
            format!("{ROWS}201234567890,10.5,840,USD,\n"),
            ROWS.replace("description", "shop_payment_id").replace("May", "p-1"),
            ROWS.replace("201234567891,2", "201234567891,-2"),
        ];
        for variant in variants {
            assert_ne!(id(&variant), base, "{variant:?}");
        }
    }

    #[test]
    fn an_invalid_row_counts_by_its_cells() {
        let broken = ROWS.replace("201234567891,2,", "201234567891,two,");
        let other = ROWS.replace("201234567891,2,", "201234567891,three,");
        assert_ne!(id(&broken), id(&other));
        assert_eq!(id(&broken), id(&broken.replace('\n', "\r\n")));
    }
}
