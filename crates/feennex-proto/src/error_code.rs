//! The `error_code` of the Feennex envelope as a typed value.

use std::fmt;

macro_rules! error_codes {
    ($($code:literal => $name:ident: $doc:literal,)*) => {
        /// An error code from Feennex. Codes this version does not know keep their
        /// number in [`ErrorCode::Unknown`]; a known code is never held there, so
        /// two equal numbers always compare equal.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(#[doc = $doc] $name,)*
            /// A code not listed in this version; the number is kept.
            Unknown(UnknownCode),
        }

        impl ErrorCode {
            /// The code for a number.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $($code => Self::$name,)*
                    other => Self::Unknown(UnknownCode(other)),
                }
            }

            /// The number sent by the server.
            pub fn code(self) -> i64 {
                match self {
                    $(Self::$name => $code,)*
                    Self::Unknown(other) => other.0,
                }
            }

            /// The documented name, such as `OperationNotUnique`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$name => stringify!($name),)*
                    Self::Unknown(_) => "Unknown",
                }
            }
        }
    };
}

error_codes! {
    1 => PaywayNotFound: "The payway does not exist.",
    2 => PaywayNotUsed: "The payway is not used.",
    3 => PaywayNotAvailable: "The payway is not available for the shop.",
    4 => AmountTooSmall: "The amount is below the minimum.",
    5 => AmountTooLarge: "The amount is above the maximum.",
    6 => OperationNotUnique: "The `shop_payment_id` was used before: an earlier attempt went through.",
    7 => OperationNotFound: "No operation with that id exists.",
    8 => OperationIsProcessing: "The operation is being processed; ask again later.",
    9 => InsufficientBalance: "The shop balance does not cover the write-off.",
    10 => IncorrectRequestParam: "A parameter is missing or wrong, or the signature does not match.",
    11 => ShopNotFound: "No such shop.",
    12 => ShopNotActive: "The shop is not active.",
    13 => AccountNotFound: "The payee account does not exist.",
    14 => IncorrectAccountStatus: "The payee account cannot receive.",
    15 => RequestIpDenied: "The request came from an address the shop does not allow.",
    16 => InvalidCurrencyExchange: "The currencies cannot be exchanged.",
    17 => InvalidShopContract: "The shop's contract does not allow this.",
    18 => IncorrectAccountType: "The account type is wrong for this operation.",
    19 => ShopAggregatorRequire: "The shop must be an aggregator.",
    20 => InvalidProject: "Deprecated: invalid project.",
    21 => ProjectNotActive: "Deprecated: project not active.",
}

/// The number of a code this version does not know. Made only by
/// [`ErrorCode::from_code`], which keeps known numbers out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnknownCode(i64);

impl UnknownCode {
    /// The number sent by the server.
    pub fn code(self) -> i64 {
        self.0
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes_round_trip() {
        for code in -3..40 {
            assert_eq!(ErrorCode::from_code(code).code(), code);
        }
        assert_eq!(ErrorCode::from_code(6), ErrorCode::OperationNotUnique);
        assert!(matches!(ErrorCode::from_code(57), ErrorCode::Unknown(code) if code.code() == 57));
        assert_ne!(ErrorCode::from_code(57), ErrorCode::from_code(58));
        assert_eq!(ErrorCode::from_code(9).to_string(), "9 (InsufficientBalance)");
    }
}
