//! The search rule through sorted indexes, so that no lookup scans every
//! user: a user matches when its username or its email, lower-cased (Unicode),
//! starts or ends with the query, lower-cased. Prefixes are ranges of the
//! sorted names; suffixes are ranges of the sorted reversed names.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::sync::Arc;

/// A user's place in creation order.
pub(crate) type Index = u32;

/// The lower-cased usernames and emails, forwards and reversed, each with
/// the index of its user.
#[derive(Default)]
pub(crate) struct SearchIndex {
    forward: BTreeSet<(Box<str>, Index)>,
    reversed: BTreeSet<(Box<str>, Index)>,
    /// The last query's matches while no user was added: a listing walked
    /// page by page asks for the same query again and again.
    cache: Option<(String, Arc<Vec<Index>>)>,
}

impl SearchIndex {
    /// Indexes user `index` by its username and email.
    pub(crate) fn insert(&mut self, index: Index, username: &str, email: &str) {
        for name in [username, email] {
            let lower = name.to_lowercase();
            let reversed: String = lower.chars().rev().collect();
            self.forward.insert((lower.into_boxed_str(), index));
            self.reversed.insert((reversed.into_boxed_str(), index));
        }
        self.cache = None;
    }

    /// The indexes of the users matching `query` (not empty), in creation order.
    pub(crate) fn matching(&mut self, query: &str) -> Arc<Vec<Index>> {
        if let Some((cached, hits)) = &self.cache {
            if cached == query {
                return Arc::clone(hits);
            }
        }
        let lower = query.to_lowercase();
        let reversed: String = lower.chars().rev().collect();
        let mut hits: Vec<Index> = prefixed(&self.forward, &lower)
            .chain(prefixed(&self.reversed, &reversed))
            .collect();
        hits.sort_unstable();
        hits.dedup();
        let hits = Arc::new(hits);
        self.cache = Some((query.to_owned(), Arc::clone(&hits)));
        hits
    }
}

/// The indexes of the entries of `set` that start with `prefix`.
fn prefixed<'s>(
    set: &'s BTreeSet<(Box<str>, Index)>,
    prefix: &'s str,
) -> impl Iterator<Item = Index> + 's {
    let start: (Box<str>, Index) = (prefix.into(), 0);
    set.range((Bound::Included(start), Bound::Unbounded))
        .take_while(move |(name, _)| name.starts_with(prefix))
        .map(|(_, index)| *index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let mut index = SearchIndex::default();
        index.insert(0, "ada", "ada@example.com");
        index.insert(1, "adam", "adam@other.org");
        index.insert(2, "Zoë", "ZOË.x@example.com");
        index
    }

    #[test]
    fn prefixes_and_suffixes_of_either_name_match_ignoring_case() {
        let mut index = index();
        assert_eq!(*index.matching("ADA"), [0, 1]);
        assert_eq!(*index.matching("other.ORG"), [1]);
        assert_eq!(*index.matching("am"), [1]);
        assert_eq!(*index.matching("@example.com"), [0, 2]);
        assert_eq!(*index.matching("zoë"), [2]);
        assert_eq!(*index.matching("ë.X@"), Vec::<Index>::new());
        assert!(index.matching("xample").is_empty());
    }

    #[test]
    fn a_new_user_is_seen_by_the_next_search() {
        let mut index = index();
        assert_eq!(*index.matching("new"), Vec::<Index>::new());
        index.insert(3, "newton", "newton@example.com");
        assert_eq!(*index.matching("new"), [3]);
    }
}
