//! `key list --all`: who holds which key, across every user. For audits, so a
//! user whose keys the server did not list is reported as unknown, never as
//! holding none, and soft-deleted users who still hold keys stand out.

use serde::Serialize;
use users_domain::{User, UserAdmin, UserRepository};

use crate::failure::Failure;
use crate::output::{Output, table};
use crate::views::{KeyView, NOT_LOADED};

#[derive(Serialize)]
struct AuditView {
    holders: Vec<HolderView>,
    /// How many users' keys the server did not list.
    unlisted: usize,
}

#[derive(Serialize)]
struct HolderView {
    user: String,
    username: String,
    deleted: bool,
    /// `null` when the server did not list this user's keys.
    keys: Option<Vec<KeyView>>,
}

pub(super) async fn run<R: UserRepository>(
    admin: &UserAdmin<R>,
    out: Output,
) -> Result<(), Failure> {
    let users = admin.users("").await?;
    let view = AuditView {
        unlisted: users.iter().filter(|u| u.api_keys.is_none()).count(),
        holders: users.iter().map(holder).collect(),
    };
    out.result(&view, &text(&users, view.unlisted))
}

fn holder(user: &User) -> HolderView {
    HolderView {
        user: user.label(),
        username: user.username.to_string(),
        deleted: user.deleted_at.is_some(),
        keys: user
            .api_keys
            .as_ref()
            .map(|keys| keys.iter().map(KeyView::from).collect()),
    }
}

/// One row per key; a user with unlisted keys gets one row saying so.
fn text(users: &[User], unlisted: usize) -> String {
    let mut rows = Vec::new();
    for user in users {
        let status = if user.deleted_at.is_some() {
            "deleted"
        } else {
            "active"
        };
        match user.api_keys.as_deref() {
            None => rows.push(vec![
                user.label(),
                status.to_owned(),
                NOT_LOADED.to_owned(),
                String::new(),
                String::new(),
            ]),
            Some(keys) => rows.extend(keys.iter().map(|key| {
                vec![
                    user.label(),
                    status.to_owned(),
                    key.name.to_string(),
                    key.id.to_string(),
                    key.description.clone().unwrap_or_default(),
                ]
            })),
        }
    }
    let keys: usize = users
        .iter()
        .filter_map(|u| u.api_keys.as_ref())
        .map(Vec::len)
        .sum();
    let holders = users
        .iter()
        .filter(|u| u.api_keys.as_ref().is_some_and(|k| !k.is_empty()))
        .count();
    let unknown = if unlisted > 0 {
        format!(
            "; the server did not list the keys of {}",
            count(unlisted, "user", "users")
        )
    } else {
        String::new()
    };
    let summary = format!(
        "{} held by {holders} of {}{unknown}",
        count(keys, "key", "keys"),
        count(users.len(), "user", "users")
    );
    if rows.is_empty() {
        return summary;
    }
    let table = table(&["USER", "STATUS", "KEY", "ID", "DESCRIPTION"], &rows);
    format!("{table}\n{summary}")
}

/// `1 user`, `2 users`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::user;

    #[test]
    fn every_key_is_a_row_and_unlisted_users_are_unknown_not_empty() {
        let users = [
            user("ada", Some(&["laptop", "ci"]), false),
            user("bob", Some(&[]), false),
            user("gone", Some(&["old"]), true),
            user("hid", None, false),
        ];
        let text = text(&users, 1);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 3 + 1 + 1, "{text}");
        assert!(
            lines[3].starts_with("gone  ") && lines[3].contains("deleted"),
            "{text}"
        );
        assert!(lines[4].contains("(not listed by the server)"), "{text}");
        assert_eq!(
            lines[5],
            "3 keys held by 2 of 4 users; the server did not list the keys of 1 user"
        );
    }

    #[test]
    fn the_summary_speaks_of_one_user_and_one_key_in_the_singular() {
        let one = [user("ada", Some(&["laptop"]), false)];
        assert!(
            text(&one, 0).ends_with("\n1 key held by 1 of 1 user"),
            "{}",
            text(&one, 0)
        );
        let none = [user("ada", Some(&[]), false), user("bob", None, false)];
        assert_eq!(
            text(&none, 1).lines().last().unwrap(),
            "0 keys held by 0 of 2 users; the server did not list the keys of 1 user"
        );
    }
}
