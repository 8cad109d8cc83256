//! The signed text of a JSON value is what CPython's `str(json.loads(token))` prints,
//! checked against a real `python3` over thousands of generated tokens.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::value::RawValue;

/// Number tokens of every shape: integers, decimals with trailing zeros, tiny and
/// huge exponents, negative values, long mantissas.
fn tokens() -> Vec<String> {
    let mut state: u64 = 0x5eed_1234_abcd_ef01;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut tokens = Vec::new();
    for _ in 0..20_000 {
        let digits = 1 + next() % 20;
        let mantissa: String =
            (0..digits).map(|_| char::from(b'0' + (next() % 10) as u8)).collect();
        let mantissa = mantissa.trim_start_matches('0');
        let mantissa = if mantissa.is_empty() { "0" } else { mantissa };
        let sign = if next() % 5 == 0 { "-" } else { "" };
        let token = match next() % 4 {
            0 => format!("{sign}{mantissa}"),
            1 => {
                let point = (next() % mantissa.len() as u64) as usize;
                let (whole, fraction) = mantissa.split_at(point);
                let whole = if whole.is_empty() { "0" } else { whole };
                format!("{sign}{whole}.{fraction}0")
            }
            2 => format!("{sign}{mantissa}e{}", next() % 40),
            _ => format!("{sign}{}.{}5E-{}", &mantissa[..1], &mantissa[1..], next() % 330),
        };
        tokens.push(token);
    }
    tokens
}

/// What CPython's `str(json.loads(token))` prints for each token.
fn cpython_texts(tokens: &[String]) -> Vec<String> {
    let mut python = Command::new("python3")
        .args(["-c", "import sys, json\nfor line in sys.stdin: print(str(json.loads(line)))"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed to run this test");
    let mut stdin = python.stdin.take().unwrap();
    let input = tokens.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let output = python.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    let printed: Vec<String> = printed.lines().map(str::to_owned).collect();
    assert_eq!(printed.len(), tokens.len());
    printed
}

fn assert_matches_cpython(tokens: &[String]) {
    for (token, expected) in tokens.iter().zip(cpython_texts(tokens)) {
        let raw = RawValue::from_string(token.clone()).unwrap();
        assert_eq!(feennex_sandbox::python_str(&raw).unwrap(), expected, "token {token}");
    }
}

#[test]
fn signed_text_of_numbers_matches_cpython() {
    assert_matches_cpython(&tokens());
}

/// At a power of two the gap below a float is half the gap above it, so the
/// closest decimal of the shortest length may fall outside the float's interval;
/// CPython then prints another one.
#[test]
fn powers_of_two_and_their_neighbours_print_as_cpython_prints_them() {
    let mut tokens = Vec::new();
    for exponent in -1074..=1023_i64 {
        let bits: u64 = if exponent >= -1022 {
            ((exponent + 1023) as u64) << 52
        } else {
            1 << (exponent + 1074)
        };
        for neighbour in [bits - 1, bits, bits + 1] {
            let value = f64::from_bits(neighbour);
            if value.is_finite() && value > 0.0 {
                tokens.push(format!("{value:e}"));
            }
        }
    }
    assert_matches_cpython(&tokens);
}
