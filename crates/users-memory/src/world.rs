use std::fmt;
use std::io::Read;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};

use secrecy::ExposeSecret as _;
use users_domain::{ApiKeySecret, User};

use crate::seed::stream::{self, SeedReadError};
use crate::seed::{import, synthetic::synthetic_user};
use crate::state::State;
use crate::{InMemoryUserRepository, Mutation, Seed, SeedError, SeedUser, mint};

/// One in-memory W&B server: its users, teams, roles and keys.
///
/// Cloning gives another handle on the same world, so repositories connected
/// through different clones, acting as different principals, see each other's
/// changes. Safe to share between threads and tasks.
#[derive(Clone, Default)]
pub struct InMemoryWorld {
    state: Arc<Mutex<State>>,
}

impl InMemoryWorld {
    /// A world with no users at all.
    pub fn new() -> Self {
        Self::default()
    }

    /// A world holding the seed's roles, teams and users, in the seed's
    /// order (see [`Seed`] for the format).
    ///
    /// # Errors
    ///
    /// A [`SeedError`] naming the first role, team or user and field that
    /// cannot be parsed through the domain's types, or that clashes with an
    /// earlier one (same email or username ignoring case, a secret held
    /// twice, a team named as a user).
    pub fn from_seed(seed: Seed) -> Result<Self, SeedError> {
        let mut state = State::default();
        for (index, role) in seed.roles.into_iter().enumerate() {
            import::role(&mut state, index, role)?;
        }
        for (index, team) in seed.teams.into_iter().enumerate() {
            import::team(&mut state, index, team)?;
        }
        for user in seed.users {
            import::insert(&mut state, user)?;
        }
        state.settle();
        Ok(Self {
            state: Arc::new(Mutex::new(state)),
        })
    }

    /// A world read from a seed file's JSON (see [`Seed`] for the format),
    /// one element at a time: memory holds the world, never the file.
    ///
    /// # Errors
    ///
    /// [`SeedReadError::Format`] naming the line and column where the file
    /// is not the seed format (quoting none of it), or
    /// [`SeedReadError::User`] as [`from_seed`](Self::from_seed) refuses a
    /// role, team or user; `roles` and `teams` must come before `users`.
    pub fn read_seed(reader: impl Read) -> Result<Self, SeedReadError> {
        let mut state = State::default();
        stream::read(&mut state, reader)?;
        state.settle();
        Ok(Self {
            state: Arc::new(Mutex::new(state)),
        })
    }

    /// A world of `count` synthetic users, numbered from 1 (see
    /// [`synthetic_user`](crate::synthetic_user)): a large instance for tests
    /// and benchmarks without a file.
    pub fn synthetic(count: u32) -> Self {
        let mut state = State::default();
        for n in 1..=count {
            // Synthetic users are valid and distinct by construction.
            if let Err(error) = import::insert(&mut state, synthetic_user(n)) {
                unreachable!("synthetic user {n} was refused: {error}");
            }
        }
        state.settle();
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// The user holding a live key with this secret, soft-deleted or not, and
    /// its place in creation order (from 0): an operator's look, no
    /// permission checked and no login made.
    pub fn key_holder(&self, secret: &ApiKeySecret) -> Option<(usize, User)> {
        let state = self.lock();
        let index = state.holder_of(secret.expose_secret())?;
        Some((index, state.to_user(index)))
    }

    /// How many users the world holds, soft-deleted ones included.
    pub fn user_count(&self) -> usize {
        self.lock().user_count()
    }

    /// Adds one user, as an operator would on the server: no permission is
    /// checked. The teams it names that do not exist yet are made.
    ///
    /// # Errors
    ///
    /// As [`from_seed`](Self::from_seed), checked against the users already here;
    /// nothing is added on error.
    pub fn seed_user(&self, user: SeedUser) -> Result<User, SeedError> {
        let mut state = self.lock();
        let index = import::insert(&mut state, user)?;
        Ok(state.to_user(index))
    }

    /// A repository acting as the holder of `secret`. Never fails here: the
    /// key is checked on every call, as the server checks every request.
    pub fn connect(&self, secret: ApiKeySecret) -> InMemoryUserRepository {
        InMemoryUserRepository::new(self.clone(), secret)
    }

    /// Loses the answer to the next call of `mutation`, for tests of the
    /// uncertain branches of the ports' contracts: that call (by any caller
    /// whose key the world recognises) is carried out as usual, whatever its
    /// outcome, and then answered [`Ambiguous`](users_domain::Error::Ambiguous),
    /// as a server is whose answer never reaches the client. One call only;
    /// arming it again before then changes nothing.
    pub fn lose_next_answer(&self, mutation: Mutation) {
        self.lock().lost_answers.arm(mutation);
    }

    /// A fresh random key: 40 characters from `[a-z0-9]`, valid by the format
    /// rules, the kind the server hands out.
    pub fn generate_secret() -> ApiKeySecret {
        mint::secret()
    }

    /// The state, for one operation. No code here panics while holding the
    /// lock, so a poisoned lock still guards consistent data.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for InMemoryWorld {
    /// Never waits for the lock: a world (or a repository over it) may be
    /// formatted by code that already holds it, which would deadlock.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("InMemoryWorld");
        let state = match self.state.try_lock() {
            Ok(state) => state,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return out.field("state", &format_args!("<locked>")).finish();
            }
        };
        out.field("users", &state.user_count())
            .field("teams", &state.team_count())
            .field("keys", &state.key_count())
            .finish()
    }
}

#[cfg(test)]
mod seed_tests;
#[cfg(test)]
mod tests;
