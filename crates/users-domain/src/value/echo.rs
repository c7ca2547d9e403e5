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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
