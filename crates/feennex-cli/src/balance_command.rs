//! `feennex balance`: the shop's balances.

use std::io::Write;

use clap::Args;
use feennex_proto::ShopBalance;

use crate::cli::{DryRun, GlobalArgs, NowArg};
use crate::config;
use crate::exit::Failure;
use crate::send::Api;

#[derive(Debug, Args)]
pub struct BalanceArgs {
    #[command(flatten)]
    pub now: NowArg,
    #[command(flatten)]
    pub dry_run: DryRun,
}

pub fn run(global: &GlobalArgs, args: &BalanceArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let api = Api::from_args(global)?;
    let request = ShopBalance::new(config::now(&args.now)?);
    api.execute(&request, &args.dry_run, out)
}
