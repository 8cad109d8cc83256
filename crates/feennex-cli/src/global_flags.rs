//! The API flags before or after the command: `feennex --timeout 2 transfer create
//! …` is `feennex transfer create --timeout 2 …`, as clap's global arguments work.
//!
//! Each command declares the API flags it uses (the structs of `flags.rs`), with
//! its own defaults: the production API for the API commands, a local sandbox for
//! `sandbox complete`, an embedded one for `bench`. The root gets a global copy of
//! each flag without default or environment variable, so it only carries a value
//! given before the command; clap hands a global argument's value down to the
//! command's own argument of the same id, and a value given after the command
//! wins. A command that does not use a flag gets a hidden copy instead: it is
//! left out of that command's help and completions, and refused when given, as a
//! flag it would ignore is a mistake worth saying.

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Args, Command, CommandFactory, FromArgMatches};

use crate::cli::Cli;
use crate::flags::ApiArgs;

/// The ids of the flags that work on either side of the command.
const CARRIED: [&str; 5] = ["base_url", "shop_id", "secret_file", "timeout", "allow_plain_http"];

/// The whole command line: the derived one, with the API flags carried from the
/// root and hidden where unused.
pub fn command() -> Command {
    let carried = carried_flags();
    let mut root = Cli::command();
    let names: Vec<String> = root.get_subcommands().map(|sub| sub.get_name().to_owned()).collect();
    for name in names {
        root = root.mut_subcommand(name, |sub| hide_where_unused(sub, &carried, &[]));
    }
    carried.into_iter().fold(root, Command::arg)
}

/// Parses a command line (the program's name first), refusing an API flag given
/// to a command that does not use it.
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut root = command();
    let matches = root.try_get_matches_from_mut(args)?;
    refuse_unused(&mut root, &matches)?;
    Cli::from_arg_matches(&matches).map_err(|error| error.format(&mut root))
}

/// The root's copies: global, no default, no environment variable.
fn carried_flags() -> Vec<Arg> {
    let declared = ApiArgs::augment_args(Command::new("api"));
    declared
        .get_arguments()
        .filter(|arg| CARRIED.contains(&arg.get_id().as_str()))
        .map(|arg| arg.clone().global(true).required(false).default_value(None).env(None))
        .collect()
}

/// Gives `command` and its subcommands a hidden copy of each carried flag that
/// neither they nor their ancestors below the root (`declared_above`) declare.
fn hide_where_unused(command: Command, carried: &[Arg], declared_above: &[String]) -> Command {
    let mut declared = declared_above.to_vec();
    declared.extend(command.get_arguments().map(|arg| arg.get_id().as_str().to_owned()));
    let names: Vec<String> =
        command.get_subcommands().map(|sub| sub.get_name().to_owned()).collect();
    let mut command = command;
    for flag in carried {
        if !declared.iter().any(|id| id == flag.get_id().as_str()) {
            command = command.arg(flag.clone().hide(true));
        }
    }
    for name in names {
        command = command.mut_subcommand(name, |sub| hide_where_unused(sub, carried, &declared));
    }
    command
}

/// A usage error when a carried flag reached, from the command line, a command
/// that only has its hidden copy.
fn refuse_unused(root: &mut Command, matches: &ArgMatches) -> Result<(), clap::Error> {
    let mut path = Vec::new();
    let mut leaf = matches;
    while let Some((name, sub)) = leaf.subcommand() {
        path.push(name.to_owned());
        leaf = sub;
    }
    let mut command = &mut *root;
    for name in &path {
        let Some(sub) = command.find_subcommand_mut(name) else {
            return Ok(());
        };
        command = sub;
    }
    let unused = CARRIED.iter().find(|id| {
        let given = leaf.value_source(id) == Some(ValueSource::CommandLine);
        given && command.get_arguments().any(|arg| arg.get_id() == *id && arg.is_hide_set())
    });
    let Some(id) = unused else {
        return Ok(());
    };
    let flag = command
        .get_arguments()
        .find(|arg| arg.get_id() == *id)
        .and_then(Arg::get_long)
        .unwrap_or(id)
        .to_owned();
    let name = format!("feennex {}", path.join(" "));
    Err(command.error(
        ErrorKind::UnknownArgument,
        format!("'--{flag}' is not used by '{name}' (see '{name} --help')"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(line: &str) -> Result<Cli, clap::Error> {
        parse(std::iter::once("feennex").chain(line.split_whitespace()))
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_carried_flag_is_declared_by_the_api_flags() {
        assert_eq!(carried_flags().len(), CARRIED.len());
        assert!(carried_flags().iter().all(|arg| arg.is_global_set() && !arg.is_required_set()));
    }

    #[test]
    fn api_flags_before_the_command_reach_it_and_after_wins() {
        use crate::cli::Command as Cmd;
        let before = parsed("--timeout 2 --shop-id 6 balance").unwrap();
        let Cmd::Balance(args) = &before.command else { panic!("{before:?}") };
        assert_eq!(args.api.timeout.map(|seconds| seconds.0.as_secs()), Some(2));
        assert_eq!(args.api.shop.shop_id.map(|id| id.get()), Some(6));

        let both = parsed("--shop-id 6 balance --shop-id 7").unwrap();
        let Cmd::Balance(args) = &both.command else { panic!("{both:?}") };
        assert_eq!(args.api.shop.shop_id.map(|id| id.get()), Some(7));

        let sandbox = parsed("--base-url http://127.0.0.1:5 sandbox complete --kind bill --id 1");
        let Cmd::Sandbox(args) = &sandbox.unwrap().command else { panic!() };
        let Some(crate::sandbox_command::SandboxAction::Complete(complete)) = &args.action else {
            panic!()
        };
        assert_eq!(complete.sandbox.base_url.to_string(), "http://127.0.0.1:5");
    }

    #[test]
    fn a_flag_the_command_does_not_use_is_refused_on_either_side() {
        for line in [
            "--timeout 2 sign a=1",
            "sign --timeout 2 a=1",
            "--shop-id 6 demo",
            "--base-url http://x sandbox",
        ] {
            let error = parsed(line).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::UnknownArgument, "{line}");
            assert!(error.to_string().contains("is not used by 'feennex "), "{line}: {error}");
        }
    }
}
