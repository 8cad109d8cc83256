//! `feennex sandbox`: run a local Feennex, or finish a payment of a running one.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use feennex_proto::{
    SecretKey,
    prelude::{Currency, Decimal},
};
use feennex_sandbox::{
    FaultConfig, FaultKind, PaymentKind, ReadTimeouts, Sandbox, SandboxConfig, ShopConfig,
    WithdrawalPace,
};

use crate::exit::Failure;
use crate::flags::SandboxUrlArgs;

/// Run a local Feennex sandbox (the default), or drive a running one.
///
/// The first line of output is `listening on http://IP:PORT`, with the real port
/// when `--listen` asks for port 0; the second is `dashboard: http://IP:PORT/`, a
/// live view of the sandbox to open in a browser. It runs until interrupted
/// (Ctrl-C or SIGTERM).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SandboxArgs {
    #[command(subcommand)]
    pub action: Option<SandboxAction>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum SandboxAction {
    /// Complete (or with --reject, reject) a waiting bill or invoice of the sandbox
    /// at --base-url; the sandbox then delivers its callback.
    Complete(CompleteArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// A shop as ID:SECRET (repeatable); without it, shop 1 with secret sandbox-secret.
    #[arg(long = "shop", value_name = "ID:SECRET")]
    pub shops: Vec<String>,
    /// A payway a shop may use, as NAME for every shop or ID:NAME for one
    /// (repeatable); a shop named by none keeps the defaults (card_rub, card_usd,
    /// card_eur, qiwi_rub). Known: the defaults, payeer_rub, advcash_rub,
    /// perfectmoney_usd, sbp_rub, bank_transfer_rub.
    #[arg(long = "payway", value_name = "[ID:]NAME")]
    pub payways: Vec<String>,
    /// Send callbacks from this local address (such as 127.0.0.2), to test a
    /// shop's sender allow-list; by default the system picks it.
    #[arg(long, value_name = "IP")]
    pub callback_from: Option<std::net::IpAddr>,
    /// Opening balance of one currency of every shop as CURRENCY=AMOUNT (repeatable,
    /// 840 or USD); the other currencies keep theirs: 1000000 in each of 840, 978 and 643.
    #[arg(long = "balance", value_name = "CURRENCY=AMOUNT")]
    pub balances: Vec<String>,
    /// Inject a fault as KIND=PROBABILITY (repeatable); kinds: drop-before,
    /// drop-after, delay, http-502, garbage, truncate.
    #[arg(long = "fault", value_name = "KIND=PROBABILITY")]
    pub faults: Vec<String>,
    /// Seed of the fault generator; the same seed breaks the same requests.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fault_seed: u64,
    /// How long a `delay` fault holds the answer back.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub fault_delay_ms: u64,
    /// Time a withdrawal spends in each status (0: final at once).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub withdrawal_step_ms: u64,
    /// Time a client has to send a request's line and headers (idle kept-alive
    /// connections included) before its connection is closed.
    #[arg(long, value_name = "MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_ms: u64,
    /// Time a client has to send a request's body after its headers before its
    /// connection is closed.
    #[arg(long, value_name = "MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_ms: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Bill,
    Invoice,
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    #[command(flatten)]
    pub sandbox: SandboxUrlArgs,
    /// bill or invoice.
    #[arg(long)]
    pub kind: KindArg,
    /// The payment's id, as bill/create or invoice/create answered it.
    #[arg(long)]
    pub id: u64,
    /// Reject the payment instead of completing it.
    #[arg(long)]
    pub reject: bool,
}

pub fn run(args: &SandboxArgs, out: &mut dyn Write) -> Result<(), Failure> {
    match &args.action {
        Some(SandboxAction::Complete(complete)) => finish(complete, out),
        None => serve(&args.serve, out),
    }
}

fn finish(args: &CompleteArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let kind = match args.kind {
        KindArg::Bill => PaymentKind::Bill,
        KindArg::Invoice => PaymentKind::Invoice,
    };
    let payment = crate::send::runtime()?
        .block_on(feennex_sandbox::finish_payment(
            args.sandbox.base_url.as_str(),
            kind,
            args.id,
            !args.reject,
        ))
        .map_err(|error| Failure::Sandbox(feennex_proto::error::chain_of(&error)))?;
    crate::output::print(out, format_args!("{}", as_printed(&payment)?))
}

/// The sandbox's JSON as every other command prints answers: indented, with
/// amounts (the numbers that are not whole) as exact decimal text.
fn as_printed(json: &str) -> Result<String, Failure> {
    let unreadable = |error: &dyn std::fmt::Display| {
        Failure::Sandbox(format!("the sandbox's answer is not JSON: {error}"))
    };
    let mut value: serde_json::Value = serde_json::from_str(json).map_err(|e| unreadable(&e))?;
    amounts_as_text(&mut value);
    serde_json::to_string_pretty(&value).map_err(|e| unreadable(&e))
}

fn amounts_as_text(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            let text = number.to_string();
            let exact = Decimal::from_str_exact(&text).or_else(|_| Decimal::from_scientific(&text));
            if let Ok(amount) = exact {
                *value = serde_json::Value::String(amount.normalize().to_string());
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(amounts_as_text),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(amounts_as_text),
        _ => {}
    }
}

fn serve(args: &ServeArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let config = config_of(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| Failure::Sandbox(format!("cannot start a runtime: {error}")))?;
    runtime.block_on(async {
        let sandbox = Sandbox::start(args.listen, config)
            .await
            .map_err(|error| Failure::Sandbox(error.to_string()))?;
        // Listen for the signals before saying we are ready: a supervisor may stop us
        // as soon as it reads the line.
        let stop = StopSignals::register();
        crate::output::print(out, format_args!("listening on http://{}", sandbox.local_addr()))?;
        out.flush().map_err(|error| Failure::Output(error.to_string()))?;
        // For people: a supervisor that stopped reading after the line above (the
        // readiness signal) must not stop the sandbox.
        let _ = crate::output::print(out, format_args!("dashboard: {}", sandbox.dashboard_url()))
            .and_then(|()| out.flush().map_err(|error| Failure::Output(error.to_string())));
        stop.wait().await;
        sandbox.shutdown();
        Ok(())
    })
}

/// Ctrl-C and, on Unix, SIGTERM, listened for from the moment of registration.
struct StopSignals {
    #[cfg(unix)]
    unix: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignals {
    fn register() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let unix =
                signal(SignalKind::terminate()).ok().zip(signal(SignalKind::interrupt()).ok());
            Self { unix }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Waits for the first of them.
    async fn wait(self) {
        #[cfg(unix)]
        if let Some((mut terminate, mut interrupt)) = self.unix {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn config_of(args: &ServeArgs) -> Result<SandboxConfig, Failure> {
    let balances = parse_balances(&args.balances)?;
    let mut shops =
        args.shops.iter().map(|shop| parse_shop(shop)).collect::<Result<Vec<_>, _>>()?;
    let mut config = SandboxConfig::default();
    if shops.is_empty() {
        shops = config.shops.clone();
    }
    if let Some(balances) = balances {
        // Each --balance sets one currency; the others keep their opening balance.
        shops = shops
            .into_iter()
            .map(|shop| {
                let mut merged = shop.balances.clone();
                merged.extend(balances.iter().map(|(currency, amount)| (*currency, *amount)));
                shop.with_balances(merged)
            })
            .collect();
    }
    let mut faults = FaultConfig::none()
        .with_seed(args.fault_seed)
        .with_delay(Duration::from_millis(args.fault_delay_ms));
    for fault in &args.faults {
        let (kind, probability) = parse_fault(fault)?;
        faults = faults.with(kind, probability);
    }
    let timeouts = ReadTimeouts::new(
        Duration::from_millis(args.header_timeout_ms),
        Duration::from_millis(args.body_timeout_ms),
    );
    let payways =
        args.payways.iter().map(|payway| parse_payway(payway)).collect::<Result<Vec<_>, _>>()?;
    config = config
        .with_shops(shops)
        .with_payways(payways.iter().map(|(shop, name)| (*shop, name.as_str())))
        .map_err(|error| Failure::Input(format!("--payway: {error}")))?
        .with_faults(faults)
        .with_withdrawal_pace(WithdrawalPace::Timed(Duration::from_millis(args.withdrawal_step_ms)))
        .with_read_timeouts(timeouts);
    if let Some(address) = args.callback_from {
        config = config.with_callback_source(address);
    }
    Ok(config)
}

/// `NAME` (every shop) or `ID:NAME` (one shop).
fn parse_payway(argument: &str) -> Result<(Option<u64>, String), Failure> {
    let Some((id, name)) = argument.split_once(':') else {
        return Ok((None, argument.to_owned()));
    };
    let id = id.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
        Failure::Input(format!("--payway {argument:?}: expected NAME or ID:NAME"))
    })?;
    Ok((Some(id), name.to_owned()))
}

/// `ID:SECRET`, split at the first `:`. The secret never appears in a message.
fn parse_shop(argument: &str) -> Result<ShopConfig, Failure> {
    let (id, secret) = argument
        .split_once(':')
        .ok_or_else(|| Failure::Input("--shop: expected ID:SECRET".to_owned()))?;
    let id: u64 = id
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| Failure::Input(format!("--shop: {id:?} is not a positive shop id")))?;
    if secret.is_empty() {
        return Err(Failure::Input(format!("--shop {id}: the secret is empty")));
    }
    Ok(ShopConfig::new(id, SecretKey::new(secret)))
}

/// Every `CURRENCY=AMOUNT`, or `None` when none is given (the defaults apply).
fn parse_balances(arguments: &[String]) -> Result<Option<BTreeMap<Currency, Decimal>>, Failure> {
    if arguments.is_empty() {
        return Ok(None);
    }
    let mut balances = BTreeMap::new();
    for argument in arguments {
        let (currency, amount) = argument.split_once('=').ok_or_else(|| {
            Failure::Input(format!("--balance {argument:?}: expected CURRENCY=AMOUNT"))
        })?;
        let currency: Currency = currency
            .parse()
            .map_err(|error| Failure::Input(format!("--balance {argument:?}: {error}")))?;
        let amount: Decimal =
            amount.parse().ok().filter(|amount: &Decimal| !amount.is_sign_negative()).ok_or_else(
                || Failure::Input(format!("--balance {argument:?}: {amount:?} is not an amount")),
            )?;
        if balances.insert(currency, amount).is_some() {
            return Err(Failure::Input(format!("--balance: currency {currency} given twice")));
        }
    }
    Ok(Some(balances))
}

/// `KIND=PROBABILITY` with a probability between 0 and 1.
fn parse_fault(argument: &str) -> Result<(FaultKind, f64), Failure> {
    let (kind, probability) = argument.split_once('=').ok_or_else(|| {
        Failure::Input(format!("--fault {argument:?}: expected KIND=PROBABILITY"))
    })?;
    let kind: FaultKind =
        kind.parse().map_err(|error| Failure::Input(format!("--fault: {error}")))?;
    let probability: f64 =
        probability.parse().ok().filter(|p| (0.0..=1.0).contains(p)).ok_or_else(|| {
            Failure::Input(format!("--fault {argument:?}: the probability must be 0 to 1"))
        })?;
    Ok((kind, probability))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags of `feennex sandbox` with these shops, payways and balances, the
    /// rest as their defaults.
    fn serve_args(shops: &[&str], payways: &[&str], balances: &[&str]) -> ServeArgs {
        let owned = |values: &[&str]| values.iter().map(|value| (*value).to_owned()).collect();
        ServeArgs {
            listen: ([127, 0, 0, 1], 0).into(),
            shops: owned(shops),
            payways: owned(payways),
            callback_from: None,
            balances: owned(balances),
            faults: Vec::new(),
            fault_seed: 0,
            fault_delay_ms: 0,
            withdrawal_step_ms: 0,
            header_timeout_ms: 30_000,
            body_timeout_ms: 30_000,
        }
    }

    fn message(failure: Failure) -> String {
        failure.message().to_owned()
    }

    #[test]
    fn shops_split_at_the_first_colon_and_hide_the_secret_in_errors() {
        let shop = parse_shop("6:se:cret").unwrap();
        assert_eq!(shop.id, 6);
        assert!(feennex_proto::sign::verify(
            &[("a", "1")],
            &shop.secret,
            feennex_proto::sign::sign(&[("a", "1")], &SecretKey::new("se:cret")).as_str()
        ));
        let error = message(parse_shop("x:topsecret").unwrap_err());
        assert!(!error.contains("topsecret"), "{error}");
        assert!(parse_shop("0:s").is_err());
        assert!(parse_shop("5:").is_err());
        assert!(parse_shop("5").is_err());
    }

    #[test]
    fn a_balance_flag_sets_its_currency_and_keeps_the_others() {
        let args = serve_args(&["6:s"], &[], &["USD=1000"]);
        let shop = &config_of(&args).unwrap().shops[0];
        assert_eq!(shop.balances[&Currency::USD], Decimal::from(1000));
        let opening = Decimal::from(feennex_sandbox::DEFAULT_BALANCE);
        assert_eq!(shop.balances[&Currency::RUB], opening);
        assert_eq!(shop.balances[&Currency::EUR], opening);
    }

    #[test]
    fn completed_payments_print_indented_with_exact_amounts() {
        let printed = as_printed(
            r#"{"id":9001,"shop_amount":25.0,"payer_price":1e-05,"fee":0.1,"status":2}"#,
        )
        .unwrap();
        let value: serde_json::Value = serde_json::from_str(&printed).unwrap();
        assert_eq!(value["shop_amount"], "25");
        assert_eq!(value["payer_price"], "0.00001");
        assert_eq!(value["fee"], "0.1");
        assert_eq!((value["id"].as_u64(), value["status"].as_u64()), (Some(9001), Some(2)));
        assert!(printed.contains("\n  \"id\": 9001"), "{printed}");
    }

    #[test]
    fn payways_are_chosen_per_shop_and_unknown_ones_are_refused() {
        let args = |payways: &[&str]| serve_args(&["6:s", "7:t"], payways, &[]);
        let config = config_of(&args(&["card_rub", "6:payeer_rub"])).unwrap();
        let offered = |index: usize| config.shops[index].payways.clone().unwrap();
        assert_eq!(offered(0), ["card_rub", "payeer_rub"].map(String::from).into());
        assert_eq!(offered(1), ["card_rub"].map(String::from).into());
        assert!(config.invoice_payways.iter().any(|p| p.alias == "payeer_rub"));
        assert!(config_of(&args(&[])).unwrap().shops[0].payways.is_none());
        let unknown = message(config_of(&args(&["mystery_rub"])).unwrap_err());
        assert!(unknown.contains("mystery_rub") && unknown.contains("payeer_rub"), "{unknown}");
        assert!(message(config_of(&args(&["9:card_rub"])).unwrap_err()).contains("shop 9"));
        assert!(message(config_of(&args(&["x:card_rub"])).unwrap_err()).contains("ID:NAME"));
    }

    #[test]
    fn balances_and_faults_parse_or_name_the_bad_argument() {
        let balances = parse_balances(&["840=100.50".into(), "643=0".into()]).unwrap().unwrap();
        assert_eq!(balances[&Currency::USD], Decimal::new(10050, 2));
        assert_eq!(balances[&Currency::RUB], Decimal::ZERO);
        assert!(parse_balances(&[]).unwrap().is_none());
        let by_letters = parse_balances(&["USD=5".into()]).unwrap().unwrap();
        assert_eq!(by_letters[&Currency::USD], Decimal::new(5, 0));
        for bad in ["840", "xyz=1", "840=-1", "840=x"] {
            assert!(message(parse_balances(&[bad.into()]).unwrap_err()).contains(bad), "{bad}");
        }
        assert_eq!(parse_fault("drop-after=0.25").unwrap(), (FaultKind::DropAfter, 0.25));
        assert!(parse_fault("drop-after=2").is_err());
        assert!(parse_fault("explode=0.1").is_err());
    }
}
