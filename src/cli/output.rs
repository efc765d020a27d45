//! Standard output and standard error for the command line, written so that no reader can make
//! a command panic (as `println!` does when its write fails).
//!
//! - [`outln!`] / [`out!`] write to standard output. When the reader has gone
//!   (`gongkai-kiosk status | head -1`, `… | true`: a broken pipe), the rest of the output is
//!   dropped and the command finishes its work as if it had been read; it then ends quietly
//!   with its own exit code (0 when the work succeeded). Any other failure (a full disk behind
//!   `> file`) is reported at the end by [`finish`], with exit code 1.
//! - [`errln!`] / [`err!`] write to standard error. If that fails there is nowhere left to
//!   say so: the message is dropped, and the exit code still tells the caller how it went.
//!
//! Output is never cut off half-way through a transaction: the macros do not return early,
//! so a command's work is done (or refused) exactly as it would be with a reader.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::OnceLock;

/// The first failure to write to standard output; later output is dropped.
static STDOUT_FAILED: OnceLock<io::Error> = OnceLock::new();

/// Writes to standard output (see the module's documentation); used through [`outln!`] and [`out!`].
pub(crate) fn write_stdout(args: fmt::Arguments<'_>) {
    if STDOUT_FAILED.get().is_some() {
        return;
    }
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        let _ = STDOUT_FAILED.set(e);
    }
}

/// Writes to standard error, dropping the message if that fails; used through [`errln!`] and [`err!`].
pub(crate) fn write_stderr(args: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.flush());
}

/// A command's exit code once its output is written: a reader that went away is no error of
/// the command's; output that could not be written for another reason is (exit code 1).
pub(crate) fn finish(code: ExitCode) -> ExitCode {
    match STDOUT_FAILED.get() {
        Some(e) if e.kind() != io::ErrorKind::BrokenPipe && code == ExitCode::SUCCESS => {
            write_stderr(format_args!("error: the output could not be written to standard output: {e}\n"));
            ExitCode::FAILURE
        }
        _ => code,
    }
}

/// `println!` for the command line: never panics (see [`write_stdout`]).
macro_rules! outln {
    () => {
        $crate::cli::output::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for the command line: never panics (see [`write_stdout`]).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write_stdout(format_args!($($arg)*))
    };
}

/// `eprintln!` for the command line: never panics (see [`write_stderr`]).
macro_rules! errln {
    () => {
        $crate::cli::output::write_stderr(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` for the command line: never panics (see [`write_stderr`]).
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::output::write_stderr(format_args!($($arg)*))
    };
}
