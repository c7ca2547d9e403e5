//! The mark one `generateApiKey` request leaves on the key it makes.
//!
//! The description sent is `[wbusers:<16 hex digits>] <description>` (the tag
//! alone when there is none). The tag goes first so that a server that trims
//! or truncates long descriptions keeps it, and it is looked for anywhere in a
//! listed description. Keys made by earlier versions of this adapter carry it
//! last (`<description> [wbusers:…]`); both forms are stripped from the
//! descriptions this adapter returns, so callers see the description they gave.

const PREFIX: &str = "[wbusers:";
const TOKEN_DIGITS: usize = 16;
/// `[wbusers:` + 16 hex digits + `]`.
const TAG_LEN: usize = PREFIX.len() + TOKEN_DIGITS + 1;

/// The tag of one request.
pub(crate) struct RequestTag(String);

impl RequestTag {
    pub(crate) fn new() -> Self {
        Self(format!("{PREFIX}{:016x}]", rand::random::<u64>()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The description to send: ours, then the caller's (without any old tag).
    pub(crate) fn apply(&self, description: Option<&str>) -> String {
        match description.and_then(strip_tag) {
            Some(text) => format!("{} {text}", self.0),
            None => self.0.clone(),
        }
    }

    /// Whether a listed description carries this tag, wherever it is.
    pub(crate) fn marks(&self, description: Option<&str>) -> bool {
        description.is_some_and(|text| text.contains(&self.0))
    }
}

fn is_tag(text: &str) -> bool {
    text.len() == TAG_LEN
        && text.starts_with(PREFIX)
        && text.ends_with(']')
        && text[PREFIX.len()..TAG_LEN - 1]
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
}

/// The description without a leading (or an old trailing) request tag;
/// `None` if nothing is left.
pub(crate) fn strip_tag(description: &str) -> Option<String> {
    let mut kept = description;
    if kept.get(..TAG_LEN).is_some_and(is_tag) {
        kept = kept[TAG_LEN..].trim_start();
    }
    if let Some(start) = kept
        .len()
        .checked_sub(TAG_LEN)
        .filter(|&start| kept.is_char_boundary(start) && is_tag(&kept[start..]))
    {
        kept = kept[..start].trim_end();
    }
    (!kept.is_empty()).then(|| kept.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_goes_first_and_is_stripped_again() {
        let tag = RequestTag::new();
        let sent = tag.apply(Some("ci runner"));
        assert!(sent.starts_with("[wbusers:"), "{sent}");
        assert!(sent.ends_with("] ci runner"), "{sent}");
        assert!(tag.marks(Some(&sent)));
        assert_eq!(strip_tag(&sent).as_deref(), Some("ci runner"));
        assert_eq!(strip_tag(&tag.apply(None)), None);
    }

    #[test]
    fn a_tag_is_found_in_a_truncated_description() {
        let tag = RequestTag::new();
        let sent = tag.apply(Some(&"x".repeat(500)));
        assert!(tag.marks(Some(&sent[..TAG_LEN + 3])));
        assert!(!RequestTag::new().marks(Some(&sent)));
    }

    #[test]
    fn an_old_tag_is_replaced_not_stacked() {
        for old in [
            RequestTag::new().apply(Some("bot")),
            format!("bot {}", RequestTag::new().as_str()),
        ] {
            let tag = RequestTag::new();
            let sent = tag.apply(Some(&old));
            assert_eq!(sent.matches(PREFIX).count(), 1, "{sent}");
            assert_eq!(strip_tag(&sent).as_deref(), Some("bot"), "{sent}");
        }
    }

    #[test]
    fn text_that_only_looks_like_a_tag_is_kept() {
        for text in [
            "[wbusers:xyz]",
            "note [wbusers:0123456789abcdeg]",
            "[wbusers:0123456789abcdeg] note",
            "é",
        ] {
            assert_eq!(strip_tag(text).as_deref(), Some(text));
        }
    }
}
