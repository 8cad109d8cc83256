//! Sending requests for real, or printing them on a dry run, and reporting results
//! as JSON on standard output.

use std::io::Write;

use feennex_hyper::{Client, prelude::BuildError};
use feennex_proto::exchange::IdempotentCreate;
use feennex_proto::{
    Error, Merchant,
    endpoints::{Endpoint, SingleCall},
    prelude::ClientOptions,
};
use serde::Serialize;

use crate::config;
use crate::exit::Failure;
use crate::flags::{ApiArgs, DryRun};

/// The shop and how to reach it, as every API command needs them.
pub struct Api {
    merchant: Merchant,
    options: ClientOptions,
}

impl Api {
    /// A shop reached with these options.
    pub fn new(merchant: Merchant, options: ClientOptions) -> Self {
        Self { merchant, options }
    }

    /// The shop, secret, base URL and timeout from the command line and environment.
    pub fn from_args(api: &ApiArgs) -> Result<Self, Failure> {
        let mut options = ClientOptions::default().allow_plain_http(api.allow_plain_http);
        if let Some(timeout) = api.timeout {
            options = options.attempt_timeout(timeout.0);
        }
        Ok(Self { merchant: config::merchant(api)?, options })
    }

    /// The shop.
    pub fn merchant(&self) -> &Merchant {
        &self.merchant
    }

    /// A client; call it inside the runtime it will run on.
    pub fn client(&self) -> Result<Client, Failure> {
        Client::builder(self.merchant.clone())
            .options(self.options.clone())
            .build()
            .map_err(build_failure)
    }

    /// A client and the runtime to run it on.
    fn client_and_runtime(&self) -> Result<(Client, tokio::runtime::Runtime), Failure> {
        let runtime = runtime()?;
        let client = {
            let _inside = runtime.enter();
            self.client()?
        };
        Ok((client, runtime))
    }

    /// Prints the request on a dry run; otherwise sends it (retrying only what may
    /// be repeated) and prints the typed answer as JSON.
    pub fn execute<E>(
        &self,
        request: &E,
        dry_run: &DryRun,
        out: &mut dyn Write,
    ) -> Result<(), Failure>
    where
        E: SingleCall,
        E::Output: Serialize,
    {
        if dry_run.dry_run {
            return print_dry_run(&self.merchant, request, out);
        }
        let (client, runtime) = self.client_and_runtime()?;
        let output = runtime.block_on(client.call(request)).map_err(failure)?;
        print_json(out, &output)
    }

    /// Prints the create request on a dry run; otherwise pays exactly once. A
    /// payout found under the id is printed only when it is proven this one's: made
    /// by this command, or `resume`d by a caller who says the id is theirs.
    pub fn payout<C>(
        &self,
        create: C,
        resume: bool,
        dry_run: &DryRun,
        out: &mut dyn Write,
    ) -> Result<(), Failure>
    where
        C: IdempotentCreate,
        C::Output: Serialize,
        <C::Lookup as Endpoint>::Output: Serialize,
    {
        if dry_run.dry_run {
            return print_dry_run(&self.merchant, &create, out);
        }
        let (client, runtime) = self.client_and_runtime()?;
        let outcome = if resume {
            runtime.block_on(client.resume_payout(create))
        } else {
            runtime.block_on(client.payout(create))
        };
        let outcome = outcome.map_err(failure)?;
        print_json(out, &outcome)
    }
}

fn print_dry_run<E: Endpoint>(
    merchant: &Merchant,
    request: &E,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let http_request = merchant.build(request).map_err(failure)?;
    crate::dry_run::print_request(out, &http_request)
}

fn print_json(out: &mut dyn Write, value: &impl Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|error| Failure::Output(format!("cannot write the answer as JSON: {error}")))?;
    crate::output::print(out, format_args!("{text}"))
}

/// The runtime commands run their calls on.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    runtime_of(2)
}

/// The runtime a batch is paid on: one thread drives every row in flight (a row
/// costs the program tens of microseconds, the API's answer milliseconds), and
/// costs less per row than two, which wake each other for every task: more
/// throughput comes from more workers, each a process of its own.
pub fn batch_runtime() -> Result<tokio::runtime::Runtime, Failure> {
    runtime_of(1)
}

fn runtime_of(threads: usize) -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|error| Failure::Transport(format!("cannot start the runtime: {error}")))
}

/// A failed call, kept whole: its exit code, causes and JSON form come from it.
pub fn failure(error: Error) -> Failure {
    Failure::Call(error)
}

/// Why no client could be made, in the command line's terms.
fn build_failure(error: BuildError) -> Failure {
    match error {
        BuildError::PlainHttp(refused) => Failure::Input(format!(
            "--base-url: refusing plain http to {}: use https, or pass --allow-plain-http",
            refused.0
        )),
        BuildError::Proxy(error) => Failure::Input(format!("proxy: {error}")),
        other => Failure::Input(format!("--base-url: {other}")),
    }
}
