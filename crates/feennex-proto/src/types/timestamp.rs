//! The `now` field: the time of sending, given by the caller.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Text length of `YYYY-MM-DDTHH:MM:SS.mmmZ`.
const TEXT_LEN: usize = 24;

/// A moment in UTC, sent as RFC 3339 with milliseconds: `2024-04-12T06:18:34.719Z`.
///
/// The core never reads a clock: the caller passes the time in, which keeps every
/// request reproducible.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    text: [u8; TEXT_LEN],
}

/// Why a value is not a usable timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The text is not RFC 3339.
    #[error("{0:?} is not an RFC 3339 time such as 2024-04-12T06:18:34.719Z")]
    Syntax(String),
    /// The year is outside 0000–9999.
    #[error("the time is outside the years 0000 to 9999")]
    OutOfRange,
}

impl Timestamp {
    /// Milliseconds since the Unix epoch.
    pub fn from_unix_millis(millis: i64) -> Result<Self, TimestampError> {
        let nanos = i128::from(millis) * 1_000_000;
        let moment = OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .map_err(|_| TimestampError::OutOfRange)?;
        Self::from_datetime(moment)
    }

    /// Any moment; it is converted to UTC and cut to milliseconds.
    pub fn from_datetime(moment: OffsetDateTime) -> Result<Self, TimestampError> {
        let utc = moment.to_offset(UtcOffset::UTC);
        if !(0..=9999).contains(&utc.year()) {
            return Err(TimestampError::OutOfRange);
        }
        let text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            utc.year(),
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second(),
            utc.millisecond()
        );
        let mut bytes = [0u8; TEXT_LEN];
        bytes.copy_from_slice(text.as_bytes());
        Ok(Self { text: bytes })
    }

    /// The text sent and signed.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text).unwrap_or_default()
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = TimestampError;

    fn try_from(moment: SystemTime) -> Result<Self, TimestampError> {
        Self::from_datetime(OffsetDateTime::from(moment))
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    /// Parses any RFC 3339 time (any offset, any fraction) into UTC milliseconds.
    fn from_str(text: &str) -> Result<Self, TimestampError> {
        let moment = OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|_| TimestampError::Syntax(text.chars().take(40).collect()))?;
        Self::from_datetime(moment)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_milliseconds() {
        let ts = Timestamp::from_unix_millis(1_712_902_714_719).unwrap();
        assert_eq!(ts.as_str(), "2024-04-12T06:18:34.719Z");
        assert_eq!(Timestamp::from_unix_millis(0).unwrap().as_str(), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn parses_offsets_into_utc() {
        let ts: Timestamp = "2024-04-12T09:18:34.7199+03:00".parse().unwrap();
        assert_eq!(ts.as_str(), "2024-04-12T06:18:34.719Z");
        assert!("yesterday".parse::<Timestamp>().is_err());
    }

    #[test]
    fn years_beyond_four_digits_are_refused() {
        assert_eq!(Timestamp::from_unix_millis(i64::MAX), Err(TimestampError::OutOfRange));
    }
}
