//! Paged listings: a page of users, where it sits in the whole listing, and
//! how to ask for the next one. The largest W&B instances hold millions of
//! users; a listing is walked page by page ([`UserAdmin::walk_users`]), so
//! that memory stays flat however many there are.
//!
//! [`UserAdmin::walk_users`]: crate::UserAdmin::walk_users

use std::fmt;
use std::num::NonZeroU32;

use crate::User;

/// A place in a listing, as the server gave it: opaque, handed back as is.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cursor(String);

/// Why a string is not a usable cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CursorError {
    /// The string is empty.
    #[error("a cursor cannot be empty")]
    Empty,
    /// Longer than any server's cursor.
    #[error("a cursor has at most {max} characters")]
    TooLong {
        /// [`Cursor::MAX_LEN`].
        max: usize,
    },
    /// It holds a control character.
    #[error("a cursor cannot hold control characters")]
    Control,
}

impl Cursor {
    /// The longest cursor accepted: servers' cursors are short opaque tokens.
    pub const MAX_LEN: usize = 1024;

    /// Checks a cursor a server sent (or a caller saved).
    ///
    /// # Errors
    ///
    /// A [`CursorError`] naming the rule broken.
    pub fn parse(text: impl Into<String>) -> Result<Self, CursorError> {
        let text = text.into();
        if text.is_empty() {
            return Err(CursorError::Empty);
        }
        if text.chars().count() > Self::MAX_LEN {
            return Err(CursorError::TooLong { max: Self::MAX_LEN });
        }
        if text.chars().any(char::is_control) {
            return Err(CursorError::Control);
        }
        Ok(Self(text))
    }

    /// The cursor as the server wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cursor({:?})", self.0)
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How many users one page holds at most: 1 to [`PageSize::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageSize(NonZeroU32);

/// Why a number is not a usable page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a page holds 1 to {max} users, not {given}")]
pub struct PageSizeError {
    /// The size asked for.
    pub given: u64,
    /// [`PageSize::MAX`].
    pub max: u32,
}

impl PageSize {
    /// The largest page asked for: a page is one answer, held in memory whole.
    pub const MAX: u32 = 10_000;
    /// A size that keeps pages well under any response cap while needing few
    /// round trips: 500.
    pub const DEFAULT: Self = Self(NonZeroU32::new(500).expect("500 is not zero"));

    /// A page size of `size` users.
    ///
    /// # Errors
    ///
    /// A [`PageSizeError`] when `size` is 0 or over [`PageSize::MAX`].
    pub fn new(size: u64) -> Result<Self, PageSizeError> {
        u32::try_from(size)
            .ok()
            .filter(|&size| size <= Self::MAX)
            .and_then(NonZeroU32::new)
            .map(Self)
            .ok_or(PageSizeError {
                given: size,
                max: Self::MAX,
            })
    }

    /// The size as a count.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

impl Default for PageSize {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Which page of a listing to fetch: Relay's `first`/`after` (forward) or
/// `last`/`before` (backward).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    /// The first `size` users after `after` (from the start when `None`).
    Forward {
        /// How many users at most.
        size: PageSize,
        /// Where the previous page ended.
        after: Option<Cursor>,
    },
    /// The last `size` users before `before` (from the end when `None`).
    Backward {
        /// How many users at most.
        size: PageSize,
        /// Where the following page started.
        before: Option<Cursor>,
    },
}

impl PageRequest {
    /// The first page, `size` users at most.
    pub fn first(size: PageSize) -> Self {
        Self::Forward { size, after: None }
    }

    /// How many users at most.
    pub fn size(&self) -> PageSize {
        match self {
            Self::Forward { size, .. } | Self::Backward { size, .. } => *size,
        }
    }
}

/// A user and the cursor of its place in the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEdge {
    /// Where this user sits (a page asked for after it starts with the next
    /// user); `None` when the server gave none, as one that does not page.
    pub cursor: Option<Cursor>,
    /// The user.
    pub user: User,
}

/// A record the adapter could not read. Reported, never dropped silently:
/// an audit that skips a user it cannot read is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The record's id as the server sent it, when it sent one (as text: it
    /// may be the very field that is wrong). Key-safe.
    pub id: Option<String>,
    /// What is wrong with it: the field path and the rule, never the value.
    pub reason: String,
}

/// Where a page sits in the whole listing (Relay's `PageInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// The cursor of the page's first place.
    pub start_cursor: Option<Cursor>,
    /// The cursor of the page's last place, unreadable records included:
    /// where the next page starts.
    pub end_cursor: Option<Cursor>,
    /// Whether users follow this page.
    pub has_next_page: bool,
    /// Whether users precede this page.
    pub has_previous_page: bool,
}

/// One page of a user listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPage {
    /// The users of this page that could be read, in the listing's order.
    pub edges: Vec<UserEdge>,
    /// The records of this page that could not be read.
    pub unreadable: Vec<Unreadable>,
    /// Where the page sits.
    pub page_info: PageInfo,
}

impl UserPage {
    /// The users, without their cursors.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.edges.iter().map(|edge| &edge.user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cursors_are_short_printable_and_not_empty() {
        assert_eq!(Cursor::parse(""), Err(CursorError::Empty));
        assert_eq!(Cursor::parse("a\nb"), Err(CursorError::Control));
        assert_eq!(
            Cursor::parse("x".repeat(Cursor::MAX_LEN + 1)),
            Err(CursorError::TooLong {
                max: Cursor::MAX_LEN
            })
        );
        assert_eq!(
            Cursor::parse("YXJyYXljb25uZWN0aW9uOjE=").unwrap().as_str(),
            "YXJyYXljb25uZWN0aW9uOjE="
        );
    }

    #[test]
    fn the_default_page_holds_500() {
        assert_eq!(PageSize::default().get(), 500);
        assert_eq!(PageRequest::first(PageSize::DEFAULT).size().get(), 500);
    }

    proptest! {
        #[test]
        fn a_page_size_is_between_one_and_the_maximum(size in 0u64..100_000) {
            let parsed = PageSize::new(size);
            prop_assert_eq!(parsed.is_ok(), (1..=u64::from(PageSize::MAX)).contains(&size));
            if let Ok(parsed) = parsed {
                prop_assert_eq!(u64::from(parsed.get()), size);
            }
        }
    }
}
