//! `key list|generate|delete|rotate`. A secret is printed here and nowhere
//! else: by `generate` and `rotate`, once, on purpose.

use serde::Serialize;
use users_domain::{ExposeSecret as _, GeneratedApiKey, User, UserAdmin, UserRepository};

use crate::cli::KeyCommand;
use crate::failure::{During, Failure};
use crate::output::{Output, fields};
use crate::views::{KeyView, key_label, keys_table};

const SHOWN_ONCE: &str =
    "store the secret now: it is shown this once and cannot be retrieved again";

#[derive(Serialize)]
struct KeyListView {
    user: String,
    keys: Vec<KeyView>,
}

#[derive(Serialize)]
struct GeneratedView {
    key: KeyView,
    secret: String,
}

#[derive(Serialize)]
struct DeletedView {
    user: String,
    deleted: KeyView,
}

#[derive(Serialize)]
struct RotatedView {
    key: KeyView,
    secret: String,
    old_key: KeyView,
    revoked: bool,
    revoke_error: Option<String>,
}

pub(super) async fn run<R: UserRepository>(
    admin: &UserAdmin<R>,
    command: &KeyCommand,
    out: Output,
) -> Result<(), Failure> {
    match command {
        KeyCommand::List { all: true, .. } => super::audit::run(admin, out).await,
        KeyCommand::List { user, .. } => {
            let owner = owner(admin, user.as_deref()).await?;
            let keys = owner.listed_keys()?;
            let text = if keys.is_empty() {
                format!("{} has no api keys", owner.label())
            } else {
                keys_table(keys)
            };
            let view = KeyListView {
                user: owner.label(),
                keys: keys.iter().map(KeyView::from).collect(),
            };
            out.result(&view, &text)
        }
        KeyCommand::Generate { description } => {
            let generated = admin.generate_api_key(description.as_deref()).await?;
            let view = GeneratedView {
                key: KeyView::from(&generated.key),
                secret: generated.secret.expose_secret().to_owned(),
            };
            out.result(&view, &generated_text(&generated, out, None))?;
            out.note(SHOWN_ONCE);
            Ok(())
        }
        KeyCommand::Delete { key, user } => {
            let owner = owner(admin, user.as_deref()).await?;
            let deleted = admin.delete_api_key_by_name(&owner, key).await?;
            let text = format!(
                "deleted api key {} of {}",
                key_label(&deleted),
                owner.label()
            );
            let view = DeletedView {
                user: owner.label(),
                deleted: KeyView::from(&deleted),
            };
            out.result(&view, &text)
        }
        KeyCommand::Rotate { key, description } => {
            let rotation = admin.rotate_api_key(key, description.as_deref()).await?;
            let view = RotatedView {
                key: KeyView::from(&rotation.new_key.key),
                secret: rotation.new_key.secret.expose_secret().to_owned(),
                old_key: KeyView::from(&rotation.old_key),
                revoked: rotation.revoked.is_ok(),
                revoke_error: rotation.revoked.as_ref().err().map(ToString::to_string),
            };
            let revoked = rotation
                .revoked
                .is_ok()
                .then(|| ("revoked", key_label(&rotation.old_key)));
            out.result(&view, &generated_text(&rotation.new_key, out, revoked))?;
            out.note(SHOWN_ONCE);
            match rotation.revoked {
                Ok(()) => Ok(()),
                Err(error) => Err(Failure::during(
                    error,
                    During::RevokingOldKey(rotation.old_key),
                )),
            }
        }
    }
}

/// The user named by `--user`, else the caller.
async fn owner<R: UserRepository>(
    admin: &UserAdmin<R>,
    user: Option<&str>,
) -> Result<User, Failure> {
    Ok(match user {
        Some(user) => admin.user(user).await?,
        None => admin.viewer().await?,
    })
}

/// With `--quiet`, the secret alone, so that `$(wbusers key generate -q)` is the key.
fn generated_text(
    generated: &GeneratedApiKey,
    out: Output,
    more: Option<(&str, String)>,
) -> String {
    let secret = generated.secret.expose_secret();
    if out.quiet {
        return secret.to_owned();
    }
    let mut pairs = vec![
        ("new key", key_label(&generated.key)),
        ("secret", secret.to_owned()),
    ];
    pairs.extend(more);
    fields(&pairs)
}

#[cfg(test)]
mod tests {
    use users_graphql::SDK_USER_AGENT;

    use super::*;
    use crate::exit::Exit;
    use crate::fixture;

    #[test]
    fn keys_not_listed_by_the_server_suggest_the_sdks_user_agent() {
        let user = fixture::user("ada", None, false);
        let error = users_domain::find_key(&user, "ci").unwrap_err();

        let line = Failure::from(error).line();

        assert_eq!(line.exit, Exit::Unavailable);
        let hint = line.hint.unwrap();
        assert!(
            hint.contains(&format!("--user-agent '{SDK_USER_AGENT}'")),
            "{hint}"
        );
    }

    #[test]
    fn other_key_failures_keep_their_own_hint() {
        let user = fixture::user("ada", Some(&["laptop"]), false);
        let error = users_domain::find_key(&user, "ci").unwrap_err();

        let line = Failure::from(error).line();

        assert_eq!(line.exit, Exit::NotFound);
        assert!(!line.hint.unwrap().contains("--user-agent"));
    }
}
