//! Driving a call's machine with the caller's HTTP stack.

use std::ffi::c_char;

use crate::args::{self, Out, bytes_arg, optional_str_arg};
use crate::{FeennexStatus, run};

#[cfg(doc)]
use crate::merchant::feennex_build;
use crate::merchant::operation_args;
use crate::{FeennexMachine, FeennexMerchant};

/// The machine that sends `operation` with `params_json` into `*out`: exactly once
/// for `transfer/create` and `withdraw/create` (looked up first when `resume`),
/// with the core's retries for the others.
///
/// Drive it: [`feennex_machine_poll`] gives a JSON step. `"send"`: send
/// `request` giving up after `timeout_ms`, then call
/// [`feennex_machine_receive_response`] or [`feennex_machine_receive_failure`].
/// `"wait"`: sleep `ms`. `"done"` (`value`) or `"failed"` (`error`): the end.
///
/// # Safety
/// As [`feennex_build`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_new(
    merchant: *const FeennexMerchant,
    operation: *const c_char,
    params_json: *const c_char,
    resume: bool,
    out: *mut *mut FeennexMachine,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a live merchant and two strings.
        let (merchant, operation, params) =
            unsafe { operation_args(merchant, operation, params_json) }?;
        let machine = operation.machine(&merchant.session, &params, resume)?;
        out.set_box(FeennexMachine { machine })
    })
}

/// The machine's next step as JSON into `*out`.
///
/// # Safety
/// `machine` comes from [`feennex_machine_new`] and is not used by another thread
/// meanwhile; `out` and `error` are valid for writes or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_poll(
    machine: *mut FeennexMachine,
    out: *mut *mut c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    let out = Out::new(out);
    out.clear();
    run(error, || {
        // SAFETY: the caller passes a live machine used by this thread only.
        let machine = unsafe { args::mut_arg(machine, "machine")? };
        out.set_json(&machine.machine.poll())
    })
}

/// The answer to the machine's last `"send"` step: HTTP `status` and `body_len`
/// bytes of body.
///
/// # Safety
/// As [`feennex_machine_poll`]; `body` points to `body_len` readable bytes (or is
/// NULL when 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_receive_response(
    machine: *mut FeennexMachine,
    status: u16,
    body: *const u8,
    body_len: usize,
    error: *mut *mut c_char,
) -> FeennexStatus {
    run(error, || {
        // SAFETY: the caller passes a live machine used by this thread only, and the bytes.
        let (machine, body) =
            unsafe { (args::mut_arg(machine, "machine")?, bytes_arg(body, body_len, "body")?) };
        machine.machine.receive_response(status, body.to_vec())
    })
}

/// The machine's last `"send"` step failed in the caller's HTTP stack: `sent` is
/// false only when the request provably never left (DNS, connect or TLS failed),
/// `message` says what happened (NULL: nothing).
///
/// # Safety
/// As [`feennex_machine_poll`]; `message` is a NUL-terminated string or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_receive_failure(
    machine: *mut FeennexMachine,
    sent: bool,
    message: *const c_char,
    error: *mut *mut c_char,
) -> FeennexStatus {
    run(error, || {
        // SAFETY: the caller passes a live machine used by this thread only, and a string or NULL.
        let (machine, message) =
            unsafe { (args::mut_arg(machine, "machine")?, optional_str_arg(message, "message")?) };
        machine.machine.receive_failure(sent, message.unwrap_or("transport failure"));
        Ok(())
    })
}

/// Frees a machine (NULL is ignored).
///
/// # Safety
/// `machine` comes from [`feennex_machine_new`] and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn feennex_machine_free(machine: *mut FeennexMachine) {
    if !machine.is_null() {
        // SAFETY: it was made by `Box::into_raw` in `feennex_machine_new` and the
        // caller gives it up.
        drop(unsafe { Box::from_raw(machine) });
    }
}
