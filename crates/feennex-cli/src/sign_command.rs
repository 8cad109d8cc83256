//! `feennex sign`: the signature of exactly the given fields.

use std::collections::HashSet;
use std::io::Write;

use clap::Args;

use crate::exit::Failure;
use crate::flags::SecretArgs;

#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    pub secret: SecretArgs,
    /// First print the string that is hashed (without the secret).
    #[arg(long)]
    pub explain: bool,
    /// Fields as NAME=VALUE, split at the first `=`.
    #[arg(value_name = "NAME=VALUE", required = true)]
    pub fields: Vec<String>,
}

pub fn run(args: &SignArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let fields = parse_fields(&args.fields)?;
    let secret = crate::config::secret(&args.secret)?;
    if args.explain {
        crate::output::print(
            out,
            format_args!("string_to_sign: {}", feennex_proto::sign::string_to_sign(&fields)),
        )?;
    }
    crate::output::print(out, format_args!("{}", feennex_proto::sign::sign(&fields, &secret)))
}

/// Splits each argument at its first `=`; names must be unique and not empty.
fn parse_fields(arguments: &[String]) -> Result<Vec<(&str, &str)>, Failure> {
    let mut seen = HashSet::new();
    arguments
        .iter()
        .map(|argument| {
            let (name, value) = argument.split_once('=').ok_or_else(|| {
                Failure::Input(format!("field {argument:?}: expected NAME=VALUE"))
            })?;
            if name.is_empty() {
                return Err(Failure::Input(format!("field {argument:?}: the name is empty")));
            }
            if !seen.insert(name) {
                return Err(Failure::Input(format!("field {name}: given more than once")));
            }
            Ok((name, value))
        })
        .collect()
}
