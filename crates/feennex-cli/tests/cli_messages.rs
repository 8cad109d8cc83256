//! Messages that say what happened: an empty or header-only batch file says so
//! (and sends nothing), and a reader that stops reading ends the program quietly.

use std::net::TcpListener;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "cli-messages-secret-2b";

fn feennex(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feennex"));
    command.args(args).env_clear().env("FEENNEX_SECRET_KEY", SECRET);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_empty_or_header_only_batch_file_says_so_and_sends_nothing() {
    let api = TcpListener::bind("127.0.0.1:0").unwrap();
    api.set_nonblocking(true).unwrap();
    let base_url = format!("http://{}", api.local_addr().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("empty.csv", "", "the file is empty: it needs a header row and at least one payout row"),
        ("blank.csv", "\n\n", "the file is empty: it needs a header row"),
        (
            "header.csv",
            "payee_account,amount,payee_currency,shop_currency\n",
            "the file has a header row but no payout rows",
        ),
        (
            "header-crlf.csv",
            "account,amount,payway,shop_currency\r\n",
            "the file has a header row but no payout rows",
        ),
    ];
    for (name, content, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let path = path.to_str().unwrap();
        for command in [&["payouts", "run", path][..], &["payouts", "run", path, "--dry-run"]] {
            let output: Output = feennex(command)
                .args(["--shop-id", "6", "--base-url", &base_url])
                .output()
                .unwrap();
            let stderr = text(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{name} {command:?}: {stderr}");
            assert!(stderr.contains(&format!("{path}: {message}")), "{name}: {stderr}");
            assert!(!text(&output.stdout).contains("rows:"), "{name}: {}", text(&output.stdout));
        }
    }
    assert!(api.accept().is_err(), "something was sent");
}

/// Runs `args` with standard output a pipe whose reader is already gone.
fn into_a_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    feennex(args).stdout(Stdio::from(writer)).stderr(Stdio::piped()).output().unwrap()
}

#[test]
fn a_reader_that_stops_reading_ends_the_program_quietly() {
    for args in [
        &["completions", "bash"][..],
        &["sign", "amount=10.00", "currency=643"],
        &[
            "transfer",
            "try",
            "--amount",
            "1",
            "--payee-currency",
            "840",
            "--shop-currency",
            "840",
            "--shop-id",
            "6",
            "--dry-run",
        ],
        &["--help"],
    ] {
        let output = into_a_closed_pipe(args);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", text(&output.stderr));
        assert_eq!(text(&output.stderr), "", "{args:?}");
    }
    // Failures keep their code and message: only the closed pipe is quiet.
    let output = into_a_closed_pipe(&["sign", "=1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("the name is empty"), "{}", text(&output.stderr));
}
