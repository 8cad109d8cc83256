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
    /// Whether `sender` may send callbacks.
    pub fn allows(&self, sender: IpAddr) -> bool {
        match self {
            Self::CheckedUpstream => true,
            Self::AllowList(ranges) => ranges.iter().any(|range| range.contains(sender)),
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
}
