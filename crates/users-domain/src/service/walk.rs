//! Walking a listing page by page, lazily: the caller asks for each page and
//! may stop at any time, so memory holds one page however long the listing.

use std::collections::HashSet;

use crate::{Cursor, Error, PageRequest, PageSize, Result, UserPage, UserRepository};

/// The pages of one user listing, fetched one at a time by
/// [`next_page`](Self::next_page). Made by [`UserAdmin::walk_users`](crate::UserAdmin::walk_users).
#[derive(Debug)]
pub struct UserWalk<'r, R: ?Sized> {
    repo: &'r R,
    query: String,
    size: PageSize,
    after: Option<Cursor>,
    /// Every cursor a page ended at so far: a server that hands one back
    /// again would otherwise send the walk round for ever.
    seen: HashSet<Cursor>,
    done: bool,
    pages: u64,
}

impl<'r, R: UserRepository + ?Sized> UserWalk<'r, R> {
    pub(crate) fn new(repo: &'r R, query: String, size: PageSize) -> Self {
        Self {
            repo,
            query,
            size,
            after: None,
            seen: HashSet::new(),
            done: false,
            pages: 0,
        }
    }

    /// The next page, or `None` once the listing is over.
    ///
    /// A failed page can be asked for again: the walk stays where it was
    /// (a transient failure may heal), except after a `Protocol` error about
    /// the cursors, which ends it.
    ///
    /// # Errors
    ///
    /// As [`UserRepository::list_users`]; and `Protocol` when the server
    /// says more follows but gives an empty page, no cursor to follow from,
    /// or a cursor it gave before (the walk would never end).
    pub async fn next_page(&mut self) -> Option<Result<UserPage>> {
        if self.done {
            return None;
        }
        let request = PageRequest::Forward {
            size: self.size,
            after: self.after.clone(),
        };
        let page = match self.repo.list_users(&self.query, &request).await {
            Ok(page) => page,
            Err(error) => return Some(Err(error)),
        };
        self.pages += 1;
        if !page.page_info.has_next_page {
            self.done = true;
            return Some(Ok(page));
        }
        if page.edges.is_empty() && page.unreadable.is_empty() {
            self.done = true;
            return Some(Err(Error::Protocol {
                reason: format!(
                    "page {} of the user listing is empty but says more users follow; the listing would never end",
                    self.pages
                ),
            }));
        }
        let Some(end) = page.page_info.end_cursor.clone() else {
            self.done = true;
            return Some(Err(Error::Protocol {
                reason: format!(
                    "page {} of the user listing says more users follow but gives no cursor to continue from",
                    self.pages
                ),
            }));
        };
        if !self.seen.insert(end.clone()) {
            self.done = true;
            return Some(Err(Error::Protocol {
                reason: format!(
                    "page {} of the user listing ends at a cursor an earlier page ended at; the listing would never end",
                    self.pages
                ),
            }));
        }
        self.after = Some(end);
        Some(Ok(page))
    }

    /// How many pages have been fetched so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }
}
