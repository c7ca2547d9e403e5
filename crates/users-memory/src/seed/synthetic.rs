//! A large world without a hand-written file: users made from their number,
//! the same every time, so that tests and benchmarks can name any of them.

use super::{SeedKey, SeedUser};

/// How many domains the synthetic emails spread over: a search by one domain
/// matches a tenth of the users.
pub const SYNTHETIC_DOMAINS: u32 = 10;

/// Synthetic user `n` (counting from 1), as [`InMemoryWorld::synthetic`]
/// makes it:
///
/// - email `user<n>@corp<n mod 10>.example`, username `user<n>`, name `User <n>`;
/// - one key, labelled `key-<n>`, described `synthetic`, whose secret is
///   [`synthetic_secret`]`(n)`;
/// - every third user (`n` a multiple of 3) a member of team `team-<n mod 100>`;
/// - nobody an admin, nobody soft-deleted.
///
/// [`InMemoryWorld::synthetic`]: crate::InMemoryWorld::synthetic
pub fn synthetic_user(n: u32) -> SeedUser {
    let mut user = SeedUser::new(format!("user{n}@corp{}.example", n % SYNTHETIC_DOMAINS))
        .username(format!("user{n}"))
        .name(format!("User {n}"))
        .key(
            SeedKey::new(synthetic_secret(n))
                .name(format!("key-{n}"))
                .description("synthetic"),
        );
    if n % 3 == 0 {
        user = user.team(format!("team-{}", n % 100));
    }
    user
}

/// The secret of synthetic user `n`'s key: `synthetic` and `n` in 31 digits.
/// Anyone can work it out: a synthetic world is for tests on this machine.
pub fn synthetic_secret(n: u32) -> String {
    format!("synthetic{n:031}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeedMembership;
    use users_domain::ApiKeySecret;

    #[test]
    fn synthetic_users_are_valid_distinct_and_the_same_every_time() {
        assert_eq!(synthetic_user(7), synthetic_user(7));
        assert_ne!(synthetic_user(7).email, synthetic_user(17).email);
        assert_eq!(
            synthetic_user(12).email.as_deref(),
            Some("user12@corp2.example")
        );
        assert_eq!(synthetic_user(12).teams, [SeedMembership::new("team-12")]);
        assert!(synthetic_user(13).teams.is_empty());
        for n in [1, 999, u32::MAX] {
            assert!(ApiKeySecret::parse(synthetic_secret(n)).is_ok(), "{n}");
        }
    }
}
