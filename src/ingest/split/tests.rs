//! Tests of the splitter: against csv-core's reading of the whole text, in pieces of
//! every size, and with records too long for the narrow field ends.

use super::*;
use proptest::prelude::*;

/// csv-core's reading of the whole text, records of ASCII blanks left out.
fn reference(text: &str, delimiter: u8) -> Vec<(usize, Vec<String>)> {
    let mut rdr = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let input = text.as_bytes();
    let mut out = vec![0u8; input.len() + 1];
    let mut ends = vec![0usize; input.len() + 2];
    let (mut pos, mut start, mut records) = (0, 0, Vec::new());
    let (mut nout, mut nend) = (0, 0);
    loop {
        let (res, i, o, e) = rdr.read_record(&input[pos..], &mut out[nout..], &mut ends[nend..]);
        pos += i;
        nout += o;
        nend += e;
        match res {
            csv_core::ReadRecordResult::Record => {
                let mut fields = Vec::new();
                let mut s = 0;
                for &e in &ends[..nend] {
                    fields.push(String::from_utf8_lossy(&out[s..e]).into_owned());
                    s = e;
                }
                if !fields
                    .iter()
                    .all(|f| f.bytes().all(|b| b.is_ascii_whitespace()))
                {
                    // The record starts after the line breaks csv-core skipped.
                    let skipped = input[start..]
                        .iter()
                        .take_while(|b| matches!(b, b'\r' | b'\n'))
                        .count();
                    records.push((start + skipped, fields));
                }
                start = pos;
                (nout, nend) = (0, 0);
            }
            csv_core::ReadRecordResult::End => break,
            _ => {}
        }
    }
    records
}

fn ours(text: &str, delimiter: u8) -> Vec<(usize, Vec<String>)> {
    in_pieces(text, delimiter, PIECE)
}

/// The records of `text` split in pieces of about `piece` bytes.
fn in_pieces(text: &str, delimiter: u8, piece: usize) -> Vec<(usize, Vec<String>)> {
    let s = split_in_pieces(text, 0, delimiter, u64::MAX, piece).unwrap();
    s.spans
        .iter()
        .map(|sp| {
            let f = Fields::new(text, &s.parts, &sp.at);
            let fields: Vec<String> = f.iter().map(str::to_string).collect();
            let longest = fields.iter().map(String::len).max().unwrap_or(0);
            assert_eq!(f.longest(), longest, "{fields:?}");
            (sp.start, fields)
        })
        .collect()
}

#[test]
fn quoted_fields_are_spans_and_escapes_are_unescaped() {
    let text = "a,\"b,c\",d\r\n\"x\"\"y\",z\n\n\"multi\nline\",\"\"\nlast";
    let got = ours(text, b',');
    assert_eq!(got, reference(text, b','));
    assert_eq!(got[0].1, ["a", "b,c", "d"]);
    assert_eq!(got[1].1, ["x\"y", "z"]);
    assert_eq!(got[2].1, ["multi\nline", ""]);
    assert_eq!(got[3].1, ["last"]);
}

#[test]
fn pieces_agree_with_one_reading() {
    // Large enough to be read in several pieces, with quoted line breaks that a
    // cut can fall into.
    let mut text = String::from("id;note;n\n");
    for i in 0..200_000 {
        match i % 7 {
            0 => text.push_str(&format!("A{i};\"two\nlines\";{i}\n")),
            1 => text.push_str(&format!("A{i};\"say \"\"hi\"\"\";{i}\r\n")),
            2 => text.push_str(";;\n\n"),
            _ => text.push_str(&format!("A{i};plain {i};{i}\n")),
        }
    }
    assert!(text.len() > 4 * PIECE);
    assert_eq!(ours(&text, b';'), reference(&text, b';'));
    // In a file without quotes, a quote opening a value at the start of a line and
    // never closed swallows the rest of the file, as in one reading; the pieces
    // after it read nonsense (no further than their own end) and are read again.
    let mut plain = String::from("id;note;n\n");
    for i in 0..200_000 {
        plain.push_str(&format!("A{i};plain {i};{i}\n"));
    }
    let third = plain.len() / 3;
    let line = plain[third..].find('\n').unwrap() + third + 1;
    plain.insert(line, '"');
    let expected = reference(&plain, b';');
    assert!(expected.last().unwrap().1[0].len() > 2 * PIECE);
    assert_eq!(ours(&plain, b';'), expected);
    // Closed two thirds in: the rows after it are rows again.
    let two = 2 * plain.len() / 3;
    let line = plain[two..].find('\n').unwrap() + two + 1;
    plain.insert_str(line, "\"\n");
    assert_eq!(ours(&plain, b';'), reference(&plain, b';'));
}

#[test]
fn cuts_inside_quotes_and_line_breaks() {
    let texts = [
        "a,\"b\nc\nd\ne\",f\ng,h\n",
        "a,b\r\nc,d\r\n\r\ne,\"f\r\n\",g\r\n",
        "x\n\"\"\"\n\n\"\"\"\n\"a\"b,c\nlast",
        "\"open\nnever\nclosed,\n1,2\n3,4\n",
    ];
    for text in texts {
        for piece in 1..8 {
            assert_eq!(
                in_pieces(text, b',', piece),
                reference(text, b','),
                "{text:?} {piece}"
            );
        }
    }
}

#[test]
fn field_ends_are_found_eight_bytes_at_a_time() {
    let naive = |b: &[u8], from: usize, d: u8| {
        (from..b.len())
            .find(|&i| [d, b'\r', b'\n', b'"'].contains(&b[i]))
            .unwrap_or(b.len())
    };
    let text = "абв;defghijklmn\"op\rq\nrstuvwxyz0123456789;;".as_bytes();
    for from in 0..text.len() {
        for d in [b';', b',', b'\t'] {
            assert_eq!(field_end(text, from, d), naive(text, from, d), "{from}");
        }
    }
}

#[test]
fn rows_past_the_limit_stop_the_split() {
    let text = "h\n1\n2\n3\n";
    assert!(split(text, 0, b',', 3).is_ok());
    assert_eq!(split(text, 0, b',', 2).unwrap_err(), 6);
    // In a later piece, and in a piece read again (after a quoted line break).
    let text = "h\n\"1\n1\"\n2\n3\n4\n5\n";
    for piece in 1..6 {
        assert!(split_in_pieces(text, 0, b',', 5, piece).is_ok());
        assert_eq!(split_in_pieces(text, 0, b',', 4, piece).unwrap_err(), 14);
        assert_eq!(split_in_pieces(text, 0, b',', 1, piece).unwrap_err(), 8);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn reads_as_csv_core_does(
        text in "[a;,\" \r\n\tб]{0,60}|([a-z;\"\n]{0,12}){0,8}",
        piece in 1usize..16,
    ) {
        for d in [b',', b';', b'\t'] {
            prop_assert_eq!(ours(&text, d), reference(&text, d));
            prop_assert_eq!(in_pieces(&text, d, piece), reference(&text, d));
        }
    }
}

#[test]
fn records_too_long_for_narrow_ends_keep_their_fields() {
    // Fields ending 32 KiB or more past their record's start, raw, quoted and
    // unescaped, among short records, in one piece and in several.
    let long = "ж".repeat(20_000);
    let text = format!(
        "id;note;n\nA1;short;1\nA2;{long};{long}\nA3;\"{long}\";\"q\"\nA4;\"say \"\"{long}\"\"\";x\nA5;{long}\"{long};5\n\"A6\";short;6\n"
    );
    let expected = reference(&text, b';');
    assert_eq!(ours(&text, b';'), expected);
    for piece in [7, 1000, 30_000] {
        assert_eq!(in_pieces(&text, b';', piece), expected, "{piece}");
    }
    let s = split(&text, 0, b';', u64::MAX).unwrap();
    let wide: Vec<bool> = s.spans.iter().map(|sp| sp.at.wide).collect();
    assert_eq!(wide, [false, false, true, true, true, true, false]);
}
