//! The kinds of failure, the one table every binding reads: a kind's name (the
//! `kind` of a JSON failure, a Node.js `FeennexError.kind`, a C `*error`), the
//! Python exception class it raises, and whether a C caller gets
//! `FEENNEX_STATUS_INVALID_ARGUMENT` for it. A new kind is one row here (and its
//! class in `feennex/errors.py`, which a Python test checks).

use serde::Serialize;

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident => $name:literal, $exception:literal, $invalid:literal;)*) => {
        /// What kind of failure, stable across versions and languages.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Kind {
            $($(#[$doc])* $variant,)*
        }

        impl Kind {
            /// Every kind.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The name bindings show, such as `api` or `callback_rejected`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)*
                }
            }

            /// The class of `feennex.errors` that Python raises for it.
            pub const fn exception(self) -> &'static str {
                match self {
                    $(Kind::$variant => $exception,)*
                }
            }

            /// Whether the caller's input was refused (nothing was done).
            pub const fn is_invalid_input(self) -> bool {
                match self {
                    $(Kind::$variant => $invalid,)*
                }
            }
        }
    };
}

kinds! {
    /// A value the caller gave was refused; nothing was built or sent.
    InvalidInput => "invalid_input", "InvalidValue", true;
    /// Feennex answered with an error envelope (`code` is the API's).
    Api => "api", "ApiError", false;
    /// The answer is not a Feennex envelope: the outcome is unknown.
    NotEnvelope => "not_envelope", "NotEnvelope", false;
    /// No answer came, and the request may have been sent.
    Transport => "transport", "TransportError", false;
    /// No answer came, and the request provably never left.
    TransportNotSent => "transport_not_sent", "TransportError", false;
    /// A payout's outcome could not be established: ask again with the same id.
    PayoutUnresolved => "payout_unresolved", "PayoutUnresolved", false;
    /// A payout under the id differs from the one asked (`field`, `asked`,
    /// `found`): nothing was paid for this request.
    Conflict => "conflict", "Conflict", false;
    /// A payout under the id matches, but nothing shows it was made for this
    /// request: not success (resume only if your records show the id is yours).
    Unverified => "unverified", "Unverified", false;
    /// A call gave up on a limit of its policy.
    LimitReached => "limit_reached", "LimitReached", false;
    /// A machine was driven against its run loop (a bug in the driver).
    OutOfTurn => "out_of_turn", "OutOfTurn", false;
    /// A successful envelope whose data does not have the documented shape.
    UnexpectedData => "unexpected_data", "UnexpectedData", false;
    /// A callback failed verification (`reason` says which check).
    CallbackRejected => "callback_rejected", "CallbackRejected", false;
    /// A verified callback is not for the merchant's order (`field` says which).
    OrderMismatch => "order_mismatch", "OrderMismatch", false;
    /// A bug caught at a binding's boundary.
    Internal => "internal", "FeennexError", false;
}

impl Kind {
    /// The kind of a name, for bindings that receive one back.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|kind| kind.name() == name)
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
