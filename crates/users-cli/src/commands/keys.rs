//! `key list|generate|delete|rotate`. A secret is printed here and nowhere
//! else: by `generate` and `rotate`, once, on purpose, and before anything
//! depends on it having been seen: a new key whose secret could not be
//! printed is revoked again, and `rotate` revokes the old key only once the
//! new secret is out.

use serde::Serialize;
use users_domain::{
    ApiKey, ApiKeySecret, ExposeSecret as _, GeneratedApiKey, KeyRepository, User, UserAdmin,
    UserRepository, find_key,
};

use crate::cli::KeyCommand;
use crate::failure::{During, Failure};
use crate::output::{JsonFields, Output, fields, write_out};
use crate::views::{Each, KeyView, key_label, keys_table};

pub(super) const SHOWN_ONCE: &str =
    "store the secret now: it is shown this once and cannot be retrieved again";

#[derive(Serialize)]
struct KeyListView<'a> {
    user: String,
    keys: Each<'a, ApiKey>,
}

#[derive(Serialize)]
struct GeneratedView<'a> {
    key: KeyView<'a>,
    secret: &'a str,
}

#[derive(Serialize)]
struct DeletedView<'a> {
    user: String,
    deleted: KeyView<'a>,
}

pub(super) async fn run<R: UserRepository + KeyRepository>(
    admin: &UserAdmin<R>,
    command: &KeyCommand,
    out: Output,
) -> Result<(), Failure> {
    match command {
        KeyCommand::List {
            all: true,
            page_size,
            ..
        } => super::audit::run(admin, page_size.unwrap_or_default(), out).await,
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
                keys: Each(keys),
            };
            out.result(&view, &text)
        }
        KeyCommand::Generate { description } => {
            let generated = admin.generate_api_key(description.as_deref()).await?;
            let view = GeneratedView {
                key: KeyView::from(&generated.key),
                secret: generated.secret.expose_secret(),
            };
            if let Err(error) = out.emit(&view, &generated_text(&generated, out)) {
                let revoked = admin.delete_api_key(&generated.key.id).await;
                return Err(Failure::secret_not_shown(
                    error,
                    generated.key,
                    revoked,
                    None,
                ));
            }
            out.note(SHOWN_ONCE);
            Ok(())
        }
        KeyCommand::Delete { key, user } => {
            refuse_a_secret(key)?;
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
            refuse_a_secret(key)?;
            rotate(admin, key, description.as_deref(), out).await
        }
    }
}

/// `key rotate`, as [`UserAdmin::rotate_api_key`] does it but for the order:
/// generate, print the new secret, and only then revoke the old key. A new
/// secret that cannot be printed is revoked, and the old key kept.
async fn rotate<R: UserRepository + KeyRepository>(
    admin: &UserAdmin<R>,
    name_or_id: &str,
    description: Option<&str>,
    out: Output,
) -> Result<(), Failure> {
    let viewer = admin.viewer().await?;
    let old_key = find_key(&viewer, name_or_id)?.clone();
    let new_key = admin
        .generate_api_key(description.or(old_key.description.as_deref()))
        .await?;
    // The document's first fields, or the text's first lines, hold the secret.
    let mut json = JsonFields::new(out);
    let shown = if out.json {
        json.field("key", &KeyView::from(&new_key.key))
            .and_then(|()| json.field("secret", &new_key.secret.expose_secret()))
            .and_then(|()| json.field("old_key", &KeyView::from(&old_key)))
    } else {
        write_out(&generated_text(&new_key, out))
    };
    if let Err(error) = shown {
        let revoked = admin.delete_api_key(&new_key.key.id).await;
        return Err(Failure::secret_not_shown(
            error,
            new_key.key,
            revoked,
            Some(old_key),
        ));
    }
    let revoked = admin.delete_api_key(&old_key.id).await;
    let rest = if out.json {
        json.field("revoked", &revoked.is_ok())
            .and_then(|()| {
                json.field(
                    "revoke_error",
                    &revoked.as_ref().err().map(ToString::to_string),
                )
            })
            .and_then(|()| json.end())
    } else if revoked.is_ok() && !out.quiet {
        write_out(&fields(&[("revoked", key_label(&old_key))]))
    } else {
        Ok(())
    };
    out.note(SHOWN_ONCE);
    match (revoked, rest) {
        (Err(error), _) => Err(Failure::during(error, During::RevokingOldKey(old_key))),
        (Ok(()), Err(error)) => Err(Failure::output_cut(&error)),
        (Ok(()), Ok(())) => Ok(()),
    }
}

/// A secret typed as `key delete|rotate NAME_OR_ID` (a legacy server names a
/// key by its secret) is refused unsent; see [`Failure::key_as_argument`].
fn refuse_a_secret(name_or_id: &str) -> Result<(), Failure> {
    if ApiKeySecret::is_key_shaped(name_or_id.trim()) {
        return Err(Failure::key_as_argument());
    }
    Ok(())
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

/// With `--quiet`, the secret alone, so that `$(wbusers key generate -q)` is
/// the key. The labels are as wide as `key rotate`'s `revoked` line after.
pub(super) fn generated_text(generated: &GeneratedApiKey, out: Output) -> String {
    let secret = generated.secret.expose_secret();
    if out.quiet {
        return secret.to_owned();
    }
    fields(&[
        ("new key", key_label(&generated.key)),
        ("secret", secret.to_owned()),
    ])
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
