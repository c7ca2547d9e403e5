use super::*;

/// A row as (line, input, email and admin flag or the reason it failed).
type Seen = (u64, String, Result<(String, bool), String>);

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
    assert!(
        got[3]
            .2
            .as_ref()
            .unwrap_err()
            .contains("1 field(s), the header has 2"),
        "{got:?}"
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

#[test]
fn the_format_comes_from_the_flag_then_the_extension_then_the_content() {
    let json = b"  {\"email\": \"a@b.io\"}";
    assert_eq!(detect(Path::new("u.csv"), json, None), FileFormat::Csv);
    assert_eq!(detect(Path::new("u.NDJSON"), b"", None), FileFormat::Jsonl);
    assert_eq!(detect(Path::new("-"), json, None), FileFormat::Jsonl);
    assert_eq!(
        detect(Path::new("users"), b"email\n", None),
        FileFormat::Csv
    );
    assert_eq!(
        detect(Path::new("u.csv"), b"", Some(FileFormat::Jsonl)),
        FileFormat::Jsonl
    );
}

#[test]
fn long_raw_lines_are_shortened_in_reports() {
    let long = "x".repeat(200);
    let rows = parse(format!("{long}\n").as_bytes(), FileFormat::Jsonl).unwrap();
    assert_eq!(rows[0].input.chars().count(), SHOWN_CHARS);
    assert!(rows[0].input.ends_with('…'));
}
