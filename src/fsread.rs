//! Reading a file the user named, as hostile input: opened without blocking (a named
//! pipe or a device never hangs the process), checked to be a regular file before a
//! byte is read (a FIFO, socket, device or folder is a clear error), and read with a
//! size cap enforced while reading (a file that grows, or a link to an endless device,
//! never fills memory). Every input file of the tool goes through here: the batch
//! tables, the schemas, the templates and fonts, the manifest in OUT and the scans. And how a
//! size is said in the messages about limits ([`show_size`]).

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file: what it is instead ("a named pipe", "a folder"…).
    NotRegular(&'static str),
    /// Larger than the cap; the size when it was known before reading.
    TooLarge {
        size: Option<u64>,
        max: u64,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(what) => {
                write!(f, "is {what}, not a regular file: not read")
            }
            ReadError::TooLarge { size: Some(s), max } => {
                write!(f, "is {s} bytes, over the limit of {max} bytes")
            }
            ReadError::TooLarge { size: None, max } => {
                write!(f, "holds more than the limit of {max} bytes")
            }
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Opens `path` for reading without blocking and only if it is a regular file (a link
/// is followed to its target, which must be one).
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    // Opening a named pipe for reading waits for a writer; O_NONBLOCK returns at once,
    // and the type check below refuses it. On a regular file the flag changes nothing.
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let kind = file.metadata().map_err(ReadError::Io)?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    Err(ReadError::NotRegular(describe(&kind)))
}

/// What a file that is not a regular one is, in words.
fn describe(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// The bytes of the regular file `path`, at most `max` of them: the size is checked
/// before reading and the reading stops after `max + 1` bytes.
pub fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > max {
        return Err(ReadError::TooLarge {
            size: Some(size),
            max,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge { size: None, max });
    }
    Ok(bytes)
}

/// [`read_capped`] as UTF-8 text.
pub fn read_text_capped(path: &Path, max: u64) -> Result<String, ReadError> {
    let bytes = read_capped(path, max)?;
    String::from_utf8(bytes)
        .map_err(|e| ReadError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// A size for messages: `10 KiB`, `1 GiB` for whole units, else the exact count of
/// bytes with its rounded size, `10241 bytes (10.0 KiB)`, `900 bytes`.
pub fn show_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ];
    for (factor, unit) in UNITS {
        if bytes >= factor {
            if bytes.is_multiple_of(factor) {
                return format!("{} {unit}", bytes / factor);
            }
            let tenths = (u128::from(bytes) * 10 / u128::from(factor)) as u64;
            return format!("{bytes} bytes ({}.{} {unit})", tenths / 10, tenths % 10);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_up_to_the_cap() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("a.txt");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_capped(&p, 5).unwrap(), b"12345");
        assert!(matches!(
            read_capped(&p, 4),
            Err(ReadError::TooLarge {
                size: Some(5),
                max: 4
            })
        ));
        assert!(matches!(
            read_capped(t.path(), 9),
            Err(ReadError::NotRegular("a folder"))
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_named_pipe_and_a_device_are_refused_without_waiting() {
        let t = tempfile::tempdir().unwrap();
        let fifo = t.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // No writer ever opens it: a blocking open would wait forever.
        let e = read_capped(&fifo, 10).unwrap_err();
        assert!(matches!(e, ReadError::NotRegular("a named pipe")), "{e}");
        assert!(e.to_string().contains("named pipe"));
        let e = read_capped(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(matches!(e, ReadError::NotRegular("a device")), "{e}");
        // A link to a device is the device.
        let link = t.path().join("zero.csv");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(
            read_capped(&link, 10),
            Err(ReadError::NotRegular("a device"))
        ));
    }
}
