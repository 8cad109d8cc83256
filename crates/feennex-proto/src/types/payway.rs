//! Texts chosen by Feennex or the payee that are signed as given: the payment
//! system alias (`payway`) and the payee's account in it.

use super::text::signed_text;

signed_text!(
    /// The alias of a payment system, such as `card_usd`.
    Payway,
    max = 64,
    spaces = false
);

signed_text!(
    /// The payee's account in an external payment system (a card number, a phone,
    /// a wallet id), as that system writes it.
    WithdrawAccount,
    max = 255,
    spaces = true
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::TextFieldError;

    #[test]
    fn payways_are_single_words() {
        assert_eq!(Payway::new("card_usd").unwrap().as_str(), "card_usd");
        assert_eq!(Payway::new(""), Err(TextFieldError::Empty));
        assert_eq!(Payway::new("card usd"), Err(TextFieldError::Forbidden("white space")));
        assert_eq!(Payway::new("x".repeat(65)), Err(TextFieldError::TooLong(65, 64)));
    }

    #[test]
    fn accounts_may_hold_inner_spaces_but_not_padding_or_controls() {
        assert!(WithdrawAccount::new("4111 1111 1111 1111").is_ok());
        assert!(WithdrawAccount::new(" 4111").is_err());
        assert!(WithdrawAccount::new("41\n11").is_err());
        assert_eq!(WithdrawAccount::new(""), Err(TextFieldError::Empty));
    }
}
