use std::fmt::Write as _;
use std::io::{Read as _, Write as _};

use super::*;
use crate::redact::SHOWN_CHARS;

const KEY: &str = "0123456789abcdefghij0123456789abcdefghij";

/// A row as (line, input, email and admin flag or the reason it failed).
type Seen = (u64, String, Wanted);

/// The email and admin flag a row asks for, or the reason it failed.
type Wanted = Result<(String, bool), String>;

fn outcomes(rows: &[Row]) -> Vec<Seen> {
    rows.iter()
        .map(|row| {
            (
                row.line,
                row.input.clone(),
                row.entry
                    .as_ref()
                    .map(|entry| (entry.email.to_string(), entry.admin))
                    .map_err(Clone::clone),
            )
        })
        .collect()
}

#[test]
fn csv_rows_keep_their_line_numbers_and_bad_rows_do_not_stop_the_rest() {
    let text = "email,admin\nada@example.com,yes\n\nnot-an-email,no\nbob@example.com,maybe\ncy@example.com\n# a comment\ndee@example.com,1\n";
    let rows = parse(text.as_bytes(), FileFormat::Csv).unwrap();
    let got = outcomes(&rows);
    assert_eq!(got.len(), 5, "{got:?}");
    assert_eq!(
        got[0],
        (
            2,
            "ada@example.com".into(),
            Ok(("ada@example.com".into(), true))
        )
    );
    assert_eq!(got[1].0, 4);
    assert!(got[1].2.as_ref().unwrap_err().contains("'@'"), "{got:?}");
    assert!(
        got[2].2.as_ref().unwrap_err().contains("not 'maybe'"),
        "{got:?}"
    );
    assert_eq!(
        got[3],
        (
            6,
            "cy@example.com".into(),
            Ok(("cy@example.com".into(), false))
        )
    );
    assert_eq!(
        got[4],
        (
            8,
            "dee@example.com".into(),
            Ok(("dee@example.com".into(), true))
        )
    );
}

#[test]
fn the_admin_column_is_optional_and_an_empty_value_is_false() {
    let rows = parse(b"email\nada@example.com\n", FileFormat::Csv).unwrap();
    assert_eq!(outcomes(&rows)[0].2, Ok(("ada@example.com".into(), false)));
    let rows = parse(
        b"admin,email\n,ada@example.com\nTRUE,bo@example.com\n",
        FileFormat::Csv,
    )
    .unwrap();
    let got = outcomes(&rows);
    assert_eq!(got[0].2, Ok(("ada@example.com".into(), false)));
    assert_eq!(got[1].2, Ok(("bo@example.com".into(), true)));
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_accepted() {
    let rows = parse(
        b"\xEF\xBB\xBFemail,admin\r\nada@example.com,no\r\n",
        FileFormat::Csv,
    )
    .unwrap();
    assert_eq!(outcomes(&rows)[0].2, Ok(("ada@example.com".into(), false)));
}

#[test]
fn a_csv_without_the_header_is_refused_as_a_whole() {
    let error = parse(b"ada@example.com,true\n", FileFormat::Csv).unwrap_err();
    assert!(
        error.contains("unknown column 'ada@example.com'"),
        "{error}"
    );
    assert!(error.contains("header 'email,admin'"), "{error}");
    assert_eq!(parse(b"", FileFormat::Csv).unwrap_err(), "it is empty");
    assert_eq!(
        parse(b"email,admin\n", FileFormat::Csv).unwrap_err(),
        "it lists no users"
    );
}

#[test]
fn invalid_utf8_spoils_only_its_own_row() {
    let rows = parse(
        b"email\nad\xffa@example.com\nbo@example.com\n",
        FileFormat::Csv,
    )
    .unwrap();
    let got = outcomes(&rows);
    assert_eq!(got[0].2, Err("the row is not valid UTF-8".into()));
    assert_eq!(got[1].2, Ok(("bo@example.com".into(), false)));
}

#[test]
fn json_lines_report_each_problem_on_its_line() {
    let text = concat!(
        "{\"email\": \"ada@example.com\", \"admin\": true}\n",
        "\n",
        "{\"email\": \"bo@example.com\"}\n",
        "not json\n",
        "{\"email\": \"cy@example.com\", \"admin\": \"yes\"}\n",
        "{\"mail\": \"dee@example.com\"}\n",
        "{\"email\": 7}\n",
    );
    let rows = parse(text.as_bytes(), FileFormat::Jsonl).unwrap();
    let got = outcomes(&rows);
    assert_eq!(got.len(), 6);
    assert_eq!(
        got[0],
        (
            1,
            "ada@example.com".into(),
            Ok(("ada@example.com".into(), true))
        )
    );
    assert_eq!(
        got[1],
        (
            3,
            "bo@example.com".into(),
            Ok(("bo@example.com".into(), false))
        )
    );
    assert_eq!(got[2].1, "not json");
    assert!(got[2].2.as_ref().unwrap_err().starts_with("not JSON"));
    assert_eq!(got[3].2, Err("'admin' must be true or false".into()));
    assert!(
        got[4]
            .2
            .as_ref()
            .unwrap_err()
            .starts_with("unknown field 'mail'")
    );
    assert_eq!(got[5].2, Err("'email' must be a string".into()));
}

fn file(path: &str) -> Input {
    Input::File(path.into())
}

#[test]
fn the_format_comes_from_the_flag_then_the_extension_then_the_content() {
    let json = b"  {\"email\": \"a@b.io\"}";
    assert_eq!(detect(&file("u.csv"), json, None), FileFormat::Csv);
    assert_eq!(detect(&file("u.NDJSON"), b"", None), FileFormat::Jsonl);
    assert_eq!(
        detect(&file("u.json"), b"email\na@b.io\n", None),
        FileFormat::Csv
    );
    assert_eq!(detect(&file("u.json"), b"\n [{}]", None), FileFormat::Jsonl);
    assert_eq!(detect(&Input::Stdin, json, None), FileFormat::Jsonl);
    assert_eq!(detect(&file("users"), b"email\n", None), FileFormat::Csv);
    assert_eq!(
        detect(&file("u.csv"), b"", Some(FileFormat::Jsonl)),
        FileFormat::Jsonl
    );
}

#[test]
fn long_raw_lines_are_shortened_in_reports() {
    let long = "x ".repeat(100);
    let rows = parse(format!("{long}\n").as_bytes(), FileFormat::Jsonl).unwrap();
    assert_eq!(rows[0].input.chars().count(), SHOWN_CHARS);
    assert!(rows[0].input.ends_with('…'));
}

#[test]
fn a_json_email_is_shortened_too() {
    let long = format!("{}@example.com", "a".repeat(5000));
    let rows = parse(
        format!("{{\"email\": \"{long}\"}}\n").as_bytes(),
        FileFormat::Jsonl,
    )
    .unwrap();
    assert!(
        rows[0].input.chars().count() <= SHOWN_CHARS,
        "{}",
        rows[0].input
    );
}

#[test]
fn a_key_file_netrc_or_dotenv_is_never_echoed() {
    let files = [
        format!("{KEY}\n"),
        format!("machine api.wandb.ai login user password {KEY}\n"),
        format!("WANDB_API_KEY={KEY}\n"),
        format!("export WANDB_API_KEY=\"{KEY}\"\n"),
    ];
    for file in files {
        let error = parse(file.as_bytes(), FileFormat::Csv).unwrap_err();
        assert!(error.starts_with("unknown column"), "{error}");
        assert!(!error.contains(&KEY[4..36]), "{file:?}: {error}");
    }
}

#[test]
fn a_key_in_a_row_is_never_echoed() {
    let csv = format!("email,admin\n{KEY},no\nada@example.com,{KEY}\n\"ada@example.com {KEY}\"\n");
    let jsonl = format!(
        "{{\"email\": \"{KEY}\"}}\n{{\"token\": \"{KEY}\"}}\n{{\"{KEY}\": 1}}\n{{\"email\": \"a@b.io\", \"admin\": \"{KEY}\"}}\nnot json {KEY}\n"
    );
    for (text, format) in [(csv, FileFormat::Csv), (jsonl, FileFormat::Jsonl)] {
        for row in parse(text.as_bytes(), format).unwrap() {
            let reason = row.entry.as_ref().err().cloned().unwrap_or_default();
            assert!(!row.input.contains(&KEY[4..36]), "{}", row.input);
            assert!(!reason.contains(&KEY[4..36]), "{reason}");
        }
    }
}

#[test]
fn line_numbers_are_right_with_crlf_a_bom_comments_and_multi_line_fields() {
    let text = "\u{feff}email,admin\r\n\
        a1@example.com,no\r\n\
        \r\n\
        # a comment\r\n\
        \"a2@example.com\r\n\",no\r\n\
        a3@example.com,\"\r\nyes\"\r\n\
        \r\n\
        a4@example.com\r\n";
    let rows = parse(text.as_bytes(), FileFormat::Csv).unwrap();
    let got: Vec<(u64, Wanted)> = outcomes(&rows)
        .into_iter()
        .map(|(line, _, entry)| (line, entry))
        .collect();
    assert_eq!(
        got,
        [
            (2, Ok(("a1@example.com".into(), false))),
            (5, Ok(("a2@example.com".into(), false))),
            (7, Ok(("a3@example.com".into(), true))),
            (10, Ok(("a4@example.com".into(), false))),
        ]
    );
}

#[test]
fn line_numbers_stay_right_over_many_rows() {
    let mut text = String::from("email\n");
    let mut expected = Vec::new();
    let mut line = 1;
    for n in 0..2_000 {
        if n % 7 == 0 {
            text.push_str("\n# note\n");
            line += 2;
        }
        writeln!(text, "u{n}@example.com").unwrap();
        line += 1;
        expected.push(line);
    }
    let rows = parse(text.as_bytes(), FileFormat::Csv).unwrap();
    let lines: Vec<u64> = rows.iter().map(|row| row.line).collect();
    assert_eq!(lines, expected);
}

#[test]
fn an_unclosed_quote_names_the_lines_it_swallowed() {
    let text = "email,admin\n\
        a1@example.com,no\n\
        \"a2@example.com,no\n\
        a3@example.com,no\n\
        a4@example.com,yes\n";
    let rows = parse(text.as_bytes(), FileFormat::Csv).unwrap();
    let got = outcomes(&rows);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1].0, 3);
    let reason = got[1].2.as_ref().unwrap_err();
    assert!(
        reason.starts_with("unclosed quote from line 3 swallows lines 3–5"),
        "{reason}"
    );
}

#[test]
fn a_missing_admin_field_is_false_only_when_it_is_the_last_column() {
    let rows = parse(b"email,admin\nada@example.com\n", FileFormat::Csv).unwrap();
    assert_eq!(outcomes(&rows)[0].2, Ok(("ada@example.com".into(), false)));
    let rows = parse(b"admin,email\nada@example.com\n", FileFormat::Csv).unwrap();
    assert_eq!(
        outcomes(&rows)[0].2,
        Err("the row has 1 field(s), the header has 2".into())
    );
    let rows = parse(b"email,admin\nada@example.com,no,extra\n", FileFormat::Csv).unwrap();
    assert_eq!(
        outcomes(&rows)[0].2,
        Err("the row has 3 field(s), the header has 2".into())
    );
    let error = parse(b"email,admin,teams\n", FileFormat::Csv).unwrap_err();
    assert!(error.starts_with("unknown column 'teams'"), "{error}");
}

#[test]
fn a_json_array_or_a_pretty_printed_object_is_refused_as_a_whole() {
    let array = b"[\n{\"email\": \"a@example.com\"},\n{\"email\": \"b@example.com\"}\n]\n";
    let error = parse(array, FileFormat::Jsonl).unwrap_err();
    assert_eq!(
        error,
        "it is a JSON array; give one JSON object per line (JSON lines)"
    );
    let pretty = b"{\"email\": \"a@example.com\"}\n{\n  \"email\": \"b@example.com\",\n  \"admin\": true\n}\n";
    let error = parse(pretty, FileFormat::Jsonl).unwrap_err();
    assert_eq!(
        error,
        "the JSON value on line 2 does not end on its line (it spans several lines, or is cut \
         short); give one JSON object per line (JSON lines)"
    );
    let cut = parse(
        b"{\"email\": \"a@example.com\"}\n{\"email\": \"b@exa",
        FileFormat::Jsonl,
    );
    assert!(
        cut.unwrap_err()
            .starts_with("the JSON value on line 2 does not end")
    );
}

#[test]
fn a_line_longer_than_the_limit_is_refused_naming_it_and_the_limit() {
    let long = "a".repeat(MAX_LINE_BYTES + 1);
    let csv = format!("email\nada@example.com\n{long}@example.com\n");
    let jsonl = format!("{{\"email\": \"ada@example.com\"}}\n{{\"email\": \"{long}\"}}\n");
    let header = format!("email{long}\n");

    for (text, format, line) in [
        (csv, FileFormat::Csv, 3),
        (jsonl, FileFormat::Jsonl, 2),
        (header, FileFormat::Csv, 1),
    ] {
        let error = parse(text.as_bytes(), format).unwrap_err();
        assert_eq!(
            error,
            format!("line {line} is longer than 64 KiB, the most a line may be"),
            "{format:?}"
        );
    }
    // A line of the limit exactly, CRLF and all, is a line like any other.
    let most = format!("email\r\n{}\r\n", "a".repeat(MAX_LINE_BYTES));
    assert_eq!(parse(most.as_bytes(), FileFormat::Csv).unwrap().len(), 1);
    let most = format!("{{\"email\": \"{}\"}}\r\n", "a".repeat(MAX_LINE_BYTES - 13));
    assert_eq!(parse(most.as_bytes(), FileFormat::Jsonl).unwrap().len(), 1);
}

#[test]
fn a_quote_left_open_may_swallow_lines_only_up_to_the_limit() {
    let lines = "a@example.com\n".repeat(MAX_LINE_BYTES / 10);
    let text = format!("email\nada@example.com\n\"{lines}");

    let error = parse(text.as_bytes(), FileFormat::Csv).unwrap_err();

    assert_eq!(
        error,
        "the row from line 3 runs on past 64 KiB, the most a row may be (a quote left open?)"
    );
}

#[test]
fn a_file_larger_than_the_limit_is_refused_before_it_is_read() {
    let file = tempfile::NamedTempFile::new().unwrap();
    file.as_file().set_len(MAX_FILE_BYTES + 1).unwrap();
    let input = Input::File(file.path().to_owned());

    let error = open(&input, None).unwrap_err();

    assert!(matches!(error, FileError::TooLarge), "{error:?}");
    assert_eq!(
        error.to_string(),
        "it is larger than 64 MiB, the most provision reads"
    );
}

#[test]
fn rows_are_read_as_they_are_asked_for() {
    // An endless file: only what is asked for is read.
    let endless = std::io::Read::chain(
        &b"email\n"[..],
        std::io::Read::take(std::io::repeat(b'\n'), u64::MAX),
    );
    let text = "email\nada@example.com\nbo@example.com\n";
    let mut rows = rows(
        std::io::Cursor::new(text.as_bytes().to_vec()).chain(endless),
        &Input::Stdin,
        Some(FileFormat::Csv),
    )
    .unwrap();

    let first = rows.next().unwrap().unwrap();
    let second = rows.next().unwrap().unwrap();

    assert_eq!((first.line, second.line), (2, 3));
}

#[test]
fn a_check_reads_the_whole_file_and_counts_its_rows() {
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    write!(file, "email\nada@example.com\nnot-an-email\n").unwrap();
    let input = Input::File(file.path().to_owned());
    let empty = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(empty.path(), "email\n").unwrap();

    assert_eq!(check(&input, None).unwrap(), 2);
    let none = check(&Input::File(empty.path().to_owned()), None).unwrap_err();
    assert!(matches!(none, FileError::NoUsers), "{none:?}");
}

#[test]
fn a_json_row_must_be_one_object_with_each_field_once() {
    let text = "{\"email\": \"a@example.com\"}\n[1,2]\n\"ada\"\n{\"email\": \"b@example.com\", \"email\": \"c@example.com\"}\n";
    let rows = parse(text.as_bytes(), FileFormat::Jsonl).unwrap();
    let got = outcomes(&rows);
    assert!(got[0].2.is_ok());
    assert!(
        got[1]
            .2
            .as_ref()
            .unwrap_err()
            .starts_with("not a JSON object;"),
        "{got:?}"
    );
    assert!(
        got[2]
            .2
            .as_ref()
            .unwrap_err()
            .starts_with("not a JSON object;"),
        "{got:?}"
    );
    assert_eq!(got[3].1, "b@example.com");
    assert_eq!(
        got[3].2,
        Err("duplicate field 'email'; give it once".into())
    );
}
