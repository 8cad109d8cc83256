//! `feennex balance`: the shop's balances.

use std::io::Write;

use clap::Args;
use feennex_proto::prelude::ShopBalance;

use crate::config;
use crate::exit::Failure;
use crate::flags::{ApiArgs, DryRun, NowArg};
use crate::send::Api;

#[derive(Debug, Args)]
pub struct BalanceArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    #[command(flatten)]
    pub now: NowArg,
    #[command(flatten)]
    pub dry_run: DryRun,
}

pub fn run(args: &BalanceArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let api = Api::from_args(&args.api)?;
    let request = ShopBalance::new(config::now(&args.now)?);
    api.execute(&request, &args.dry_run, out)
}
