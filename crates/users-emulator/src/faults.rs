//! Failures staged on purpose, so that a client's handling of them can be
//! tested offline: an answer that never arrives, a secret that is not
//! revealed, a listing that ignores its page size or repeats its cursor.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

/// The mutations whose answer [`Faults::lose_next_answer`] can lose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MutationKind {
    /// `createUser`.
    CreateUser,
    /// `generateApiKey`.
    GenerateApiKey,
    /// `deleteApiKey`.
    DeleteApiKey,
    /// `createTeam`.
    CreateTeam,
    /// `createInvite` (adding a member).
    CreateInvite,
    /// `deleteInvite` (removing a member).
    DeleteInvite,
    /// `createServiceAccount`.
    CreateServiceAccount,
    /// `updateMember` (a member's role).
    UpdateMember,
    /// `deleteUser` (deactivation).
    DeleteUser,
    /// `undeleteUser` (reactivation).
    UndeleteUser,
    /// `updateUser` (the instance-admin flag).
    UpdateUser,
}

impl MutationKind {
    const COUNT: usize = 11;

    fn index(self) -> usize {
        match self {
            Self::CreateUser => 0,
            Self::GenerateApiKey => 1,
            Self::DeleteApiKey => 2,
            Self::CreateTeam => 3,
            Self::CreateInvite => 4,
            Self::DeleteInvite => 5,
            Self::CreateServiceAccount => 6,
            Self::UpdateMember => 7,
            Self::DeleteUser => 8,
            Self::UndeleteUser => 9,
            Self::UpdateUser => 10,
        }
    }
}

/// Failures to stage on a running emulator; see [`RunningEmulator::faults`](crate::RunningEmulator::faults).
///
/// Each fault is one-shot: armed, it affects the next matching request only,
/// then disarms itself. Arming a fault that is already armed changes nothing
/// (it still affects one request). Clones are cheap and arm the same
/// emulator, from any thread.
///
/// ```no_run
/// # async fn demo() -> Result<(), users_emulator::EmulatorError> {
/// use users_emulator::{Emulator, MutationKind};
///
/// let emulator = Emulator::builder().start().await?;
/// emulator.faults().lose_next_answer(MutationKind::DeleteApiKey);
/// // The next deleteApiKey deletes the key, and the client gets no answer.
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Faults {
    armed: Arc<Armed>,
}

#[derive(Debug, Default)]
struct Armed {
    lost_answers: [AtomicBool; MutationKind::COUNT],
    hidden_secret: AtomicBool,
    unpaged_listing: AtomicBool,
    repeated_cursor: AtomicBool,
}

impl Faults {
    /// The next request that calls `mutation` (with well-formed input, from a
    /// caller the repository recognises: a request answered 401 leaves the
    /// fault armed) is carried out for real, whatever its outcome (a refusal
    /// included), and then the server closes the connection without sending
    /// any response:
    /// the client's request fails with a transport error (the connection
    /// closed before a response came) and it cannot know what happened.
    pub fn lose_next_answer(&self, mutation: MutationKind) {
        self.armed.lost_answers[mutation.index()].store(true, Ordering::SeqCst);
    }

    /// The next `generateApiKey` that makes a key answers with the key's label
    /// (as `apiKey { name }` lists it elsewhere) where the new secret belongs,
    /// as current hosted W&B servers may. The key is made all the same; its
    /// secret is lost.
    pub fn hide_next_secret(&self) {
        self.armed.hidden_secret.store(true, Ordering::SeqCst);
    }

    /// The next paged `users` listing (one asking for `first` or `last`)
    /// ignores the page size and answers every match at once, saying no more
    /// follows, as servers that do not page do.
    pub fn ignore_next_page_size(&self) {
        self.armed.unpaged_listing.store(true, Ordering::SeqCst);
    }

    /// The next paged `users` listing that resumes after a cursor answers
    /// the same page again: its `endCursor` is the cursor it was given, and
    /// it says more follows, as a broken server might. A client that follows
    /// it blindly never ends.
    pub fn repeat_next_cursor(&self) {
        self.armed.repeated_cursor.store(true, Ordering::SeqCst);
    }

    /// Disarms every fault that has not fired yet.
    pub fn clear(&self) {
        for lost in &self.armed.lost_answers {
            lost.store(false, Ordering::SeqCst);
        }
        self.armed.hidden_secret.store(false, Ordering::SeqCst);
        self.armed.unpaged_listing.store(false, Ordering::SeqCst);
        self.armed.repeated_cursor.store(false, Ordering::SeqCst);
    }

    /// Whether this listing ignores its page size; disarms the fault.
    pub(crate) fn take_unpaged_listing(&self) -> bool {
        self.armed.unpaged_listing.swap(false, Ordering::SeqCst)
    }

    /// Whether this resumed listing repeats its cursor; disarms the fault.
    pub(crate) fn take_repeated_cursor(&self) -> bool {
        self.armed.repeated_cursor.swap(false, Ordering::SeqCst)
    }

    /// Whether this call of `mutation` loses its answer; disarms the fault.
    pub(crate) fn take_lost_answer(&self, mutation: MutationKind) -> bool {
        self.armed.lost_answers[mutation.index()].swap(false, Ordering::SeqCst)
    }

    /// Whether this new key's secret stays hidden; disarms the fault.
    pub(crate) fn take_hidden_secret(&self) -> bool {
        self.armed.hidden_secret.swap(false, Ordering::SeqCst)
    }
}

/// Set by a resolver during one request when its answer must be lost; read by
/// the HTTP layer, which then cuts the connection instead of answering.
#[derive(Debug, Clone, Default)]
pub(crate) struct LostAnswer(Arc<AtomicBool>);

impl LostAnswer {
    pub(crate) fn mark(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub(crate) fn is_marked(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_fires_once_and_only_for_its_mutation() {
        let faults = Faults::default();
        faults.lose_next_answer(MutationKind::DeleteApiKey);
        faults.lose_next_answer(MutationKind::DeleteApiKey);

        assert!(!faults.take_lost_answer(MutationKind::CreateUser));
        assert!(!faults.take_lost_answer(MutationKind::GenerateApiKey));
        assert!(faults.clone().take_lost_answer(MutationKind::DeleteApiKey));
        assert!(!faults.take_lost_answer(MutationKind::DeleteApiKey));
    }

    #[test]
    fn a_hidden_secret_fires_once_and_clear_disarms_everything() {
        let faults = Faults::default();
        faults.hide_next_secret();
        assert!(faults.take_hidden_secret());
        assert!(!faults.take_hidden_secret());

        faults.hide_next_secret();
        faults.lose_next_answer(MutationKind::CreateUser);
        faults.clear();
        assert!(!faults.take_hidden_secret());
        assert!(!faults.take_lost_answer(MutationKind::CreateUser));
    }
}
