//! The search rule through sorted indexes, so that no lookup scans every
//! user: a user matches when its username or its email, lower-cased (Unicode),
//! starts or ends with the query, lower-cased. Prefixes are ranges of the
//! sorted names; suffixes are ranges of the sorted reversed names.
//!
//! The names live in one buffer, each entry an offset and a length into it:
//! a few bytes a name beyond its text, and no allocation of its own. New
//! names wait in a short unsorted list, read as they are, and are merged into
//! the sorted ones when it grows long or when a bulk load ends.

use std::cmp::Ordering;
use std::sync::Arc;

/// A user's place in creation order.
pub(crate) type Index = u32;

/// How many new names a search reads unsorted before it merges them.
const UNSORTED_MAX: usize = 1024;

/// The lower-cased usernames and emails, forwards and reversed, each with
/// the index of its user.
#[derive(Default)]
pub(crate) struct SearchIndex {
    forward: Names,
    reversed: Names,
    /// The last query's matches while no user was added: a listing walked
    /// page by page asks for the same query again and again.
    cache: Option<(String, Arc<Vec<Index>>)>,
}

#[derive(Default)]
struct Names {
    text: Vec<u8>,
    sorted: Vec<Entry>,
    unsorted: Vec<Entry>,
}

#[derive(Clone, Copy)]
struct Entry {
    start: u32,
    len: u32,
    index: Index,
}

impl Names {
    fn push(&mut self, name: &str, index: Index) {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        let len = u32::try_from(name.len()).unwrap_or(u32::MAX);
        self.text.extend_from_slice(name.as_bytes());
        self.unsorted.push(Entry { start, len, index });
    }

    fn name(&self, entry: Entry) -> &[u8] {
        let start = usize::try_from(entry.start).unwrap_or(usize::MAX);
        let len = usize::try_from(entry.len).unwrap_or(0);
        &self.text[start..start + len]
    }

    fn order(&self, a: Entry, b: Entry) -> Ordering {
        self.name(a).cmp(self.name(b)).then(a.index.cmp(&b.index))
    }

    /// Merges the unsorted names into the sorted ones.
    fn settle(&mut self) {
        if self.unsorted.is_empty() {
            return;
        }
        let mut unsorted = std::mem::take(&mut self.unsorted);
        unsorted.sort_unstable_by(|&a, &b| self.order(a, b));
        let sorted = std::mem::take(&mut self.sorted);
        let mut merged = Vec::with_capacity(sorted.len() + unsorted.len());
        let (mut old, mut new) = (
            sorted.into_iter().peekable(),
            unsorted.into_iter().peekable(),
        );
        loop {
            let next = match (old.peek(), new.peek()) {
                (Some(&a), Some(&b)) if self.order(a, b).is_le() => old.next(),
                (Some(_) | None, Some(_)) => new.next(),
                (Some(_), None) => old.next(),
                (None, None) => break,
            };
            merged.extend(next);
        }
        self.sorted = merged;
        self.text.shrink_to_fit();
    }

    /// The indexes of the names that start with `prefix`.
    fn prefixed<'s>(&'s self, prefix: &'s [u8]) -> impl Iterator<Item = Index> + 's {
        let first = self
            .sorted
            .partition_point(|&entry| self.name(entry) < prefix);
        let sorted = self.sorted[first..]
            .iter()
            .take_while(move |&&entry| self.name(entry).starts_with(prefix));
        let unsorted = self
            .unsorted
            .iter()
            .filter(move |&&entry| self.name(entry).starts_with(prefix));
        sorted.chain(unsorted).map(|entry| entry.index)
    }
}

impl SearchIndex {
    /// Indexes user `index` by its username and email (a service account may have none).
    pub(crate) fn insert(&mut self, index: Index, username: &str, email: Option<&str>) {
        for name in std::iter::once(username).chain(email) {
            let lower = name.to_lowercase();
            let reversed: String = lower.chars().rev().collect();
            self.forward.push(&lower, index);
            self.reversed.push(&reversed, index);
        }
        // Merging costs the whole list: done when the new names are as many
        // as the sorted ones (so a bulk load merges O(log n) times), else
        // left to the next search.
        if self.forward.unsorted.len() > UNSORTED_MAX.max(self.forward.sorted.len()) {
            self.settle();
        }
        self.cache = None;
    }

    /// Sorts the names waiting unsorted.
    pub(crate) fn settle(&mut self) {
        self.forward.settle();
        self.reversed.settle();
    }

    /// The indexes of the users matching `query` (not empty), in creation order.
    pub(crate) fn matching(&mut self, query: &str) -> Arc<Vec<Index>> {
        if let Some((cached, hits)) = &self.cache {
            if cached == query {
                return Arc::clone(hits);
            }
        }
        if self.forward.unsorted.len() > UNSORTED_MAX {
            self.settle();
        }
        let lower = query.to_lowercase();
        let reversed: String = lower.chars().rev().collect();
        let mut hits: Vec<Index> = self
            .forward
            .prefixed(lower.as_bytes())
            .chain(self.reversed.prefixed(reversed.as_bytes()))
            .collect();
        hits.sort_unstable();
        hits.dedup();
        let hits = Arc::new(hits);
        self.cache = Some((query.to_owned(), Arc::clone(&hits)));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let mut index = SearchIndex::default();
        index.insert(0, "ada", Some("ada@example.com"));
        index.insert(1, "adam", Some("adam@other.org"));
        index.insert(2, "Zoë", Some("ZOË.x@example.com"));
        index.insert(3, "ci-bot", None);
        index
    }

    #[test]
    fn prefixes_and_suffixes_of_either_name_match_ignoring_case() {
        for settled in [false, true] {
            let mut index = index();
            if settled {
                index.settle();
            }
            assert_eq!(*index.matching("ADA"), [0, 1]);
            assert_eq!(*index.matching("other.ORG"), [1]);
            assert_eq!(*index.matching("am"), [1]);
            assert_eq!(*index.matching("@example.com"), [0, 2]);
            assert_eq!(*index.matching("zoë"), [2]);
            assert_eq!(*index.matching("ë.X@"), Vec::<Index>::new());
            assert!(index.matching("xample").is_empty());
            assert_eq!(*index.matching("ci-"), [3]);
        }
    }

    #[test]
    fn a_new_user_is_seen_by_the_next_search() {
        let mut index = index();
        assert_eq!(*index.matching("new"), Vec::<Index>::new());
        index.insert(4, "newton", Some("newton@example.com"));
        assert_eq!(*index.matching("new"), [4]);
    }

    #[test]
    fn names_merged_in_many_rounds_stay_in_order() {
        let mut index = SearchIndex::default();
        for n in (0..5000).rev() {
            let email = format!("u{n}@corp{}.example", n % 7);
            index.insert(n, &format!("u{n}"), Some(&email));
        }
        index.settle();
        assert_eq!(index.matching("corp3.example").len(), 714);
        assert_eq!(*index.matching("u4999@"), [4999]);
        let sorted = &index.forward.sorted;
        assert!(
            sorted
                .windows(2)
                .all(|w| index.forward.order(w[0], w[1]).is_le())
        );
    }
}
