//! `key list --all`: who holds which key, across every user. For audits, so a
//! user whose keys the server did not list is reported as unknown, never as
//! holding none, and deactivated users and service accounts stand out.

use serde::Serialize;
use serde_json::json;
use users_domain::{ApiKey, PageSize, User, UserAdmin, UserRepository};

use crate::failure::{Failure, count};
use crate::listing::{self, Listing};
use crate::output::Output;
use crate::views::{Each, NOT_LOADED, account_text, account_word};

/// An element of `holders`.
#[derive(Serialize)]
struct HolderView<'u> {
    user: &'u str,
    username: &'u str,
    /// `user`, `service`, ...; `null` where the server did not say.
    account_type: Option<&'static str>,
    deactivated: bool,
    /// The same as `deactivated`: its first name, kept for scripts that read it.
    deleted: bool,
    /// `null` when the server did not list this user's keys.
    keys: Option<Each<'u, ApiKey>>,
}

impl<'u> From<&'u User> for HolderView<'u> {
    fn from(user: &'u User) -> Self {
        Self {
            // As `User::label`, without the copy.
            user: user
                .email
                .as_ref()
                .map_or(user.username.as_str(), |email| email.as_str()),
            username: user.username.as_str(),
            account_type: account_word(user.account_type),
            deactivated: !user.is_active(),
            deleted: !user.is_active(),
            keys: user.api_keys.as_deref().map(Each),
        }
    }
}

/// The totals, counted as the listing goes.
#[derive(Debug, Default)]
struct Audit {
    users: u64,
    keys: u64,
    /// Users holding at least one key.
    holders: u64,
    /// Users whose keys the server did not list.
    unlisted: u64,
}

/// The `summary` object.
#[derive(Serialize)]
struct Summary {
    users: u64,
    keys: u64,
    holders: u64,
    unlisted: u64,
    unreadable: u64,
}

pub(super) async fn run<R: UserRepository>(
    admin: &UserAdmin<R>,
    page_size: PageSize,
    out: Output,
) -> Result<(), Failure> {
    listing::print(admin.walk_users("", page_size), &mut Audit::default(), out).await
}

impl Listing for Audit {
    const COLUMNS: &'static [&'static str] =
        &["USER", "TYPE", "STATUS", "KEY", "ID", "DESCRIPTION"];
    const ELEMENTS: &'static str = "holders";

    fn elements<'a>(&'a self, user: &'a User) -> impl Iterator<Item = impl Serialize + 'a> {
        std::iter::once(HolderView::from(user))
    }

    fn tally(&mut self, user: &User) {
        self.users += 1;
        match user.api_keys.as_deref() {
            None => self.unlisted += 1,
            Some(keys) => {
                self.keys += keys.len() as u64;
                self.holders += u64::from(!keys.is_empty());
            }
        }
    }

    /// One row per key; a user with unlisted keys gets one row saying so.
    fn rows(&self, user: &User, rows: &mut Vec<Vec<String>>) {
        let status = if user.is_active() {
            "active"
        } else {
            "deactivated"
        };
        let kind = account_text(user.account_type);
        match user.api_keys.as_deref() {
            None => rows.push(vec![
                user.label(),
                kind,
                status.to_owned(),
                NOT_LOADED.to_owned(),
                String::new(),
                String::new(),
            ]),
            Some(keys) => rows.extend(keys.iter().map(|key| {
                vec![
                    user.label(),
                    kind.clone(),
                    status.to_owned(),
                    key.name.to_string(),
                    key.id.to_string(),
                    key.description.clone().unwrap_or_default(),
                ]
            })),
        }
    }

    fn tail(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![("unlisted", json!(self.unlisted))]
    }

    fn summary(&self, unreadable: u64) -> impl Serialize {
        Summary {
            users: self.users,
            keys: self.keys,
            holders: self.holders,
            unlisted: self.unlisted,
            unreadable,
        }
    }

    fn closing_text(&self, _rows_shown: bool, unreadable: u64) -> Option<String> {
        let caveats = listing::walk_caveats(self.unlisted, "keys", unreadable);
        Some(format!(
            "{} held by {} of {}{caveats}",
            count(self.keys, "key", "keys"),
            self.holders,
            count(self.users, "user", "users")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::user;
    use crate::listing::rendered;

    const TEXT: Output = Output {
        json: false,
        lines: false,
        quiet: false,
        verbose: false,
    };

    fn text(users: &[User]) -> String {
        rendered(&mut Audit::default(), TEXT, &[users], &[])
    }

    #[test]
    fn every_key_is_a_row_and_unlisted_users_are_unknown_not_empty() {
        let users = [
            user("ada", Some(&["laptop", "ci"]), false),
            user("bob", Some(&[]), false),
            user("gone", Some(&["old"]), true),
            user("hid", None, false),
        ];
        let text = text(&users);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 3 + 1 + 1, "{text}");
        assert!(
            lines[3].starts_with("gone  ") && lines[3].contains("  deactivated  "),
            "{text}"
        );
        assert!(lines[4].contains("(not listed by the server)"), "{text}");
        assert_eq!(
            lines[5],
            "3 keys held by 2 of 4 users; the server did not list the keys of 1 user"
        );
    }

    #[test]
    fn each_holder_says_what_kind_of_account_it_is_and_whether_it_is_deactivated() {
        let mut ci = user("ci", Some(&["token"]), true);
        ci.account_type = Some(users_domain::AccountType::Service);

        let shown = text(std::slice::from_ref(&ci));
        let json = serde_json::to_value(HolderView::from(&ci)).unwrap();

        let row = shown.lines().nth(1).unwrap();
        assert!(row.contains("  service  deactivated  token"), "{shown}");
        assert_eq!(json["account_type"], "service");
        assert_eq!(json["deactivated"], true);
        assert_eq!(json["deleted"], true);
    }

    #[test]
    fn the_summary_speaks_of_one_user_and_one_key_in_the_singular() {
        let one = [user("ada", Some(&["laptop"]), false)];
        assert!(
            text(&one).ends_with("\n1 key held by 1 of 1 user\n"),
            "{}",
            text(&one)
        );
        let none = [user("ada", Some(&[]), false), user("bob", None, false)];
        assert_eq!(
            text(&none).lines().last().unwrap(),
            "0 keys held by 0 of 2 users; the server did not list the keys of 1 user"
        );
    }
}
