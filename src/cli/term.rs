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

/// Stdout for text written a part at a time: as [`print`] does, escaped when it is
/// `console` text or stdout is a terminal (a line at a time: a line break is never
/// escaped, so the text escaped line by line is the text escaped whole).
pub(super) struct Stdout {
    out: std::io::BufWriter<std::io::Stdout>,
    escape: bool,
    /// What came after the last line break, when escaping.
    partial: Vec<u8>,
}

impl Stdout {
    pub(super) fn new(console: bool) -> Stdout {
        let out = std::io::stdout();
        Stdout {
            escape: console || out.is_terminal(),
            out: std::io::BufWriter::with_capacity(1 << 20, out),
            partial: Vec::new(),
        }
    }

    /// Writes what is left and flushes.
    pub(super) fn finish(mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.partial);
        self.escaped(&rest)?;
        self.out.flush()
    }

    fn escaped(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(bytes);
        self.out.write_all(terminal_text(&text).as_bytes())
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.escape {
            return self.out.write(buf);
        }
        match buf.iter().rposition(|&b| b == b'\n') {
            Some(end) => {
                let mut lines = std::mem::take(&mut self.partial);
                lines.extend_from_slice(&buf[..=end]);
                self.escaped(&lines)?;
                self.partial.extend_from_slice(&buf[end + 1..]);
            }
            None => self.partial.extend_from_slice(buf),
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
