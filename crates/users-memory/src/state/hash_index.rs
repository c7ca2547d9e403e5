//! A hash index: 64-bit hashes of a text to the places holding it, so that
//! an index of millions of names holds no copy of them.

use std::collections::HashMap;

use super::Index;

/// Hashes to the places (of users, or of teams) whose text has that hash:
/// almost always one; a
/// collision lists several, each checked by the caller.
#[derive(Default)]
pub(super) struct HashIndex {
    first: HashMap<u64, Index>,
    more: HashMap<u64, Vec<Index>>,
}

impl HashIndex {
    pub(super) fn insert(&mut self, hash: u64, index: Index) {
        if let Some(&taken) = self.first.get(&hash) {
            if taken != index {
                self.more.entry(hash).or_default().push(index);
            }
        } else {
            self.first.insert(hash, index);
        }
    }

    pub(super) fn candidates(&self, hash: u64) -> impl Iterator<Item = Index> + '_ {
        let more = self.more.get(&hash).map_or(&[][..], Vec::as_slice);
        self.first
            .get(&hash)
            .copied()
            .into_iter()
            .chain(more.iter().copied())
    }

    pub(super) fn remove(&mut self, hash: u64, index: Index) {
        if let Some(more) = self.more.get_mut(&hash) {
            if let Some(at) = more.iter().position(|&other| other == index) {
                more.swap_remove(at);
                if more.is_empty() {
                    self.more.remove(&hash);
                }
                return;
            }
        }
        if self.first.get(&hash) == Some(&index) {
            match self.more.get_mut(&hash) {
                Some(more) => {
                    let next = more.swap_remove(0);
                    if more.is_empty() {
                        self.more.remove(&hash);
                    }
                    self.first.insert(hash, next);
                }
                None => {
                    self.first.remove(&hash);
                }
            }
        }
    }
}
