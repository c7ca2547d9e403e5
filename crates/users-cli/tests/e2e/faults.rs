//! Failures the emulator's own rules cannot produce, served through it by
//! wrapping the in-memory repository.

use std::sync::Arc;

use async_trait::async_trait;
use users_domain::{
    ApiKeyId, ApiKeySecret, Backend, Email, Error, ExposeSecret as _, GeneratedApiKey, Invitee,
    KeyRepository, Member, MemberId, Result, Team, TeamName, TeamRepository, TeamRole, User,
    UserId, UserRepository, Username,
};
use users_emulator::MutationKind;
use users_memory::{InMemoryWorld, Seed};

use crate::support::{Run, SENTINEL, Server, run, seed, std_command};

/// What a real server may do that the emulator's own rules never do.
#[derive(Clone, Copy)]
pub(crate) enum Quirk {
    /// Refuses every key deletion, as a server with a stricter policy might.
    NoRevoke,
    /// Leaves out of every search the users whose email starts with `ghost`,
    /// as a server slow to show a new user might.
    SlowToShow,
    /// Takes a while over each user it creates, as a busy server might.
    SlowToCreate,
    /// Cannot read a user whose email starts with `ghost` by id, nor a team
    /// with one among its members, as a server failing on some records
    /// might: a change to one whose answer was lost cannot be settled by
    /// reading back.
    GhostsUnreadable,
}

/// The answer of a [`Quirk::GhostsUnreadable`] server to a read of a ghost.
fn unreadable() -> Error {
    Error::Unavailable {
        reason: "the server cannot read this now".into(),
    }
}

/// Whether a [`Quirk::SlowToShow`] server does not show `user` yet, and a
/// [`Quirk::GhostsUnreadable`] one cannot read them.
fn is_ghost(user: &User) -> bool {
    is_ghost_email(user.email.as_ref())
}

fn is_ghost_email(email: Option<&Email>) -> bool {
    email.is_some_and(|email| email.as_str().starts_with("ghost"))
}

/// A repository that behaves as `inner` but for its [`Quirk`].
struct Quirky {
    inner: Box<dyn Backend>,
    quirk: Quirk,
}

#[async_trait]
impl UserRepository for Quirky {
    async fn viewer(&self) -> Result<User> {
        self.inner.viewer().await
    }
    async fn search_users(&self, query: &str) -> Result<Vec<User>> {
        let mut users = self.inner.search_users(query).await?;
        if let Quirk::SlowToShow = self.quirk {
            users.retain(|user| !is_ghost(user));
        }
        Ok(users)
    }
    async fn list_users(
        &self,
        query: &str,
        page: &users_domain::PageRequest,
    ) -> Result<users_domain::UserPage> {
        let mut page = self.inner.list_users(query, page).await?;
        if let Quirk::SlowToShow = self.quirk {
            page.edges.retain(|edge| !is_ghost(&edge.user));
        }
        Ok(page)
    }
    async fn user_by_id(&self, id: &UserId) -> Result<User> {
        let user = self.inner.user_by_id(id).await?;
        match self.quirk {
            Quirk::SlowToShow if is_ghost(&user) => Err(Error::NotFound {
                what: format!("user with id {id}"),
            }),
            Quirk::GhostsUnreadable if is_ghost(&user) => Err(unreadable()),
            _ => Ok(user),
        }
    }
    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        if let Quirk::SlowToCreate = self.quirk {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        self.inner.create_user(email, admin).await
    }
    async fn deactivate_user(&self, id: &UserId) -> Result<()> {
        self.inner.deactivate_user(id).await
    }
    async fn reactivate_user(&self, id: &UserId) -> Result<()> {
        self.inner.reactivate_user(id).await
    }
    async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()> {
        self.inner.set_instance_admin(id, admin).await
    }
}

#[async_trait]
impl KeyRepository for Quirky {
    async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        self.inner.generate_api_key(description).await
    }
    async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()> {
        match self.quirk {
            Quirk::NoRevoke => Err(Error::PermissionDenied {
                reason: "keys cannot be deleted on this server".into(),
            }),
            Quirk::SlowToShow | Quirk::SlowToCreate | Quirk::GhostsUnreadable => {
                self.inner.delete_api_key(id).await
            }
        }
    }
}

#[async_trait]
impl TeamRepository for Quirky {
    async fn team(&self, name: &TeamName) -> Result<Team> {
        let team = self.inner.team(name).await?;
        let mut members = team.members.iter().flatten();
        let has_ghost = members.any(|member| is_ghost_email(member.email.as_ref()));
        if matches!(self.quirk, Quirk::GhostsUnreadable) && has_ghost {
            return Err(unreadable());
        }
        Ok(team)
    }
    async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team> {
        self.inner.create_team(name, admin).await
    }
    async fn add_member(&self, team: &TeamName, invitee: &Invitee, admin: bool) -> Result<Member> {
        self.inner.add_member(team, invitee, admin).await
    }
    async fn remove_member(&self, team: &TeamName, member: &MemberId) -> Result<()> {
        self.inner.remove_member(team, member).await
    }
    async fn set_member_role(
        &self,
        team: &TeamName,
        member: &MemberId,
        role: &TeamRole,
    ) -> Result<()> {
        self.inner.set_member_role(team, member, role).await
    }
    async fn create_service_account(&self, team: &TeamName, description: &str) -> Result<Member> {
        self.inner.create_service_account(team, description).await
    }
    async fn service_account_secret(
        &self,
        team: &TeamName,
        member: &MemberId,
    ) -> Result<Option<ApiKeySecret>> {
        self.inner.service_account_secret(team, member).await
    }
}

impl Backend for Quirky {
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn Backend> {
        Box::new(Self {
            inner: self.inner.act_as(secret),
            quirk: self.quirk,
        })
    }
}

/// The standard cast, and a root admin, served with `quirk`.
fn server_with(quirk: Quirk) -> Server {
    server_seeded(quirk, seed())
}

/// The users of `seed`, and a root admin, served with `quirk`.
pub(crate) fn server_seeded(quirk: Quirk, seed: Seed) -> Server {
    let admin_key = InMemoryWorld::generate_secret();
    let world = InMemoryWorld::from_seed(
        seed.user(
            users_memory::SeedUser::new("root@example.com")
                .admin(true)
                .key(users_memory::SeedKey::new(admin_key.expose_secret())),
        ),
    )
    .unwrap();
    let inner = Box::new(world.connect(admin_key.clone()));
    Server::serving(Arc::new(Quirky { inner, quirk }), admin_key)
}

fn member_key_id(server: &Server) -> String {
    let list = run(server.as_member().args(["key", "list", "--json"])).json();
    list["keys"][0]["id"].as_str().unwrap().to_owned()
}

#[test]
fn a_rotation_whose_revocation_fails_still_prints_the_new_key_and_says_the_old_one_lives() {
    let server = server_with(Quirk::NoRevoke);
    let old_id = member_key_id(&server);

    let text = run(server.as_member().args(["key", "rotate", &old_id]));

    let line = text.failed(4);
    assert!(
        line.contains("the new key is ready but the old key"),
        "{line}"
    );
    assert!(line.contains("is still alive"), "{line}");
    assert!(
        line.contains(&format!("wbusers key delete {old_id}")),
        "{line}"
    );
    let secret = text
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("secret"))
        .unwrap()
        .trim();
    assert!(!text.stdout.contains("revoked"), "{text:?}");
    let whoami = run(server.as_key(secret).args(["whoami", "--json"]));
    assert_eq!(whoami.json()["username"], "member");
    assert!(!text.all().contains(SENTINEL));
}

#[test]
fn a_rotation_whose_revocation_fails_reports_it_in_json() {
    let server = server_with(Quirk::NoRevoke);
    let old_id = member_key_id(&server);

    let out = run(server
        .as_member()
        .args(["--json", "key", "rotate", &old_id]));

    assert_eq!(out.code, 4, "{out:?}");
    let json = out.json();
    assert_eq!(json["revoked"], false);
    assert!(
        json["revoke_error"]
            .as_str()
            .unwrap()
            .contains("cannot be deleted")
    );
    assert_eq!(json["old_key"]["id"], old_id.as_str());
    assert_eq!(json["secret"].as_str().unwrap().len(), 40);
    let error: serde_json::Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(error["error"]["kind"], "auth");
}

#[test]
fn a_provisioned_user_whose_answer_was_lost_is_found_and_reported_created() {
    let server = Server::start();
    let file = server.file("users.csv", "email\nlost@example.com\n");
    server.faults().lose_next_answer(MutationKind::CreateUser);

    let first = run(server
        .as_admin()
        .args(["--retries", "0", "provision", "--json"])
        .arg(&file));
    let again = run(server.as_admin().arg("provision").arg(&file).arg("-q"));

    assert_eq!(first.code, 0, "{first:?}");
    let lines = first.json_lines();
    let (row, summary) = (&lines[0], &lines[1]);
    assert_eq!(row["outcome"], "created");
    assert_eq!(row["username"], "lost");
    assert!(
        row["detail"].as_str().unwrap().contains("answer was lost"),
        "{row}"
    );
    assert_eq!(summary["summary"]["created"], 1);
    assert_eq!(summary["summary"]["unknown"], 0);
    assert_eq!(
        again.ok(),
        "1 rows: 0 created, 1 existed, 0 skipped, 0 failed\n"
    );
}

#[test]
fn a_lost_create_that_cannot_be_found_is_unknown_and_exits_7() {
    let server = server_with(Quirk::SlowToShow);
    let file = server.file("users.csv", "email\nghost@example.com\nnew@example.com\n");
    server.faults().lose_next_answer(MutationKind::CreateUser);

    let text = run(server
        .as_admin()
        .args(["--retries", "0", "provision", "--concurrency", "1"])
        .arg(&file));

    let line = text.failed(7);
    assert!(
        line.contains("1 of 2 rows have an unknown outcome"),
        "{line}"
    );
    assert!(line.contains("run the same command again"), "{line}");
    let ghost = text.stdout.lines().next().unwrap();
    assert_eq!(
        ghost,
        "line 2: unknown ghost@example.com (the server may or may not have created it; run \
         again to settle it)",
        "{text:?}"
    );
    assert!(
        text.stdout
            .ends_with("2 rows: 1 created, 0 existed, 0 skipped, 0 failed, 1 unknown\n"),
        "{text:?}"
    );
}

#[test]
fn a_failed_row_outranks_an_unknown_one_in_the_exit_code() {
    let server = server_with(Quirk::SlowToShow);
    let file = server.file("users.csv", "email\nghost@example.com\nnot-an-email\n");
    server.faults().lose_next_answer(MutationKind::CreateUser);

    let out = run(server
        .as_admin()
        .args(["--retries", "0", "--json", "provision"])
        .arg(&file));

    assert_eq!(out.code, 8, "{out:?}");
    let lines = out.json_lines();
    let ghost = lines.iter().find(|row| row["line"] == 2).unwrap();
    assert_eq!(ghost["outcome"], "unknown");
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["unknown"], 1);
    assert_eq!(summary["failed"], 1);
}

/// A batch of `rows` new users, as a file.
fn batch_file(server: &Server, rows: usize) -> std::path::PathBuf {
    let text: String = std::iter::once("email".to_owned())
        .chain((0..rows).map(|n| format!("slow{n}@example.com")))
        .collect::<Vec<_>>()
        .join("\n");
    server.file("users.csv", &text)
}

/// Runs `wbusers provision` on `file` with `args`, sends it `signal` once
/// its first row is reported, and returns what it printed.
fn interrupted(server: &Server, file: &std::path::Path, args: &[&str], signal: &str) -> Run {
    use std::io::{BufRead as _, Read as _};
    let mut command = server.as_admin();
    command
        .args(["provision", "--concurrency", "2"])
        .args(args)
        .arg(file);
    let mut child = std_command(&command)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    stdout.read_line(&mut printed).unwrap();
    let kill = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    stdout.read_to_string(&mut printed).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: printed,
        stderr,
    }
}

#[test]
fn a_batch_stopped_by_sigterm_reports_every_row_it_started_and_what_it_did_not() {
    let server = server_with(Quirk::SlowToCreate);
    let file = batch_file(&server, 1000);

    let out = interrupted(&server, &file, &[], "-TERM");

    let line = out.failed(130);
    let mut rows: Vec<&str> = out.stdout.lines().collect();
    let summary = rows.pop().unwrap();
    let last_started: u64 = line
        .split("any rows after line ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(
        line.starts_with(&format!("error: interrupted after {} rows: ", rows.len())),
        "{line}"
    );
    assert!(last_started < 1001, "it stopped short: {line}");
    assert!(
        rows.iter().all(|row| row.contains(": created slow")),
        "{rows:?}"
    );
    // Rows start in file order: those up to the last started were all done.
    assert_eq!(rows.len() as u64, last_started - 1, "{rows:?}");
    assert_eq!(
        summary,
        format!(
            "{} rows: {} created, 0 existed, 0 skipped, 0 failed",
            rows.len(),
            rows.len()
        )
    );
    assert_eq!(created(&server), rows.len(), "every user made is reported");
}

#[test]
fn a_batch_stopped_by_ctrl_c_ends_its_json_lines_with_where_it_stopped() {
    let server = server_with(Quirk::SlowToCreate);
    let file = batch_file(&server, 1000);

    let out = interrupted(&server, &file, &["--json"], "-INT");

    assert_eq!(out.code, 130, "{out:?}");
    let mut lines = out.json_lines();
    let summary = lines.pop().unwrap();
    let stopped = &summary["stopped"];
    assert_eq!(stopped["by"], "signal", "{summary}");
    assert_eq!(
        stopped["after_line"].as_u64().unwrap(),
        lines.len() as u64 + 1
    );
    assert_eq!(summary["summary"]["created"], lines.len());
    assert!(
        lines.iter().all(|row| row["outcome"] == "created"),
        "{lines:?}"
    );
    assert_eq!(created(&server), lines.len());
    let error: serde_json::Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(error["error"]["kind"], "interrupted");
}

#[test]
fn an_offboarding_whose_revocation_fails_does_the_other_steps_and_a_rerun_only_what_is_left() {
    let server = server_with(Quirk::NoRevoke);

    let first = run(server
        .as_admin()
        .args(["user", "offboard", "member", "--yes"]));
    let after = run(server.as_admin().args(["user", "get", "member", "--json"]));
    let again = run(server
        .as_admin()
        .args(["--json", "user", "offboard", "member", "--yes"]));

    let line = first.failed(8);
    assert!(
        line.contains("offboarding member@example.com is incomplete: 1 of 3 steps failed"),
        "{line}"
    );
    assert!(
        line.contains("wbusers user offboard member@example.com' again"),
        "{line}"
    );
    let rows: Vec<&str> = first.stdout.lines().collect();
    assert_eq!(
        rows.len(),
        4,
        "no 'offboarded' line after a failure: {first:?}"
    );
    assert!(rows[1].contains("failed: permission denied"), "{rows:?}");
    assert!(
        rows[2].ends_with("  done") && rows[3].ends_with("  done"),
        "{rows:?}"
    );
    let after = after.json();
    assert!(after["deleted_at"].is_string());
    assert_eq!(after["teams"], serde_json::json!([]));
    again.failed(8);
    let report = again.json();
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 1, "only the revocation is left: {report}");
    assert_eq!(steps[0]["step"], "revoke_key");
    assert_eq!(steps[0]["outcome"], "failed");
    assert_eq!(steps[0]["error"]["kind"], "auth");
    assert_eq!(report["complete"], false);
}

/// How many of the batch's users the server holds.
fn created(server: &Server) -> usize {
    let found = run(server.as_admin().args(["user", "search", "slow", "--json"]));
    found.json()["users"].as_array().unwrap().len()
}
