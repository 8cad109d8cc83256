//! Checking what crosses the boundary: pointers, strings, lengths, and writing
//! results to the caller's `out` parameters.

use std::ffi::{CStr, CString, c_char};

use feennex_ops::Failure;

/// A string argument: refused when NULL or not UTF-8.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string alive for `'a`.
pub(crate) unsafe fn str_arg<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::invalid(name, "it is NULL"));
    }
    // SAFETY: not NULL, and the caller promises a NUL-terminated string.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str().map_err(|_| Failure::invalid(name, "it is not UTF-8"))
}

/// An optional string argument: NULL means none.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn optional_str_arg<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's promise, passed on.
    unsafe { str_arg(ptr, name) }.map(Some)
}

/// `count` string arguments; the array may be NULL only when `count` is 0.
///
/// # Safety
/// `ptr` is NULL or points to `count` pointers, each as [`str_arg`] asks.
pub(crate) unsafe fn str_array_arg<'a>(
    ptr: *const *const c_char,
    count: usize,
    name: &'static str,
) -> Result<Vec<&'a str>, Failure> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if ptr.is_null() {
        return Err(Failure::invalid(name, "it is NULL"));
    }
    if count > isize::MAX as usize / size_of::<*const c_char>() {
        return Err(Failure::invalid(name, "the count is too large"));
    }
    // SAFETY: not NULL, the size fits in `isize`, and the caller promises `count`
    // readable pointers.
    let pointers = unsafe { std::slice::from_raw_parts(ptr, count) };
    pointers
        .iter()
        // SAFETY: each pointer is NULL or a string, as the caller promises.
        .map(|&item| unsafe { str_arg(item, name) })
        .collect()
}

/// A byte buffer argument; NULL only when `len` is 0.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes alive for `'a`.
pub(crate) unsafe fn bytes_arg<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::invalid(name, "it is NULL but its length is not 0"));
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid(name, "the length is too large"));
    }
    // SAFETY: not NULL, the length fits in `isize`, and the caller promises `len`
    // readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A handle argument, borrowed.
///
/// # Safety
/// `ptr` is NULL or a live handle made by this library.
pub(crate) unsafe fn ref_arg<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, Failure> {
    // SAFETY: NULL or a live handle, as the caller promises.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::invalid(name, "it is NULL"))
}

/// A handle argument, borrowed for changes.
///
/// # Safety
/// `ptr` is NULL or a live handle made by this library, used by no one else
/// during the call.
pub(crate) unsafe fn mut_arg<'a, T>(ptr: *mut T, name: &'static str) -> Result<&'a mut T, Failure> {
    // SAFETY: NULL or a live handle not otherwise borrowed, as the caller promises.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::invalid(name, "it is NULL"))
}

/// An argument given as JSON text.
pub(crate) fn json(text: &str, name: &'static str) -> Result<serde_json::Value, Failure> {
    serde_json::from_str(text).map_err(|error| Failure::invalid(name, error))
}

/// An `out` parameter: written only when the caller gave one.
pub(crate) struct Out<T> {
    ptr: *mut *mut T,
}

impl<T> Out<T> {
    pub(crate) fn new(ptr: *mut *mut T) -> Self {
        Self { ptr }
    }

    /// Sets `*out` to NULL, so that nothing stale is read after a failure.
    pub(crate) fn clear(&self) {
        if !self.ptr.is_null() {
            // SAFETY: not NULL, and the caller promises it is valid for writes.
            unsafe { self.ptr.write(std::ptr::null_mut()) };
        }
    }

    fn set(&self, value: *mut T) -> Result<(), Failure> {
        if self.ptr.is_null() {
            return Err(Failure::invalid("out", "it is NULL"));
        }
        // SAFETY: not NULL, and the caller promises it is valid for writes.
        unsafe { self.ptr.write(value) };
        Ok(())
    }
}

impl<T> Out<T> {
    /// Hands a new handle to the caller, who frees it with its free function.
    pub(crate) fn set_box(&self, value: T) -> Result<(), Failure> {
        if self.ptr.is_null() {
            return Err(Failure::invalid("out", "it is NULL"));
        }
        self.set(Box::into_raw(Box::new(value)))
    }
}

impl Out<c_char> {
    /// Hands a string to the caller, who frees it with `feennex_string_free`.
    pub(crate) fn set_string(&self, text: String) -> Result<(), Failure> {
        if self.ptr.is_null() {
            return Err(Failure::invalid("out", "it is NULL"));
        }
        let text =
            CString::new(text).map_err(|_| Failure::invalid("result", "it holds a NUL byte"))?;
        let raw = text.into_raw();
        self.set(raw)
    }

    /// Hands a value as JSON text to the caller.
    pub(crate) fn set_json(&self, value: &impl serde::Serialize) -> Result<(), Failure> {
        let text =
            serde_json::to_string(value).map_err(|error| Failure::invalid("result", error))?;
        self.set_string(text)
    }
}
