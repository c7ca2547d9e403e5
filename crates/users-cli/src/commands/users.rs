//! `whoami` and `user get|search|create`.

use serde::Serialize;
use users_domain::{Email, UserAdmin, UserRepository, echo_safe};

use crate::cli::UserCommand;
use crate::exit::Exit;
use crate::failure::{During, Failure};
use crate::output::Output;
use crate::redact;
use crate::views::{UserView, created_text, user_text, users_table};

pub(super) async fn whoami<R: UserRepository>(
    admin: &UserAdmin<R>,
    out: Output,
) -> Result<(), Failure> {
    let user = admin.viewer().await?;
    out.result(&UserView::from(&user), &user_text(&user))
}

#[derive(Serialize)]
struct SearchView {
    /// As typed, but for a key pasted by mistake, which is masked.
    query: String,
    users: Vec<UserView>,
}

pub(super) async fn run<R: UserRepository>(
    admin: &UserAdmin<R>,
    command: &UserCommand,
    out: Output,
) -> Result<(), Failure> {
    match command {
        UserCommand::Get { user } => {
            let user = admin.user(user).await?;
            out.result(&UserView::from(&user), &user_text(&user))
        }
        UserCommand::Search { query } => {
            let users = admin.users(query).await?;
            let text = if users.is_empty() {
                format!("no user matches '{}'", echo_safe(query))
            } else {
                users_table(&users)
            };
            let view = SearchView {
                query: redact::mask_keys(query),
                users: users.iter().map(UserView::from).collect(),
            };
            out.result(&view, &text)
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
