//! `list_users`: pages of the search's matches in creation order, with
//! opaque cursors. A cursor names a user's place in creation order, which
//! never changes (users are never removed), so a cursor stays good for as
//! long as the world lives, and a walk sees each matching user once.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use users_domain::{Cursor, Error, PageInfo, PageRequest, Result, Unreadable, UserEdge, UserPage};

use crate::state::{Index, State};

const CURSOR_PREFIX: &str = "wbusers-users:";

/// The users matching a query, by their places in creation order.
enum Matches {
    /// Every user: the empty query.
    All(usize),
    Some(Arc<Vec<Index>>),
}

impl Matches {
    fn len(&self) -> usize {
        match self {
            Self::All(count) => *count,
            Self::Some(hits) => hits.len(),
        }
    }

    fn get(&self, position: usize) -> Index {
        match self {
            Self::All(_) => Index::try_from(position).unwrap_or(Index::MAX),
            Self::Some(hits) => hits[position],
        }
    }

    /// The position of the first match after user `index`.
    fn after(&self, index: Index) -> usize {
        match self {
            Self::All(count) => usize::try_from(index).map_or(*count, |i| (i + 1).min(*count)),
            Self::Some(hits) => hits.partition_point(|&hit| hit <= index),
        }
    }

    /// The position of the first match at or after user `index`.
    fn from(&self, index: Index) -> usize {
        match self {
            Self::All(count) => usize::try_from(index).map_or(*count, |i| i.min(*count)),
            Self::Some(hits) => hits.partition_point(|&hit| hit < index),
        }
    }
}

/// The cursor of user `index`'s place.
pub(crate) fn cursor_of(index: Index) -> Cursor {
    Cursor::parse(STANDARD.encode(format!("{CURSOR_PREFIX}{index}")))
        .unwrap_or_else(|_| unreachable!("base64 text is a valid cursor"))
}

/// The place a cursor names, if this world gave it.
fn place(cursor: &Cursor, users: usize) -> Result<Index> {
    let rejected = || Error::CursorRejected {
        reason: "it is not a cursor of this server's user listing".to_owned(),
    };
    let bytes = STANDARD.decode(cursor.as_str()).map_err(|_| rejected())?;
    let text = String::from_utf8(bytes).map_err(|_| rejected())?;
    let index: Index = text
        .strip_prefix(CURSOR_PREFIX)
        .and_then(|n| n.parse().ok())
        .ok_or_else(rejected)?;
    // `+5` and `05` parse too, but this world never gave them.
    if usize::try_from(index).is_ok_and(|i| i < users) && cursor_of(index) == *cursor {
        Ok(index)
    } else {
        Err(rejected())
    }
}

/// One page of the users matching `query`.
pub(crate) fn page(state: &mut State, query: &str, request: &PageRequest) -> Result<UserPage> {
    let users = state.user_count();
    let matches = if query.is_empty() {
        Matches::All(users)
    } else {
        Matches::Some(state.matching(query))
    };
    let size = usize::try_from(request.size().get()).unwrap_or(usize::MAX);
    let (start, end) = match request {
        PageRequest::Forward { after, .. } => {
            let start = match after {
                Some(cursor) => matches.after(place(cursor, users)?),
                None => 0,
            };
            (start, start.saturating_add(size).min(matches.len()))
        }
        PageRequest::Backward { before, .. } => {
            let end = match before {
                Some(cursor) => matches.from(place(cursor, users)?),
                None => matches.len(),
            };
            (end.saturating_sub(size), end)
        }
    };
    let edges: Vec<UserEdge> = (start..end)
        .map(|position| {
            let index = matches.get(position);
            UserEdge {
                cursor: Some(cursor_of(index)),
                user: state.to_user(usize::try_from(index).unwrap_or(usize::MAX)),
            }
        })
        .collect();
    let page_info = PageInfo {
        start_cursor: edges.first().and_then(|edge| edge.cursor.clone()),
        end_cursor: edges.last().and_then(|edge| edge.cursor.clone()),
        has_next_page: end < matches.len(),
        has_previous_page: start > 0,
    };
    Ok(UserPage {
        edges,
        unreadable: Vec::<Unreadable>::new(),
        page_info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_cursors_this_world_gives_are_taken() {
        assert_eq!(place(&cursor_of(3), 10).ok(), Some(3));
        for text in [
            "wbusers-users:+3",
            "wbusers-users:03",
            "wbusers-users:10",
            "users:3",
        ] {
            let forged = Cursor::parse(STANDARD.encode(text)).unwrap();
            assert!(
                matches!(place(&forged, 10), Err(Error::CursorRejected { .. })),
                "{text}"
            );
        }
    }
}
