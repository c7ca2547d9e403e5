//! The story itself: what an administrator does, step by step.

use users_domain::{ApiKeySecret, Email, Error, UserAdmin, UserRepository};

use super::{Narrator, broke, masked, unexpected};
use crate::cli::FileFormat;
use crate::failure::Failure;
use crate::output::fields;
use crate::provision::{self, Options, row_text, summary_text};
use crate::views::{key_label, keys_table, users_table};

/// The provisioning file of the story: good rows, one that exists, a
/// duplicate and a malformed one.
const BATCH: &str = "email,admin\n\
    lin@example.com,false\n\
    hopper@example.com,yes\n\
    grace@example.com,true\n\
    lin@example.com,false\n\
    not-an-email,false\n";

pub(super) async fn tell<R: UserRepository>(
    admin: &UserAdmin<R>,
    ada_key: ApiKeySecret,
    base_url: &str,
    narrator: &mut Narrator,
) -> Result<(), Failure> {
    narrator.step(
        "Start a W&B emulator in this process",
        &format!(
            "listening on {base_url}\n\
             every call below is GraphQL over HTTP through the users-graphql adapter,\n\
             exactly as against a real W&B server"
        ),
    )?;

    let me = admin.viewer().await.map_err(|e| broke("whoami", e))?;
    narrator.step(
        "whoami, with the emulator's admin key",
        &fields(&[
            ("username", me.username.to_string()),
            ("email", me.label()),
            ("admin", crate::output::yes_no(me.admin)),
        ]),
    )?;

    let mut created = Vec::new();
    for (email, is_admin) in [("grace@example.com", true), ("alan@example.com", false)] {
        let user = admin
            .create_user(&email_of(email)?, is_admin)
            .await
            .map_err(|e| broke("create users", e))?;
        let role = if user.admin {
            ", an instance admin"
        } else {
            ""
        };
        created.push(format!(
            "created {} (username {}){role}",
            user.label(),
            user.username
        ));
    }
    match admin
        .create_user(&email_of("alan@example.com")?, false)
        .await
    {
        Err(error @ Error::AlreadyExists { .. }) => created.push(format!(
            "creating alan@example.com again is refused (the CLI exits with code 5): {error}"
        )),
        Err(error) => return Err(broke("create users", error)),
        Ok(_) => {
            return Err(unexpected(
                "create users",
                "alan@example.com was created twice",
            ));
        }
    }
    narrator.step("Create users", &created.join("\n"))?;

    let found = admin
        .users("example.com")
        .await
        .map_err(|e| broke("search", e))?;
    narrator.step("Search users matching 'example.com'", &users_table(&found))?;

    keys(admin, ada_key, narrator).await?;
    provisioning(admin, narrator).await?;
    narrator.step(
        "Done",
        "the emulator shuts down; try the same commands against a server:\n\
         wbusers --base-url https://your-wandb-host whoami",
    )
}

/// Ada's keys: generate, use, rotate; the admin lists and deletes.
async fn keys<R: UserRepository>(
    admin: &UserAdmin<R>,
    ada_key: ApiKeySecret,
    narrator: &mut Narrator,
) -> Result<(), Failure> {
    let ada = admin.act_as(ada_key);
    let generated = ada
        .generate_api_key(Some("demo laptop"))
        .await
        .map_err(|e| broke("generate a key", e))?;
    narrator.step(
        "Ada generates a key for herself (W&B makes keys only for the caller)",
        &fields(&[
            ("new key", key_label(&generated.key)),
            (
                "secret",
                format!(
                    "{} (masked here; 'wbusers key generate' prints it in full, once)",
                    masked(&generated.secret)
                ),
            ),
        ]),
    )?;

    let laptop = admin.act_as(generated.secret.clone());
    let holder = laptop.viewer().await.map_err(|e| broke("act as", e))?;
    narrator.step(
        "Act as the holder of the new key",
        &format!(
            "the new key authenticates as {} (username {})",
            holder.label(),
            holder.username
        ),
    )?;

    let rotation = laptop
        .rotate_api_key(generated.key.id.as_str(), None)
        .await
        .map_err(|e| broke("rotate", e))?;
    rotation.revoked.clone().map_err(|e| broke("rotate", e))?;
    let old_refused = match laptop.viewer().await {
        Err(error @ Error::Unauthenticated { .. }) => {
            format!("the old key is now refused: {error}")
        }
        Err(error) => return Err(broke("rotate", error)),
        Ok(_) => return Err(unexpected("rotate", "the revoked key still authenticates")),
    };
    narrator.step(
        "Ada rotates that key: a new one first, then the old one is revoked",
        &format!(
            "{}\n{old_refused}",
            fields(&[
                ("new key", key_label(&rotation.new_key.key)),
                (
                    "secret",
                    format!("{} (masked)", masked(&rotation.new_key.secret))
                ),
                ("revoked", key_label(&rotation.old_key)),
            ]),
        ),
    )?;

    let ada_user = admin.user("ada").await.map_err(|e| broke("list keys", e))?;
    let keys = ada_user.api_keys.clone().unwrap_or_default();
    narrator.step(
        "The admin lists Ada's keys (names only, never secrets)",
        &keys_table(&keys),
    )?;

    // By id: a label need not be unique, an id is.
    let deleted = admin
        .delete_api_key_by_name(&ada_user, rotation.new_key.key.id.as_str())
        .await
        .map_err(|e| broke("delete a key", e))?;
    let ada_user = admin
        .user("ada")
        .await
        .map_err(|e| broke("delete a key", e))?;
    narrator.step(
        "The admin deletes Ada's rotated key",
        &format!(
            "deleted {}\n{}",
            key_label(&deleted),
            keys_table(ada_user.api_keys.as_deref().unwrap_or_default())
        ),
    )
}

/// A provisioning batch, run twice to show that a rerun creates nothing.
async fn provisioning<R: UserRepository>(
    admin: &UserAdmin<R>,
    narrator: &mut Narrator,
) -> Result<(), Failure> {
    let rows = provision::parse::parse(BATCH.as_bytes(), FileFormat::Csv)
        .map_err(|e| broke("provision", Error::InvalidInput { reason: e }))?;
    let options = Options {
        dry_run: false,
        concurrency: 4,
    };
    let (first, first_rows) = provision::run_rows(admin, rows.clone(), options).await;
    let (again, _) = provision::run_rows(admin, rows, options).await;
    let (first_counts, again_counts) = (first.counts, again.counts);
    if again_counts.created != 0 || first_counts.failed != again_counts.failed {
        return Err(unexpected("provision", "the rerun changed something"));
    }
    narrator.step(
        "Provision a batch: good rows, an existing user, a duplicate, a malformed row",
        &format!(
            "{}\n{}\nrunning it again creates nothing: {} existed, the same {} row(s) fail\n\
             (the CLI exits with code 8 when a row fails)",
            BATCH
                .lines()
                .map(|line| format!("> {line}"))
                .collect::<Vec<_>>()
                .join("\n"),
            first_rows
                .iter()
                .map(row_text)
                .chain([summary_text(&first)])
                .collect::<Vec<_>>()
                .join("\n"),
            again_counts.existed,
            again_counts.failed,
        ),
    )
}

fn email_of(text: &str) -> Result<Email, Failure> {
    Email::parse(text).map_err(|e| {
        broke(
            "create users",
            Error::InvalidInput {
                reason: e.to_string(),
            },
        )
    })
}
