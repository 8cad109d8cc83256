//! The numeric statuses of bills, invoices and withdrawals, and which of them are
//! final.
//!
//! A status this version does not know keeps its number in an `Unknown` variant and
//! is never final: acting on it as if the operation had ended could pay twice.

use std::fmt;

macro_rules! statuses {
    (
        $(#[$doc:meta])*
        $name:ident {
            $($code:literal => $variant:ident, final: $final:literal, $vdoc:literal;)*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = $vdoc] $variant,)*
            /// A status not listed in this version; the number is kept. Never final.
            Unknown(i64),
        }

        impl $name {
            /// The status for a number.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $($code => Self::$variant,)*
                    other => Self::Unknown(other),
                }
            }

            /// The number sent by the server.
            pub fn code(self) -> i64 {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Unknown(other) => other,
                }
            }

            /// The documented name, such as `Success`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => stringify!($variant),)*
                    Self::Unknown(_) => "Unknown",
                }
            }

            /// Whether the operation has ended and this status will not change.
            pub fn is_final(self) -> bool {
                match self {
                    $(Self::$variant => $final,)*
                    Self::Unknown(_) => false,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} ({})", self.code(), self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            /// Reads the number, given as a JSON number or a string of digits.
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::lenient::i64_from_number_or_string(deserializer).map(Self::from_code)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.code())
            }
        }
    };
}

statuses! {
    /// The status of a bill (`bill/*`): a payment by a Feennex wallet holder.
    BillStatus {
        1 => Waiting, final: false, "Waiting for the payer.";
        2 => Paid, final: true, "Paid.";
        3 => Canceled, final: true, "Canceled.";
        4 => Expired, final: true, "Expired before it was paid.";
    }
}

statuses! {
    /// The status of an invoice (`invoice/*`): a payment through another payment system.
    InvoiceStatus {
        1 => Created, final: false, "Created.";
        2 => Waiting, final: false, "Waiting for the payer.";
        3 => PsCreatingError, final: false, "The payment system failed to create the payment.";
        4 => Success, final: true, "Paid.";
        5 => CallbackError, final: false, "The callback failed (deprecated).";
        6 => PsRejected, final: true, "Rejected by the payment system.";
        7 => Refunded, final: true, "Refunded.";
        8 => Hold, final: false, "Held.";
        9 => PtxRefunded, final: true, "Refunded by Feennex.";
        10 => Captured, final: false, "Captured.";
        11 => Refunding, final: false, "Being refunded.";
        12 => Recalculated, final: true, "Paid with a different amount (see `client_price`).";
    }
}

statuses! {
    /// The status of a withdrawal (`withdraw/*`): a payout to an external system.
    ///
    /// [`PsProcessingError`](Self::PsProcessingError) and
    /// [`PsNetworkError`](Self::PsNetworkError) look like failures but are not final:
    /// the payout may still go through, and paying again would pay twice.
    WithdrawStatus {
        1 => New, final: false, "Created.";
        2 => WaitingManualConfirmation, final: false, "Waiting for a person to confirm it.";
        3 => PsProcessing, final: false, "Being processed by the payment system.";
        4 => PsProcessingError, final: false, "The payment system reported an error; not final.";
        5 => Success, final: true, "Paid out.";
        6 => Rejected, final: true, "Rejected; no money moved.";
        7 => ManualConfirmed, final: false, "Confirmed by a person; not yet paid.";
        8 => ManualCanceled, final: true, "Canceled by a person; no money moved.";
        9 => PsNetworkError, final: false, "The payment system could not be reached; not final.";
    }
}
