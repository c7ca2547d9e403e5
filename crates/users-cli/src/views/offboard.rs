//! An offboarding's plan and report, as text and as JSON (`docs/json.md`):
//! `user offboard` and the demo both render them here.

use serde::Serialize;
use serde_json::Value;
use users_domain::{OffboardPlan, OffboardReport, OffboardStep, StepOutcome, User};

use super::KeyView;
use super::teams::MemberView;
use crate::failure::Failure;
use crate::output::table;
use crate::views::key_label;

/// One step, with its outcome once carried out (`planned` before).
#[derive(Debug, Serialize)]
struct StepView<'s> {
    step: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<KeyView<'s>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<&'s str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<MemberView<'s>>,
    outcome: &'static str,
    error: Option<Value>,
}

impl<'s> StepView<'s> {
    fn of(step: &'s OffboardStep, outcome: Option<&StepOutcome>) -> Self {
        let (name, key, team, member) = match step {
            OffboardStep::RevokeKey(key) => ("revoke_key", Some(KeyView::from(key)), None, None),
            OffboardStep::LeaveTeam { team, member } => (
                "leave_team",
                None,
                Some(team.as_str()),
                Some(MemberView::from(member)),
            ),
            OffboardStep::Demote => ("demote", None, None, None),
            OffboardStep::Deactivate => ("deactivate", None, None, None),
        };
        let (outcome, error) = match outcome {
            None => ("planned", None),
            Some(StepOutcome::Done) => ("done", None),
            Some(StepOutcome::AlreadyDone) => ("already_done", None),
            Some(StepOutcome::Failed(error)) => {
                ("failed", Some(Failure::from(error.clone()).json_body()))
            }
            Some(StepOutcome::Unknown(error)) => {
                ("unknown", Some(Failure::from(error.clone()).json_body()))
            }
        };
        Self {
            step: name,
            key,
            team,
            member,
            outcome,
            error,
        }
    }
}

/// The document of `user offboard`, planned (`--dry-run`) or carried out.
#[derive(Debug, Serialize)]
pub(crate) struct OffboardView<'p> {
    user: String,
    username: &'p str,
    dry_run: bool,
    steps: Vec<StepView<'p>>,
    /// Whether the user is offboarded now: nothing was left to do, or every
    /// step was done.
    complete: bool,
}

impl<'p> OffboardView<'p> {
    /// The plan, as `--dry-run` shows it (or, empty, as nothing left to do).
    pub(crate) fn planned(plan: &'p OffboardPlan, dry_run: bool) -> Self {
        Self {
            user: plan.user.label(),
            username: plan.user.username.as_str(),
            dry_run,
            steps: plan
                .steps
                .iter()
                .map(|step| StepView::of(step, None))
                .collect(),
            complete: plan.is_done(),
        }
    }

    /// What was done.
    pub(crate) fn reported(report: &'p OffboardReport) -> Self {
        Self {
            user: report.user.label(),
            username: report.user.username.as_str(),
            dry_run: false,
            steps: report
                .steps
                .iter()
                .map(|(step, outcome)| StepView::of(step, Some(outcome)))
                .collect(),
            complete: report.is_complete(),
        }
    }
}

/// A step in words.
pub(crate) fn step_text(step: &OffboardStep) -> String {
    match step {
        OffboardStep::RevokeKey(key) => format!("revoke api key {}", key_label(key)),
        OffboardStep::LeaveTeam { team, member } => {
            format!("leave team {team} (role {})", member.role)
        }
        OffboardStep::Demote => "take instance admin away".to_owned(),
        OffboardStep::Deactivate => "deactivate the account".to_owned(),
    }
}

/// What an offboarding will do, a numbered step a line.
pub(crate) fn plan_text(plan: &OffboardPlan) -> String {
    if plan.is_done() {
        return nothing_left_text(&plan.user);
    }
    let steps: Vec<String> = plan
        .steps
        .iter()
        .enumerate()
        .map(|(n, step)| format!("  {}. {}", n + 1, step_text(step)))
        .collect();
    format!(
        "offboarding {} will:\n{}",
        plan.user.label(),
        steps.join("\n")
    )
}

/// What a finished offboarding leaves.
pub(crate) fn nothing_left_text(user: &User) -> String {
    format!(
        "nothing left to do: {} is deactivated, in no team and holds no api key",
        user.label()
    )
}

/// The outcome of a step in words.
fn outcome_text(outcome: &StepOutcome) -> String {
    match outcome {
        StepOutcome::Done => "done".to_owned(),
        StepOutcome::AlreadyDone => "already done".to_owned(),
        StepOutcome::Failed(error) => {
            format!("failed: {}", Failure::from(error.clone()).line().message)
        }
        StepOutcome::Unknown(error) => {
            format!("unknown: {}", Failure::from(error.clone()).line().message)
        }
    }
}

/// Every step with how it went, as a table; then, if every step went
/// through, what the user is left as.
pub(crate) fn report_text(report: &OffboardReport) -> String {
    let rows: Vec<Vec<String>> = report
        .steps
        .iter()
        .map(|(step, outcome)| vec![step_text(step), outcome_text(outcome)])
        .collect();
    let steps = table(&["STEP", "OUTCOME"], &rows);
    if report.is_complete() {
        format!(
            "{steps}\n{} is offboarded: deactivated, in no team, holding no api key",
            report.user.label()
        )
    } else {
        steps
    }
}

#[cfg(test)]
mod tests {
    use users_domain::{Error, TeamName, TeamRole};

    use super::*;
    use crate::fixture;

    fn plan() -> OffboardPlan {
        OffboardPlan {
            user: fixture::user("ada", Some(&["laptop"]), false),
            steps: vec![
                OffboardStep::RevokeKey(fixture::key("laptop")),
                OffboardStep::LeaveTeam {
                    team: TeamName::parse("ml").unwrap(),
                    member: fixture::member("ada", TeamRole::Member),
                },
                OffboardStep::Deactivate,
            ],
        }
    }

    #[test]
    fn a_plan_is_a_numbered_step_a_line() {
        assert_eq!(
            plan_text(&plan()),
            "offboarding ada will:\n  \
             1. revoke api key laptop (id id-laptop)\n  \
             2. leave team ml (role member)\n  \
             3. deactivate the account"
        );
    }

    #[test]
    fn a_plan_with_no_steps_says_nothing_is_left() {
        let done = OffboardPlan {
            steps: Vec::new(),
            ..plan()
        };
        assert_eq!(
            plan_text(&done),
            "nothing left to do: ada is deactivated, in no team and holds no api key"
        );
        let json = serde_json::to_value(OffboardView::planned(&done, false)).unwrap();
        assert_eq!(json["steps"], serde_json::json!([]));
        assert_eq!(json["complete"], true);
    }

    #[test]
    fn a_report_tells_each_step_s_outcome_and_only_a_whole_one_says_offboarded() {
        let steps = plan().steps;
        let report = OffboardReport {
            user: plan().user,
            steps: vec![
                (steps[0].clone(), StepOutcome::Done),
                (steps[1].clone(), StepOutcome::AlreadyDone),
                (
                    steps[2].clone(),
                    StepOutcome::Failed(Error::PermissionDenied {
                        reason: "only admins".into(),
                    }),
                ),
            ],
        };

        let text = report_text(&report);
        let json = serde_json::to_value(OffboardView::reported(&report)).unwrap();

        assert_eq!(
            text,
            "STEP                                  OUTCOME\n\
             revoke api key laptop (id id-laptop)  done\n\
             leave team ml (role member)           already done\n\
             deactivate the account                failed: permission denied: only admins"
        );
        assert_eq!(json["complete"], false);
        assert_eq!(json["steps"][0]["step"], "revoke_key");
        assert_eq!(json["steps"][0]["key"]["id"], "id-laptop");
        assert_eq!(json["steps"][1]["team"], "ml");
        assert_eq!(json["steps"][1]["member"]["role"], "member");
        assert_eq!(json["steps"][1]["outcome"], "already_done");
        assert_eq!(
            json["steps"][2],
            serde_json::json!({
                "step": "deactivate",
                "outcome": "failed",
                "error": {
                    "kind": "auth", "exit_code": 4,
                    "message": "permission denied: only admins",
                    "hint": "use an instance admin's API key"
                }
            })
        );
    }

    #[test]
    fn a_whole_report_ends_with_what_the_user_is_left_as() {
        let report = OffboardReport {
            user: plan().user,
            steps: vec![(OffboardStep::Deactivate, StepOutcome::Done)],
        };
        assert!(
            report_text(&report)
                .ends_with("\nada is offboarded: deactivated, in no team, holding no api key")
        );
    }

    #[test]
    fn an_admin_s_demotion_is_a_step_and_a_lost_answer_is_unknown_in_text_and_json() {
        let report = OffboardReport {
            user: plan().user,
            steps: vec![
                (
                    OffboardStep::Demote,
                    StepOutcome::Unknown(Error::Ambiguous {
                        operation: "updateUser".into(),
                        reason: "no answer".into(),
                    }),
                ),
                (OffboardStep::Deactivate, StepOutcome::Done),
            ],
        };
        let planned = OffboardPlan {
            steps: vec![OffboardStep::Demote, OffboardStep::Deactivate],
            ..plan()
        };

        let text = report_text(&report);
        let json = serde_json::to_value(OffboardView::reported(&report)).unwrap();

        assert_eq!(
            plan_text(&planned),
            "offboarding ada will:\n  1. take instance admin away\n  2. deactivate the account"
        );
        assert_eq!(
            text,
            "STEP                      OUTCOME\n\
             take instance admin away  unknown: outcome of updateUser is unknown: no answer\n\
             deactivate the account    done"
        );
        assert_eq!(json["complete"], false);
        assert_eq!(json["steps"][0]["step"], "demote");
        assert_eq!(json["steps"][0]["outcome"], "unknown");
        assert_eq!(json["steps"][0]["error"]["kind"], "ambiguous");
        assert_eq!(json["steps"][0]["error"]["exit_code"], 7);
        let planned = serde_json::to_value(OffboardView::planned(&planned, true)).unwrap();
        assert_eq!(
            planned["steps"][0],
            serde_json::json!({"step": "demote", "outcome": "planned", "error": null})
        );
    }
}
