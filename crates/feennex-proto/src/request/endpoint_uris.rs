//! Each endpoint's URI, made once per merchant and then shared.
//!
//! Making a URI from the base URL and a path allocates the path, checks it and
//! assembles the parts: a tenth of the time to build a request. A client sends to
//! a handful of endpoints, so each one's URI is kept the first time it is made,
//! and later requests take a clone, which only counts references.

use std::sync::OnceLock;

use super::BaseUrl;

/// More endpoints than the API has: one made past these is made every time.
const SLOTS: usize = 16;

/// URIs already made, each beside its path, filled in the order first used.
#[derive(Clone, Default)]
pub(super) struct EndpointUris {
    slots: [OnceLock<(&'static str, http::Uri)>; SLOTS],
}

impl EndpointUris {
    /// The URI of `path` below `base`, made at most once per slot.
    pub(super) fn get(&self, base: &BaseUrl, path: &'static str) -> Result<http::Uri, http::Error> {
        for slot in &self.slots {
            match slot.get() {
                Some((known, uri)) if *known == path => return Ok(uri.clone()),
                Some(_) => continue,
                None => {
                    let uri = base.uri(path)?;
                    // Another thread may have filled this slot first; then it holds
                    // another path, or the same one once more, and both are right.
                    let _ = slot.set((path, uri.clone()));
                    return Ok(uri);
                }
            }
        }
        base.uri(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_gets_its_own_uri_also_past_the_slots() {
        let base = BaseUrl::new("https://x.test/api").unwrap();
        let uris = EndpointUris::default();
        let paths: Vec<&'static str> = (0..SLOTS + 3).map(|i| &*format!("p{i}/q").leak()).collect();
        for _ in 0..2 {
            for path in &paths {
                let uri = uris.get(&base, path).unwrap();
                assert_eq!(uri.to_string(), format!("https://x.test/api/{path}"));
            }
        }
        assert!(uris.slots.iter().all(|slot| slot.get().is_some()));
    }
}
