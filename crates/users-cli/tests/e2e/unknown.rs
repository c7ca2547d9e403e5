//! Rows whose answer was lost and could not be settled by reading back:
//! reported `unknown`, not `failed`, and exit 7 when nothing failed.

use users_emulator::MutationKind;
use users_memory::SeedUser;

use crate::faults::{Quirk, server_seeded};
use crate::support::{Server, run, seed};

/// The standard cast and `ghost`, a user the server cannot read back by id
/// (nor the teams they are in).
fn with_a_ghost() -> Server {
    server_seeded(
        Quirk::GhostsUnreadable,
        seed().user(SeedUser::new("ghost@example.com")),
    )
}

#[test]
fn a_lifecycle_row_whose_answer_was_lost_is_unknown_and_the_command_exits_7() {
    let server = with_a_ghost();
    server.faults().lose_next_answer(MutationKind::DeleteUser);

    let text =
        run(server
            .as_admin()
            .args(["--retries", "0", "user", "deactivate", "ghost", "adam"]));

    let line = text.failed(7);
    assert!(
        line.contains("1 of 2 users has an unknown outcome"),
        "{line}"
    );
    let rows: Vec<&str> = text.stdout.lines().collect();
    assert!(
        rows[1].starts_with("ghost  unknown: outcome of deleteUser is unknown: "),
        "{rows:?}"
    );
    assert_eq!(rows[2], "adam   deactivated", "{rows:?}");
}

#[test]
fn a_team_add_whose_answer_was_lost_says_unknown_in_json() {
    let server = with_a_ghost();
    server.faults().lose_next_answer(MutationKind::CreateInvite);

    // The ghost last: once in the team, the team cannot be read back.
    let out = run(server.as_admin().args([
        "--retries",
        "0",
        "--json",
        "team",
        "add",
        "ml",
        "adam",
        "ghost",
    ]));

    assert_eq!(out.code, 7, "{out:?}");
    let json = out.json();
    assert_eq!(json["results"][0]["outcome"], "done", "{json}");
    assert_eq!(json["results"][1]["outcome"], "unknown", "{json}");
    assert_eq!(json["results"][1]["error"]["kind"], "ambiguous", "{json}");
    assert_eq!(
        json["summary"],
        serde_json::json!({"total": 2, "done": 1, "already_done": 0, "failed": 0, "unknown": 1})
    );
    let error: serde_json::Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(error["error"]["kind"], "ambiguous", "{error}");
    assert_eq!(error["error"]["exit_code"], 7, "{error}");
}

#[test]
fn a_failed_row_outranks_an_unknown_one_among_users() {
    let server = with_a_ghost();
    server.faults().lose_next_answer(MutationKind::DeleteUser);

    let text = run(server.as_admin().args([
        "--retries",
        "0",
        "user",
        "deactivate",
        "ghost",
        "nobody@example.com",
    ]));

    let line = text.failed(8);
    assert!(
        line.contains("1 of 2 users failed, and 1 has an unknown outcome"),
        "{line}"
    );
    assert!(
        text.stdout.contains("ghost               unknown: "),
        "{text:?}"
    );
}

#[test]
fn an_offboarding_step_whose_answer_was_lost_is_unknown_and_exits_7() {
    let server = with_a_ghost();
    server.faults().lose_next_answer(MutationKind::DeleteUser);

    let text =
        run(server
            .as_admin()
            .args(["--retries", "0", "user", "offboard", "ghost", "--yes"]));
    let json = run(server.as_admin().args([
        "--retries",
        "0",
        "--json",
        "user",
        "offboard",
        "ghost",
        "--yes",
    ]));

    let line = text.failed(7);
    assert!(
        line.contains(
            "offboarding ghost@example.com may be incomplete: 1 of 1 steps has an unknown outcome"
        ),
        "{line}"
    );
    let rows: Vec<&str> = text.stdout.lines().collect();
    assert!(
        rows[1].starts_with("deactivate the account  unknown: outcome of deleteUser is unknown"),
        "{rows:?}"
    );
    assert_eq!(rows.len(), 2, "no 'offboarded' line: {rows:?}");
    // The change was made: planned again, nothing is left.
    assert_eq!(json.code, 0, "{json:?}");
    assert_eq!(json.json()["complete"], true);
}
