//! Which addresses may send callbacks. There is no default: the caller names the
//! addresses or states that a proxy in front already checked them.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// How the sender's address of a callback is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderCheck {
    /// Only these addresses may send callbacks.
    AllowList(Vec<IpRange>),
    /// A proxy in front of the application already refused other senders, so the
    /// address is not checked here.
    CheckedUpstream,
}

impl SenderCheck {
    /// The check a caller states, as the command line and the bindings take it:
    /// an allow list (addresses, CIDR blocks, `FIRST-LAST` ranges), or
    /// `checked_upstream` when a proxy in front already refused other senders.
    /// Exactly one of the two: both, neither, or an empty list (which would let
    /// nobody through) is refused rather than guessed at.
    pub fn from_rule<I, S>(
        allow: Option<I>,
        checked_upstream: bool,
    ) -> Result<Self, SenderRuleError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        match (allow, checked_upstream) {
            (Some(_), true) => Err(SenderRuleError::Both),
            (None, false) => Err(SenderRuleError::Neither),
            (None, true) => Ok(Self::CheckedUpstream),
            (Some(list), false) => {
                let ranges = list
                    .into_iter()
                    .map(|text| text.as_ref().parse::<IpRange>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(SenderRuleError::Range)?;
                if ranges.is_empty() {
                    return Err(SenderRuleError::Neither);
                }
                Ok(Self::AllowList(ranges))
            }
        }
    }

    /// Whether `sender` may send callbacks.
    pub fn allows(&self, sender: IpAddr) -> bool {
        match self {
            Self::CheckedUpstream => true,
            Self::AllowList(ranges) => ranges.iter().any(|range| range.contains(sender)),
        }
    }
}

/// Why an allow list and a `checked_upstream` flag make no [`SenderCheck`] (see
/// [`SenderCheck::from_rule`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SenderRuleError {
    /// An allow list and `checked_upstream` were both given.
    #[error("give an allow list or checked_upstream, not both")]
    Both,
    /// Neither was given, or the list is empty.
    #[error(
        "say who may send callbacks: an allow list of addresses or ranges, or checked_upstream"
    )]
    Neither,
    /// An entry of the list is not an address, a block or a range.
    #[error(transparent)]
    Range(IpRangeError),
}

impl SenderRuleError {
    /// The argument at fault, in snake case: `allow` or `checked_upstream`.
    pub fn argument(&self) -> &'static str {
        match self {
            Self::Both => "checked_upstream",
            Self::Neither | Self::Range(_) => "allow",
        }
    }
}

/// One address, a CIDR block (`51.68.53.0/24`) or an inclusive range
/// (`51.68.53.104-51.68.53.107`), of one IP version.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpRange {
    first: IpAddr,
    last: IpAddr,
}

/// Why a text is not an address range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IP address, a CIDR block or a range FIRST-LAST of one IP version")]
pub struct IpRangeError(String);

impl IpRange {
    /// A range of one address.
    pub fn single(address: IpAddr) -> Self {
        let address = canonical(address);
        Self { first: address, last: address }
    }

    /// The inclusive range `first..=last`; `None` when the versions differ or
    /// `first` comes after `last`.
    pub fn new(first: IpAddr, last: IpAddr) -> Option<Self> {
        let (first, last) = (canonical(first), canonical(last));
        let same_version = first.is_ipv4() == last.is_ipv4();
        (same_version && first <= last).then_some(Self { first, last })
    }

    /// Whether `address` lies in the range; an IPv4 address seen through IPv6
    /// (`::ffff:1.2.3.4`) counts as the IPv4 address.
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        address.is_ipv4() == self.first.is_ipv4() && self.first <= address && address <= self.last
    }
}

/// Maps IPv4-mapped IPv6 addresses to IPv4, as a dual-stack socket reports them.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

fn cidr(base: IpAddr, prefix: u8) -> Option<IpRange> {
    match base {
        IpAddr::V4(v4) if prefix <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            let first = u32::from(v4) & mask;
            IpRange::new(IpAddr::V4(first.into()), IpAddr::V4((first | !mask).into()))
        }
        IpAddr::V6(v6) if prefix <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            let first = u128::from(v6) & mask;
            IpRange::new(IpAddr::V6(first.into()), IpAddr::V6((first | !mask).into()))
        }
        _ => None,
    }
}

impl FromStr for IpRange {
    type Err = IpRangeError;

    fn from_str(text: &str) -> Result<Self, IpRangeError> {
        let error = || IpRangeError(text.chars().take(100).collect());
        let text = text.trim();
        if let Some((base, prefix)) = text.split_once('/') {
            let base: IpAddr = base.parse().map_err(|_| error())?;
            let prefix: u8 = prefix.parse().map_err(|_| error())?;
            return cidr(base, prefix).ok_or_else(error);
        }
        if let Some((first, last)) = text.split_once('-') {
            let first = first.trim().parse().map_err(|_| error())?;
            let last = last.trim().parse().map_err(|_| error())?;
            return IpRange::new(first, last).ok_or_else(error);
        }
        text.parse().map(IpRange::single).map_err(|_| error())
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

impl fmt::Debug for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IpRange({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_cidr_blocks_and_single_addresses_contain_what_they_should() {
        let range: IpRange = "51.68.53.104-51.68.53.107".parse().unwrap();
        assert!(range.contains(ip("51.68.53.104")) && range.contains(ip("51.68.53.107")));
        assert!(!range.contains(ip("51.68.53.108")) && !range.contains(ip("51.68.53.103")));
        let block: IpRange = "10.1.2.0/24".parse().unwrap();
        assert!(block.contains(ip("10.1.2.255")) && !block.contains(ip("10.1.3.0")));
        let everything: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(everything.contains(ip("255.255.255.255")) && !everything.contains(ip("::1")));
        let single: IpRange = "87.98.145.206".parse().unwrap();
        assert!(single.contains(ip("::ffff:87.98.145.206")));
        assert!(!single.contains(ip("87.98.145.207")));
        let v6: IpRange = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::")));
    }

    #[test]
    fn malformed_ranges_are_refused() {
        for bad in ["", "1.2.3", "1.2.3.4/33", "1.2.3.9-1.2.3.1", "1.2.3.4-::1", "x/8", "::/129"] {
            assert!(bad.parse::<IpRange>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_empty_allow_list_allows_nobody_and_upstream_allows_everybody() {
        assert!(!SenderCheck::AllowList(Vec::new()).allows(ip("127.0.0.1")));
        assert!(SenderCheck::CheckedUpstream.allows(ip("127.0.0.1")));
    }

    #[test]
    fn the_sender_rule_takes_exactly_one_of_a_list_and_upstream() {
        let list = ["87.98.145.206", "51.68.53.104-51.68.53.107"];
        let check = SenderCheck::from_rule(Some(list), false).unwrap();
        assert!(check.allows(ip("51.68.53.105")) && !check.allows(ip("51.68.53.108")));
        assert_eq!(
            SenderCheck::from_rule(None::<[&str; 0]>, true),
            Ok(SenderCheck::CheckedUpstream)
        );
        let both = SenderCheck::from_rule(Some(list), true).unwrap_err();
        assert_eq!((both.clone(), both.argument()), (SenderRuleError::Both, "checked_upstream"));
        let neither = SenderCheck::from_rule(None::<[&str; 0]>, false).unwrap_err();
        assert_eq!(
            (neither, SenderRuleError::Neither.argument()),
            (SenderRuleError::Neither, "allow")
        );
        let empty = SenderCheck::from_rule(Some([""; 0]), false).unwrap_err();
        assert_eq!(empty, SenderRuleError::Neither);
        let bad = SenderCheck::from_rule(Some(["1.2.3"]), false).unwrap_err();
        assert!(matches!(bad, SenderRuleError::Range(_)) && bad.argument() == "allow");
    }
}
