/// Why a seed cannot become a world. Names the user (or the role or team)
/// and the field, never a secret.
///
/// Where a variant names a user by `email`, that is the email as written in
/// the seed, or for a service account without one its username or name,
/// made safe to echo ([`echo_safe`](users_domain::echo_safe)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// An entry of the seed's `roles` or `teams` is wrong.
    #[error("seed {field}: {reason}")]
    Entry {
        /// The entry, as a path within the seed (`roles[1]`, `teams[0]`).
        field: String,
        /// What is wrong and what to do about it.
        reason: String,
    },
    /// A field of one seed user is wrong.
    #[error("seed users[{index}] ({email:?}): {field}: {reason}")]
    Invalid {
        /// The user's place in the world: its index in the seed for
        /// [`from_seed`](crate::InMemoryWorld::from_seed), the number of users
        /// already there for [`seed_user`](crate::InMemoryWorld::seed_user).
        index: usize,
        /// The email as written in the seed, made safe to echo
        /// ([`echo_safe`](users_domain::echo_safe)): a key pasted there is masked.
        email: String,
        /// The field, as a path within the user (`keys[1].secret`).
        field: String,
        /// What is wrong and what to do about it.
        reason: String,
    },
    /// Another user already has this email, ignoring case.
    #[error(
        "seed users[{index}] ({email:?}): email: another user already has this email (ignoring case); give each user its own"
    )]
    EmailTaken {
        /// The user's place in the world, as for [`Invalid`](Self::Invalid).
        index: usize,
        /// The email as written in the seed, made safe to echo.
        email: String,
    },
    /// Another user already has this username, ignoring case.
    #[error(
        "seed users[{index}] ({email:?}): username: another user already has the username {username:?} (ignoring case); pick another or leave it out"
    )]
    UsernameTaken {
        /// The user's place in the world, as for [`Invalid`](Self::Invalid).
        index: usize,
        /// The email as written in the seed, made safe to echo.
        email: String,
        /// The username as written in the seed, made safe to echo (a key
        /// pasted there is a valid username, and masked).
        username: String,
    },
    /// A team already has this name, ignoring case: users and teams are
    /// entities of one namespace.
    #[error(
        "seed users[{index}] ({email:?}): username: a team is named {username:?} (users and teams share one namespace, ignoring case); pick another username"
    )]
    TeamNameTaken {
        /// The user's place in the world, as for [`Invalid`](Self::Invalid).
        index: usize,
        /// The email as written in the seed, made safe to echo.
        email: String,
        /// The username as written (or derived), made safe to echo.
        username: String,
    },
}

impl SeedError {
    pub(crate) fn entry(field: String, reason: impl Into<String>) -> Self {
        Self::Entry {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid(
        index: usize,
        email: &str,
        field: impl Into<String>,
        reason: String,
    ) -> Self {
        Self::Invalid {
            index,
            email: users_domain::echo_safe(email),
            field: field.into(),
            reason,
        }
    }
}
