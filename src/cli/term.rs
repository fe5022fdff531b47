//! What the commands print: every line to the terminal (stderr's progress and summary
//! lines, an error, stdout's console report) passes through [`crate::text::terminal_text`],
//! so a control character or a bidirectional override that came from a file name, a
//! sheet name or a cell is shown escaped instead of acted on. Data written to stdout for
//! a program (JSON, CSV, HTML) is left byte for byte as it is unless stdout is a
//! terminal.

use std::io::{IsTerminal, Write};

use crate::text::terminal_text;

/// Prints `line` and a line break to stderr.
pub(super) fn say(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", terminal_text(line));
}

/// Writes `text` to stdout: escaped when it is `console` text or stdout is a terminal, as
/// it is otherwise. A closed pipe (`| head`) is not an error worth reporting.
pub(super) fn print(text: &str, console: bool) {
    let mut out = std::io::stdout().lock();
    let _ = if console || out.is_terminal() {
        out.write_all(terminal_text(text).as_bytes())
    } else {
        out.write_all(text.as_bytes())
    };
}
