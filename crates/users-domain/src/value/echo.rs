/// What a string a person typed may be echoed as in a message.
///
/// People paste keys where names belong. Anything long enough to be a key —
/// even one with a stray space, a character too few or a typo — shows only its
/// first and last four characters; a control character makes it shown the same
/// way, so that no message carries terminal escapes. Short text is echoed
/// trimmed.
pub fn echo_safe(text: &str) -> String {
    const ECHOED_IN_FULL: usize = 20;
    let trimmed = text.trim();
    let visible: Vec<char> = trimmed.chars().filter(|c| !c.is_control()).collect();
    if visible.len() == trimmed.chars().count() && visible.len() < ECHOED_IN_FULL {
        return trimmed.to_owned();
    }
    hint(&visible)
}

/// `abcd…wxyz`: the first and last four characters, or only `…` when that
/// would show most of a short text.
pub(crate) fn hint(chars: &[char]) -> String {
    if chars.len() < 16 {
        return "…".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// A parser's message (serde's, say) made safe to show: every double-quoted
/// run emptied to `"…"`, every backticked run echoed as [`echo_safe`]
/// echoes it, and so is every word outside them.
///
/// Such a message names the field and the place, which is what the reader
/// needs, but it may also quote values from the input, any of which may be a
/// secret. Quotes inside a run may be escaped (`\"`), so an escaped quote does
/// not end it; a quote left open hides the rest of the message. Backticks
/// name fields (`` missing field `email` ``), shown in full, but an unknown
/// field's name is the input's own text, so a long one (a key used as a
/// field name) shows only its ends. Such a name may hold a backtick of its
/// own, which ends the run early and leaves the rest of the name among the
/// parser's words: those are short, so a word as long as a key is the
/// input's, and shows only its ends too.
pub fn without_quoted_text(message: &str) -> String {
    let mut shown = String::with_capacity(message.len());
    // The word being read outside quotes and backticks.
    let mut word = String::new();
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c != '"' && c != '`' && !c.is_whitespace() {
            word.push(c);
            continue;
        }
        shown.push_str(&echo_safe(&word));
        word.clear();
        shown.push(c);
        match c {
            '"' => {
                shown.push('…');
                loop {
                    match chars.next() {
                        Some('"') => {
                            shown.push('"');
                            break;
                        }
                        // An escaped character, a quote included, is still inside.
                        Some('\\') => {
                            chars.next();
                        }
                        Some(_) => {}
                        None => return shown,
                    }
                }
            }
            '`' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('`') => {
                            shown.push_str(&echo_safe(&name));
                            shown.push('`');
                            break;
                        }
                        Some(c) => name.push(c),
                        None => {
                            shown.push('…');
                            return shown;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    shown.push_str(&echo_safe(&word));
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_quoted_value_is_hidden() {
        let message = r#"invalid value: string "first-s3cr3t", expected one of "second-s3cr3t" at line 1 column 9"#;

        let shown = without_quoted_text(message);

        assert_eq!(
            shown,
            r#"invalid value: string "…", expected one of "…" at line 1 column 9"#
        );
        assert_eq!(
            without_quoted_text("missing field `id`"),
            "missing field `id`"
        );
    }

    #[test]
    fn a_long_backticked_name_shows_only_its_ends() {
        let key = "0123456789abcdefghij0123456789abcdefghij";
        let message = format!("unknown field `{key}`, expected one of `email`, `keys`");

        let shown = without_quoted_text(&message);

        assert_eq!(
            shown,
            "unknown field `0123…ghij`, expected one of `email`, `keys`"
        );
        assert_eq!(without_quoted_text("bad `0123456789abcdefghij01"), "bad `…");
    }

    #[test]
    fn a_backtick_inside_a_name_does_not_let_the_rest_of_it_out() {
        // serde's message for the seed field name "x` KEY" (found by the
        // `seed` fuzz target): the name's own backtick closes the run early.
        let key = "0123456789abcdefghij0123456789abcdefghij";
        let message = format!("unknown field `x` {key}`, expected `users` at line 1 column 50");

        let shown = without_quoted_text(&message);

        assert!(!shown.contains(key), "{shown}");
        assert!(shown.contains("0123…ghij"), "{shown}");
        assert!(shown.starts_with("unknown field `x` "), "{shown}");
    }

    #[test]
    fn an_unclosed_quote_hides_the_rest() {
        assert_eq!(without_quoted_text(r#"bad "s3cr3t at line 2"#), r#"bad "…"#);
        assert_eq!(without_quoted_text("no quotes here"), "no quotes here");
    }

    #[test]
    fn an_escaped_quote_does_not_end_the_hidden_run() {
        let shown = without_quoted_text(r#"invalid type: string "s3\"cr3t", expected a boolean"#);

        assert_eq!(shown, r#"invalid type: string "…", expected a boolean"#);
    }

    #[test]
    fn short_names_are_echoed_trimmed() {
        assert_eq!(echo_safe(" ada "), "ada");
    }

    #[test]
    fn control_characters_are_never_echoed() {
        assert_eq!(echo_safe("a\u{1b}[2Jb"), "…");
        assert_eq!(echo_safe("abcd\u{1b}[2J0123456789wxyz"), "abcd…wxyz");
    }

    proptest! {
        #[test]
        fn no_middle_of_a_long_string_is_echoed(key in "[a-z0-9]{20,80}", pad in " {0,3}") {
            let shown = echo_safe(&format!("{pad}{key}{pad}"));
            let middle = &key[4..key.len() - 4];
            prop_assert!(middle.len() < 6 || !shown.contains(middle));
            prop_assert_eq!(shown.chars().count(), 9);
        }
    }
}
