//! Automerge run on bytes from outside: a peer's sync message, a stored chunk.
//!
//! Automerge trusts some of what it parses and panics when that is wrong: a malformed
//! bundle chunk panics inside its column decoder (`hexane`), found by fuzzing. A phone
//! could send one to the server in a sync message. Here such a panic is an error like any
//! other, so the sender is refused and the server goes on. The panics found happen while
//! parsing, before a document changes. Native builds only unwind: the phone's WASM aborts
//! on a panic, and it reads only what the server sends.

use std::cell::Cell;
use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is inside [`untrusted`], whose panics are caught: a panic hook
/// that ends the process on every panic (libFuzzer's) lets these pass.
pub fn guarded() -> bool {
    GUARDED.get()
}

/// Runs `parse`, turning its error or its panic into a message.
pub fn untrusted<T, E: Display>(parse: impl FnOnce() -> Result<T, E>) -> Result<T, String> {
    let outer = GUARDED.replace(true);
    let caught = catch_unwind(AssertUnwindSafe(parse));
    GUARDED.set(outer);
    match caught {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("no message");
            Err(format!("Automerge could not read it ({why})"))
        }
    }
}
