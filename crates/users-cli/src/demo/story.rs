//! The story itself: what an administrator does, step by step.

use std::num::NonZeroUsize;

use users_domain::{
    ApiKeySecret, Backend, Email, Error, InstanceSnapshot, Invitee, Plan, PlanOptions,
    SafetyLimits, TeamName, TeamRole, UserAdmin, UserRepository, Username, ValidatedState,
    check_safety, plan,
};

use super::{Narrator, broke, masked, unexpected};
use crate::cli::FileFormat;
use crate::commands::lifecycle::{self, Change};
use crate::commands::teams;
use crate::failure::{During, Failure};
use crate::input::Input;
use crate::output::fields;
use crate::provision::{self, Options, row_text, summary_text};
use crate::state_file::{self, FileError, Format};
use crate::views::apply::{ApplyEnd, outcome_text};
use crate::views::offboard::{plan_text, report_text};
use crate::views::plan::{Source, plan_text as state_plan_text};
use crate::views::teams::{service_account_text, team_text};
use crate::views::{key_label, keys_table, users_table};

/// The provisioning file of the story: good rows, one that exists, a
/// duplicate and a malformed one.
const BATCH: &str = "email,admin\n\
    lin@example.com,false\n\
    hopper@example.com,yes\n\
    grace@example.com,true\n\
    lin@example.com,false\n\
    not-an-email,false\n";

pub(super) async fn tell<R: Backend>(
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

    keys(admin, ada_key.clone(), narrator).await?;
    provisioning(admin, narrator).await?;
    team(admin, narrator).await?;
    guard_rails(admin, narrator).await?;
    offboarding(admin, ada_key, narrator).await?;
    desired_state(admin, narrator).await?;
    narrator.step(
        "Done",
        "the emulator shuts down; try the same commands against a server:\n\
         wbusers --base-url https://your-wandb-host whoami",
    )
}

/// Ada's keys: generate, use, rotate; the admin lists and deletes.
async fn keys<R: Backend>(
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

/// The team of the story: made with Grace as its admin, joined by Ada and
/// Alan, and given a service account for CI.
async fn team<R: Backend>(admin: &UserAdmin<R>, narrator: &mut Narrator) -> Result<(), Failure> {
    const STEP: &str = "teams";
    let research = name_of(TeamName::parse("research"))?;
    let grace = name_of(Username::parse("grace"))?;
    let made = admin
        .create_team(&research, Some(grace))
        .await
        .map_err(|e| broke(STEP, e))?;
    narrator.step(
        "Create team 'research' with Grace as its admin ('wbusers team create research --admin grace')",
        &team_text(&made),
    )?;

    let joining = [invitee("ada")?, invitee("alan@example.com")?];
    let added = teams::added(admin, &research, &joining, &TeamRole::Member).await;
    let again = teams::added(admin, &research, &joining[..1], &TeamRole::Member).await;
    let refused = match again.rows.into_iter().next().map(|row| row.outcome) {
        Some(crate::views::rows::Outcome::Failed(failure)) => failure.text(),
        _ => return Err(unexpected(STEP, "ada was added twice")),
    };
    let now = admin.team(&research).await.map_err(|e| broke(STEP, e))?;
    narrator.step(
        "Add Ada (by username) and Alan (by email) to it ('wbusers team add research ada alan@example.com')",
        &format!(
            "{}\nadding ada again is refused (exit code 5):\n{refused}\n\n{}",
            added.text(),
            team_text(&now)
        ),
    )?;

    let account = admin
        .create_service_account(&research, "nightly CI")
        .await
        .map_err(|e| broke(STEP, e))?;
    let key = match admin.service_account_key(&research, &account, None).await {
        Err(error @ Error::Unsupported { .. }) => {
            let failure = Failure::during(
                error,
                During::ServiceAccountKey {
                    account: account.label(),
                },
            );
            format!(
                "the emulator, like most servers, does not reveal a service account's key, \
                 so --with-key ends with (exit code 11):\n{}",
                failure.text()
            )
        }
        Err(error) => return Err(broke(STEP, error)),
        Ok(generated) => format!("its new key: {}", masked(&generated.secret)),
    };
    narrator.step(
        "Create a service account for CI in it ('wbusers service-account create research \"nightly CI\" --with-key')",
        &format!("{}\n{key}", service_account_text(&research, &account)),
    )
}

/// What the service refuses everywhere: the caller locking themselves out,
/// and the last active admin going.
async fn guard_rails<R: UserRepository>(
    admin: &UserAdmin<R>,
    narrator: &mut Narrator,
) -> Result<(), Failure> {
    let me = admin.viewer().await.map_err(|e| broke("guard rails", e))?;
    let rows =
        lifecycle::changed(admin, Change::Deactivate, &[invitee(me.username.as_str())?]).await;
    let refused = match rows.rows.into_iter().next().map(|row| row.outcome) {
        Some(crate::views::rows::Outcome::Failed(failure)) => failure.text(),
        _ => {
            return Err(unexpected(
                "guard rails",
                "the caller deactivated themselves",
            ));
        }
    };
    narrator.step(
        &format!(
            "The admin tries to deactivate themselves ('wbusers user deactivate {}')",
            me.username
        ),
        &format!("refused, nothing sent (exit code 10):\n{refused}"),
    )
}

/// Ada leaves: every key revoked, every team left, the account deactivated;
/// a second run finds nothing to do.
async fn offboarding<R: Backend>(
    admin: &UserAdmin<R>,
    ada_key: ApiKeySecret,
    narrator: &mut Narrator,
) -> Result<(), Failure> {
    const STEP: &str = "offboard";
    let ada = admin.user("ada").await.map_err(|e| broke(STEP, e))?;
    let plan = admin
        .plan_offboarding(&ada)
        .await
        .map_err(|e| broke(STEP, e))?;
    let planned = plan_text(&plan);
    let report = admin.offboard(plan).await;
    if !report.is_complete() {
        return Err(unexpected(STEP, "a step of the offboarding failed"));
    }
    let refused = match admin.act_as(ada_key).viewer().await {
        Err(error @ Error::Unauthenticated { .. }) => {
            format!("ada's workstation key is now refused: {error}")
        }
        Err(error) => return Err(broke(STEP, error)),
        Ok(_) => return Err(unexpected(STEP, "ada's key still authenticates")),
    };
    let ada = admin.user("ada").await.map_err(|e| broke(STEP, e))?;
    let again = admin
        .plan_offboarding(&ada)
        .await
        .map_err(|e| broke(STEP, e))?;
    if !again.is_done() {
        return Err(unexpected(STEP, "the second offboarding found work left"));
    }
    narrator.step(
        "Offboard Ada ('wbusers user offboard ada --yes'): the plan, then each step's outcome",
        &format!(
            "{planned}\n\n{}\n{refused}\nrunning it again: {}",
            report_text(&report),
            plan_text(&again)
        ),
    )
}

/// How the scene's state file is named.
const PEOPLE: &str = "people.toml";

/// The people as reviewed code: the instance exported to a file, the file
/// edited as a reviewed change would edit it, the plan, the apply, and a
/// plan again that finds nothing to do.
async fn desired_state<R: Backend>(
    admin: &UserAdmin<R>,
    narrator: &mut Narrator,
) -> Result<(), Failure> {
    const STEP: &str = "export, plan, apply";
    let exported = admin.export_state().await.map_err(|e| broke(STEP, e))?;
    let file = state_file::render(&exported, Format::Toml);
    narrator.step(
        "Export the instance's people to a state file ('wbusers export --output people.toml')",
        &file,
    )?;

    // A new user, Linus, joins team research as a viewer, and Alan becomes
    // its admin: three lines of a reviewed change.
    let alan = r#"{ who = "alan@example.com", role = "member" },"#;
    let edits = [
        (
            "\n[[teams]]",
            "\n[[users]]\nemail = \"linus@example.com\"\n\n[[teams]]",
        ),
        (
            alan,
            "{ who = \"alan@example.com\", role = \"admin\" },\n  \
             { who = \"linus@example.com\", role = \"viewer\" },",
        ),
    ];
    let mut edited = file.clone();
    for (from, to) in edits {
        if !edited.contains(from) {
            return Err(unexpected(STEP, "the export is not as the story expects"));
        }
        edited = edited.replacen(from, to, 1);
    }
    let (desired, instance, planned) = plan_file(admin, &edited).await?;
    let source = Source {
        file: PEOPLE,
        desired: &desired,
    };
    narrator.step(
        "Edit it, as a reviewed change would: Linus joins team research, Alan becomes its \
         admin; then 'wbusers plan people.toml' (exit code 9: changes pending)",
        &format!(
            "{}\n\n{}",
            diff_of(&edits),
            state_plan_text(&planned, source)
        ),
    )?;

    let checked = check_safety(&planned, &instance, &SafetyLimits::default())
        .map_err(|refusals| Failure::refused(refusals, true).while_doing(During::DemoStep(STEP)))?;
    let report = admin.apply(checked, NonZeroUsize::MIN, |_| {}).await;
    let end = ApplyEnd {
        total: planned.len(),
        counts: report.counts(),
        stopped: None,
    };
    let outcomes: Vec<String> = report
        .results
        .iter()
        .map(|(change, outcome)| outcome_text(change, outcome, source))
        .collect();
    let summary = crate::views::apply::summary_text(&end);
    Failure::applied(end).map_err(|failure| failure.while_doing(During::DemoStep(STEP)))?;
    let (desired, _, again) = plan_file(admin, &edited).await?;
    if !again.is_empty() {
        return Err(unexpected(
            STEP,
            "a plan after the apply found changes left",
        ));
    }
    let again = state_plan_text(
        &again,
        Source {
            file: PEOPLE,
            desired: &desired,
        },
    );
    narrator.step(
        "Apply it ('wbusers apply people.toml --yes'), then plan again (exit code 0)",
        &format!(
            "{}\n{summary}\n\nplanning again: {again}",
            outcomes.join("\n"),
        ),
    )
}

/// `text`, a state file of the scene, read, checked against the instance
/// and planned, as `wbusers plan` does.
async fn plan_file<R: Backend>(
    admin: &UserAdmin<R>,
    text: &str,
) -> Result<(ValidatedState, InstanceSnapshot, Plan), Failure> {
    const STEP: &str = "plan";
    let input = Input::File(PEOPLE.into());
    let fail = |problems| Failure::state_file(&input, problems).while_doing(During::DemoStep(STEP));
    let declared = state_file::parse(text, PEOPLE, Format::Toml).map_err(fail)?;
    let instance = admin
        .snapshot_for(&declared)
        .await
        .map_err(|e| broke(STEP, e))?;
    let desired = declared.validate(instance.state()).map_err(|errors| {
        fail(
            errors
                .into_iter()
                .map(|error| FileError::invalid(PEOPLE, error))
                .collect(),
        )
    })?;
    let planned = plan(&desired, &instance, &PlanOptions::default());
    Ok((desired, instance, planned))
}

/// The edits as a diff shows them: each line taken out, then each put in.
fn diff_of(edits: &[(&str, &str)]) -> String {
    let mut lines = Vec::new();
    for (from, to) in edits {
        let (from, to): (Vec<&str>, Vec<&str>) = (from.lines().collect(), to.lines().collect());
        let taken = from.iter().filter(|line| !to.contains(line));
        let put = to.iter().filter(|line| !from.contains(line));
        lines.extend(taken.map(|line| format!("- {}", line.trim())));
        lines.extend(
            put.filter(|line| !line.is_empty())
                .map(|line| format!("+ {}", line.trim())),
        );
    }
    lines.join("\n")
}

fn name_of<T, E: std::fmt::Display>(parsed: Result<T, E>) -> Result<T, Failure> {
    parsed.map_err(|e| {
        broke(
            "teams",
            Error::InvalidInput {
                reason: e.to_string(),
            },
        )
    })
}

fn invitee(text: &str) -> Result<Invitee, Failure> {
    name_of(Invitee::parse(text))
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
