//! `user deactivate|reactivate|promote|demote USER...`: each user's
//! outcome, a row each. The domain refuses to lock the caller out or to
//! leave the instance without an active admin; a refusal is that row's error.

use serde_json::json;
use users_domain::{Applied, Invitee, Result, User, UserAdmin, UserRepository};

use super::exact_user;
use crate::failure::Failure;
use crate::output::Output;
use crate::views::rows::{Outcome, Row, Rows};

/// The lifecycle change a command makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Deactivate,
    Reactivate,
    Promote,
    Demote,
}

impl Change {
    /// The command's name, and the document's `action`.
    fn verb(self) -> &'static str {
        match self {
            Self::Deactivate => "deactivate",
            Self::Reactivate => "reactivate",
            Self::Promote => "promote",
            Self::Demote => "demote",
        }
    }

    /// What a row says when the change was made, and when it was so already.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::Deactivate => ("deactivated", "already deactivated"),
            Self::Reactivate => ("reactivated", "already active"),
            Self::Promote => ("promoted to instance admin", "already an instance admin"),
            Self::Demote => (
                "no longer an instance admin",
                "already not an instance admin",
            ),
        }
    }

    async fn apply<R: UserRepository>(self, admin: &UserAdmin<R>, user: &User) -> Result<Applied> {
        match self {
            Self::Deactivate => admin.deactivate(user).await,
            Self::Reactivate => admin.reactivate(user).await,
            Self::Promote => admin.promote(user).await,
            Self::Demote => admin.demote(user).await,
        }
    }
}

/// The outcome of `change` as a row's.
fn outcome(change: Change, applied: Result<Applied>) -> Outcome {
    let (done, already) = change.words();
    match applied {
        Ok(Applied::Changed) => Outcome::Done(done.to_owned()),
        Ok(Applied::AlreadySo) => Outcome::AlreadyDone(already.to_owned()),
        Err(error) => Outcome::not_done(Failure::from(error)),
    }
}

pub(super) async fn run<R: UserRepository>(
    admin: &UserAdmin<R>,
    change: Change,
    users: &[Invitee],
    out: Output,
) -> Result<(), Failure> {
    changed(admin, change, users).await.finish(out)
}

/// Makes `change` to each of `users`, and says how each went (the rows of
/// `user deactivate` and the others, which the demo shows too).
pub(crate) async fn changed<R: UserRepository>(
    admin: &UserAdmin<R>,
    change: Change,
    users: &[Invitee],
) -> Rows {
    let mut rows = Vec::with_capacity(users.len());
    // One after another: each change is checked against the server as the
    // ones before left it (the last admin is the last one after them).
    for invitee in users {
        let row = match exact_user(admin, invitee).await {
            Ok(user) => Row::new(
                invitee.to_string(),
                outcome(change, change.apply(admin, &user).await),
            )
            .with("username", user.username.as_str()),
            Err(failure) => Row::new(invitee.to_string(), Outcome::not_done(failure)),
        };
        rows.push(row);
    }
    Rows {
        head: vec![("action", json!(change.verb()))],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use users_domain::Error;

    use super::*;
    use crate::exit::Exit;

    #[test]
    fn a_change_made_or_found_made_and_a_refusal_each_read_as_a_row() {
        let refused = outcome(
            Change::Demote,
            Err(Error::Refused {
                reason: "ada is the last active instance admin: promote another user first".into(),
            }),
        );

        assert_eq!(
            outcome(Change::Deactivate, Ok(Applied::Changed)).text(),
            "deactivated"
        );
        assert_eq!(
            outcome(Change::Reactivate, Ok(Applied::AlreadySo)).text(),
            "already active"
        );
        assert_eq!(refused.word(), "failed");
        assert_eq!(
            refused.text(),
            "failed: refused: ada is the last active instance admin: promote another user first"
        );
        let Outcome::Failed(failure) = refused else {
            panic!()
        };
        let line = failure.line();
        assert_eq!(line.exit, Exit::Refused);
        assert_eq!(line.hint.as_deref(), Some("nothing was changed"));
    }

    #[test]
    fn a_change_whose_answer_was_lost_reads_as_unknown_not_failed() {
        let lost = outcome(
            Change::Demote,
            Err(Error::Ambiguous {
                operation: "updateUser".into(),
                reason: "no answer".into(),
            }),
        );

        assert_eq!(lost.word(), "unknown");
        assert_eq!(
            lost.text(),
            "unknown: outcome of updateUser is unknown: no answer"
        );
    }
}
