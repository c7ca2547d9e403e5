//! `whoami` and `user get|search|create`.

use serde::Serialize;
use serde_json::json;
use users_domain::{
    Email, KeyRepository, TeamRepository, User, UserAdmin, UserRepository, echo_safe,
};

use super::lifecycle::{self, Change};
use crate::cli::UserCommand;
use crate::exit::Exit;
use crate::failure::{During, Failure};
use crate::listing::{self, Listing};
use crate::output::Output;
use crate::redact;
use crate::views::{USER_COLUMNS, UserView, created_text, user_row, user_text};

pub(super) async fn whoami<R: UserRepository>(
    admin: &UserAdmin<R>,
    out: Output,
) -> Result<(), Failure> {
    let user = admin.viewer().await?;
    out.result(&UserView::from(&user), &user_text(&user))
}

/// `user search QUERY`: the query, and how many users matched so far.
struct Search<'q> {
    query: &'q str,
    users: u64,
}

/// The `summary` object.
#[derive(Serialize)]
struct Summary {
    users: u64,
    unreadable: u64,
}

impl Listing for Search<'_> {
    const COLUMNS: &'static [&'static str] = USER_COLUMNS;
    const ELEMENTS: &'static str = "users";

    fn elements<'a>(&'a self, user: &'a User) -> impl Iterator<Item = impl Serialize + 'a> {
        std::iter::once(UserView::from(user))
    }

    fn tally(&mut self, _user: &User) {
        self.users += 1;
    }

    fn rows(&self, user: &User, rows: &mut Vec<Vec<String>>) {
        rows.push(user_row(user));
    }

    /// The query as typed, but for a key pasted by mistake, which is masked.
    fn head(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![("query", json!(redact::mask_keys(self.query)))]
    }

    fn summary(&self, unreadable: u64) -> impl Serialize {
        Summary {
            users: self.users,
            unreadable,
        }
    }

    fn closing_text(&self, rows_shown: bool, unreadable: u64) -> Option<String> {
        (!rows_shown && unreadable == 0)
            .then(|| format!("no user matches '{}'", echo_safe(self.query)))
    }
}

pub(super) async fn run<R: UserRepository + KeyRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    command: &UserCommand,
    out: Output,
) -> Result<(), Failure> {
    match command {
        UserCommand::Deactivate(users) => {
            lifecycle::run(admin, Change::Deactivate, &users.users, out).await
        }
        UserCommand::Reactivate(users) => {
            lifecycle::run(admin, Change::Reactivate, &users.users, out).await
        }
        UserCommand::Promote(users) => {
            lifecycle::run(admin, Change::Promote, &users.users, out).await
        }
        UserCommand::Demote(users) => {
            lifecycle::run(admin, Change::Demote, &users.users, out).await
        }
        UserCommand::Offboard { user, yes, dry_run } => {
            super::offboard::run(admin, user, *yes, *dry_run, out).await
        }
        UserCommand::Get { user } => {
            let user = admin.user(user).await?;
            out.result(&UserView::from(&user), &user_text(&user))
        }
        UserCommand::Search { query, page_size } => {
            let walk = admin.walk_users(query, page_size.unwrap_or_default());
            let mut search = Search { query, users: 0 };
            listing::print(walk, &mut search, out).await
        }
        UserCommand::Create {
            email,
            admin: make_admin,
        } => {
            let email = Email::parse(email.trim()).map_err(|error| {
                Failure::new(
                    Exit::Usage,
                    format!("'{}' is not an email address: {error}", echo_safe(email)),
                )
            })?;
            let user = admin
                .create_user(&email, *make_admin)
                .await
                .map_err(|error| Failure::during(error, During::CreatingUser(email.clone())))?;
            out.result(&UserView::from(&user), &created_text(&user))
        }
    }
}
