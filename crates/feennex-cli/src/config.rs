//! Resolving the shop and its secret from flags, environment and files.

use std::path::Path;

use feennex_proto::{
    Merchant, SecretKey,
    prelude::{ShopId, Timestamp},
};

use crate::exit::Failure;
use crate::flags::{ApiArgs, NowArg, SecretArgs, ShopArgs};

/// Environment variable holding the secret key.
pub const SECRET_ENV: &str = "FEENNEX_SECRET_KEY";

/// The secret key from `--secret-file` or, failing that, `FEENNEX_SECRET_KEY`.
pub fn secret(args: &SecretArgs) -> Result<SecretKey, Failure> {
    let secret = match &args.secret_file {
        Some(path) => read_secret_file(path)?,
        None => match std::env::var(SECRET_ENV) {
            Ok(text) => SecretKey::new(text),
            Err(std::env::VarError::NotPresent) => {
                return Err(Failure::Input(format!(
                    "secret key: set {SECRET_ENV} or pass --secret-file PATH"
                )));
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::Input(format!("secret key: {SECRET_ENV} is not valid UTF-8")));
            }
        },
    };
    if secret.is_empty() {
        return Err(Failure::Input("secret key: it is empty".to_owned()));
    }
    Ok(secret)
}

/// Reads a secret file, dropping one trailing line break.
fn read_secret_file(path: &Path) -> Result<SecretKey, Failure> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Failure::Input(format!("--secret-file: cannot read {}: {error}", path.display()))
    })?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    Ok(SecretKey::new(text))
}

/// The shop, its base URL and its secret, as every API command needs them.
pub fn merchant(api: &ApiArgs) -> Result<Merchant, Failure> {
    Ok(shop(&api.shop)?.with_base_url(api.base_url.clone()))
}

/// The shop and its secret.
pub fn shop(args: &ShopArgs) -> Result<Merchant, Failure> {
    let shop_id: ShopId = args.shop_id.ok_or_else(|| {
        Failure::Input("shop id: pass --shop-id or set FEENNEX_SHOP_ID".to_owned())
    })?;
    Ok(Merchant::new(shop_id, secret(&args.secret)?))
}

/// The `now` field: as given, or read from the clock.
pub fn now(arg: &NowArg) -> Result<Timestamp, Failure> {
    match arg.now {
        Some(now) => Ok(now),
        None => Timestamp::try_from(std::time::SystemTime::now())
            .map_err(|error| Failure::Input(format!("now: the system clock is unusable: {error}"))),
    }
}
