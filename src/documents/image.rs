//! Whether the bytes of a scan are a real JPEG or PNG: `imagesize` reads the picture's
//! size from its header (a header of garbage after the magic number fails there), then
//! the file's segments or chunks are walked to its end marker (a file cut off, or with
//! no image data, fails here). Nothing is decoded: the walk touches each byte at most
//! once, and a PNG's checksums are verified on its header and end chunks only.

use super::scan::Why;

/// The picture's width and height by `imagesize`, or why its header is no picture's.
fn dimensions(bytes: &[u8], kind: &str) -> Result<(), Why> {
    match imagesize::blob_size(bytes) {
        Ok(s) if s.width > 0 && s.height > 0 => Ok(()),
        Ok(s) => Err(Why::new(
            format!(
                "изображение {kind} размером {}×{} точек — пустое",
                s.width, s.height
            ),
            format!(
                "the {kind} picture is {}×{} pixels: empty",
                s.width, s.height
            ),
        )),
        Err(_) => Err(Why::new(
            format!("заголовок {kind} не читается: после сигнатуры {kind} нет изображения"),
            format!("the {kind} header cannot be read: no picture follows the {kind} signature"),
        )),
    }
}

fn cut_off(kind: &str, end: &str) -> Why {
    Why::new(
        format!("{kind} обрезан: нет его конца ({end}) — скопируйте или скачайте файл заново"),
        format!(
            "the {kind} is cut off: its end ({end}) is missing — copy or download the file again"
        ),
    )
}

fn damaged(kind: &str, (ru, en): (&str, &str), at: usize) -> Why {
    Why::new(
        format!("{kind} повреждён: {ru} (байт {at})"),
        format!("the {kind} is damaged: {en} (byte {at})"),
    )
}

fn no_image(kind: &str) -> Why {
    Why::new(
        format!("в {kind} нет данных изображения"),
        format!("the {kind} holds no image data"),
    )
}

/// Checks that `bytes` (which start with the JPEG signature `FF D8 FF`) are a whole
/// JPEG: a frame header (SOF) before the first scan (SOS), and the end of image (EOI)
/// after the entropy-coded data. Bytes after the end (a phone's appended data) are
/// allowed, as every viewer allows them.
pub(super) fn jpeg(bytes: &[u8]) -> Result<(), Why> {
    const KIND: &str = "JPEG";
    dimensions(bytes, KIND)?;
    let n = bytes.len();
    let (mut frame, mut scan) = (false, false);
    let mut i = 2; // after SOI
    loop {
        // A marker: FF, any fill bytes FF, then its code.
        if i >= n {
            return Err(cut_off(KIND, "EOI"));
        }
        if bytes[i] != 0xFF {
            return Err(damaged(KIND, ("ожидался маркер", "a marker expected"), i));
        }
        while i < n && bytes[i] == 0xFF {
            i += 1;
        }
        let Some(&code) = bytes.get(i) else {
            return Err(cut_off(KIND, "EOI"));
        };
        i += 1;
        match code {
            0xD9 if scan => return Ok(()),
            0xD9 => return Err(no_image(KIND)),
            // Restart markers and TEM stand alone.
            0xD0..=0xD7 | 0x01 => continue,
            0x00 | 0xD8 => {
                return Err(damaged(
                    KIND,
                    ("маркер не на своём месте", "a marker out of place"),
                    i - 2,
                ));
            }
            _ => {}
        }
        let Some(len) = bytes.get(i..i + 2) else {
            return Err(cut_off(KIND, "EOI"));
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if len < 2 {
            return Err(damaged(
                KIND,
                (
                    "сегмент невозможной длины",
                    "a segment of impossible length",
                ),
                i,
            ));
        }
        let end = i + len;
        if end > n {
            return Err(cut_off(KIND, "EOI"));
        }
        // SOF0–SOF15, but DHT (C4), JPG (C8) and DAC (CC).
        if matches!(code, 0xC0..=0xCF) && !matches!(code, 0xC4 | 0xC8 | 0xCC) {
            frame = true;
        }
        i = end;
        if code != 0xDA {
            continue;
        }
        // SOS: its entropy-coded data runs to the next marker, neither a stuffed FF 00
        // nor a restart marker.
        if !frame {
            return Err(damaged(
                KIND,
                (
                    "данные изображения до заголовка кадра",
                    "image data before the frame header",
                ),
                end,
            ));
        }
        scan = true;
        loop {
            let Some(k) = memchr::memchr(0xFF, &bytes[i..]) else {
                return Err(cut_off(KIND, "EOI"));
            };
            let at = i + k;
            match bytes.get(at + 1) {
                None => return Err(cut_off(KIND, "EOI")),
                Some(0x00 | 0xD0..=0xD7) => i = at + 2,
                Some(0xFF) => i = at + 1,
                Some(_) => {
                    i = at;
                    break;
                }
            }
        }
    }
}

/// Checks that `bytes` (which start with the PNG signature) are a whole PNG: an IHDR
/// chunk first (with its checksum), IDAT chunks, and an IEND chunk; every chunk's length
/// inside the file. Bytes after IEND are allowed, as libpng allows them.
pub(super) fn png(bytes: &[u8]) -> Result<(), Why> {
    const KIND: &str = "PNG";
    dimensions(bytes, KIND)?;
    let n = bytes.len();
    let mut i = 8; // after the signature
    let mut data = false;
    loop {
        let Some(head) = bytes.get(i..i + 8) else {
            return Err(cut_off(KIND, "IEND"));
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let kind = &head[4..8];
        if len > 0x7FFF_FFFF || !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(damaged(
                KIND,
                ("ожидался блок данных", "a chunk expected"),
                i,
            ));
        }
        if i == 8 && (kind != b"IHDR" || len != 13) {
            return Err(damaged(
                KIND,
                (
                    "первым идёт не блок заголовка IHDR",
                    "the header chunk IHDR does not come first",
                ),
                i,
            ));
        }
        let end = i + 12 + len as usize;
        if end > n {
            return Err(cut_off(KIND, "IEND"));
        }
        if kind == b"IHDR" || kind == b"IEND" {
            let stored = u32::from_be_bytes([
                bytes[end - 4],
                bytes[end - 3],
                bytes[end - 2],
                bytes[end - 1],
            ]);
            if crc32(&bytes[i + 4..end - 4]) != stored {
                let name = String::from_utf8_lossy(kind);
                return Err(damaged(
                    KIND,
                    (
                        &format!("неверная контрольная сумма блока {name}"),
                        &format!("the checksum of the {name} chunk is wrong"),
                    ),
                    i,
                ));
            }
        }
        match kind {
            b"IDAT" => data = true,
            b"IEND" if data => return Ok(()),
            b"IEND" => return Err(no_image(KIND)),
            _ => {}
        }
        i = end;
    }
}

/// The CRC-32 of PNG chunks (ISO 3309, as in zlib), bit by bit: it is computed over a
/// few bytes only.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A 40×30 grey baseline JPEG of samples/batch: a JFIF header, a quantisation table,
    /// the frame, a Huffman table, one scan and its end.
    pub const JPEG: &[u8] =
        include_bytes!("../../samples/batch/documents/A040/birth_certificate-F1.jpg");

    /// A 1×1 RGB PNG: IHDR, one IDAT, IEND.
    pub const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\
\0\0\0\x0cIDATx\x9cc\xf8\xcf\xc0\0\0\x03\x01\x01\0\xc9\xfe\x92\xef\0\0\0\0IEND\xaeB`\x82";

    fn en(r: Result<(), Why>) -> String {
        r.expect_err("refused").en
    }

    #[test]
    fn whole_images_are_accepted() {
        jpeg(JPEG).unwrap();
        png(PNG).unwrap();
        // Bytes after the end: a phone's trailer.
        jpeg(&[JPEG, b"trailer"].concat()).unwrap();
        png(&[PNG, b"\0\0"].concat()).unwrap();
    }

    #[test]
    fn a_signature_and_garbage_is_no_image() {
        let garbage = [&JPEG[..3], &[0x41; 200][..]].concat();
        assert!(en(jpeg(&garbage)).contains("header cannot be read"));
        let garbage = [&PNG[..8], &[0x41; 200][..]].concat();
        assert!(
            en(png(&garbage)).contains("damaged"),
            "{}",
            en(png(&garbage))
        );
        assert!(en(jpeg(&JPEG[..3])).contains("header cannot be read"));
        assert!(en(png(&PNG[..8])).contains("header cannot be read"));
    }

    #[test]
    fn a_cut_image_is_refused() {
        for cut in [30, 100, JPEG.len() - 1] {
            let why = en(jpeg(&JPEG[..cut]));
            assert!(
                why.contains("cut off") || why.contains("header"),
                "{cut}: {why}"
            );
        }
        for cut in [40, 50, PNG.len() - 1] {
            assert!(en(png(&PNG[..cut])).contains("cut off"), "{cut}");
        }
    }

    #[test]
    fn images_without_data_or_with_bad_checksums_are_refused() {
        // No scan: SOI, the frame, EOI.
        let frame_only = b"\xFF\xD8\xFF\xC0\x00\x0B\x08\x00\x01\x00\x01\x01\x01\x11\x00\xFF\xD9";
        assert!(en(jpeg(frame_only)).contains("no image data"));
        // IHDR then IEND.
        let header_only = [&PNG[..33], &PNG[PNG.len() - 12..]].concat();
        assert!(en(png(&header_only)).contains("no image data"));
        let mut bad = PNG.to_vec();
        bad[29] ^= 1;
        assert!(en(png(&bad)).contains("checksum"));
        // A zero-width picture.
        let mut zero = PNG.to_vec();
        zero[19] = 0;
        assert!(en(png(&zero)).contains("0×1"));
    }

    #[test]
    fn crc32_is_zlibs() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
