//! The safety rails.

use super::*;
use crate::{Error, Refusal, SafetyLimits, check_safety};

fn refusals(
    desired: &DesiredState,
    current: &InstanceState,
    prune: bool,
    max: Option<usize>,
) -> Vec<Refusal> {
    let plan = plan_of(desired, current, prune);
    let limits = SafetyLimits {
        max_deactivate: max,
    };
    match check_safety(&plan, &snapshot(current.clone()), &limits) {
        Ok(_) => Vec::new(),
        Err(refusals) => refusals,
    }
}

/// An instance of root and `n` other active users, none of them admins.
fn crowd(n: usize) -> InstanceState {
    let emails: Vec<String> = (0..n).map(|i| format!("u{i}@x.io")).collect();
    let users: Vec<(&str, &str)> = emails.iter().map(|e| (e.as_str(), "user")).collect();
    instance(&users)
}

#[test]
fn the_caller_may_not_be_deactivated_or_demoted() {
    let current = instance(&[("ada@x.io", "admin")]);
    let mut desired = declared(&current);
    redeclare(&mut desired, ROOT, "off", 1);
    assert_eq!(
        refusals(&desired, &current, false, None),
        [Refusal::DeactivatesCaller { caller: key(ROOT) }]
    );
    redeclare(&mut desired, ROOT, "user", 1);
    let refused = refusals(&desired, &current, false, None);
    assert_eq!(refused, [Refusal::DemotesCaller { caller: key(ROOT) }]);
    assert_eq!(
        refused[0].to_string(),
        "the plan takes instance admin away from root@x.io, who is the caller: keep admin = true for them in the file, or have another admin apply it"
    );
}

#[test]
fn a_plan_may_not_leave_the_instance_without_an_active_admin() {
    // Acting as a caller who is not an admin (so the caller rules do not apply).
    let mut current = instance(&[("ada@x.io", "admin")]);
    current.users.get_mut(&key(ROOT)).unwrap().admin = false;
    let mut desired = declared(&current);
    redeclare(&mut desired, "ada@x.io", "off", 2);
    assert_eq!(
        refusals(&desired, &current, false, None),
        [Refusal::NoActiveAdmin]
    );
    // Making another admin in the same plan keeps one.
    desired.users.push(declare_user("new@x.io", "admin", 3));
    assert!(refusals(&desired, &current, false, None).is_empty());
}

#[test]
fn pruning_up_to_the_share_passes_and_beyond_it_asks_for_a_limit() {
    // 20 active users: root and 19 others; 10% is 2.
    let current = crowd(19);
    let mut keep_all_but_two = declared(&current);
    keep_all_but_two.users.truncate(18);
    assert!(refusals(&keep_all_but_two, &current, true, None).is_empty());
    let mut keep_all_but_three = declared(&current);
    keep_all_but_three.users.truncate(17);
    let refused = refusals(&keep_all_but_three, &current, true, None);
    assert_eq!(
        refused,
        [Refusal::TooManyDeactivations {
            count: 3,
            active: 20
        }]
    );
    assert_eq!(
        refused[0].to_string(),
        "the plan deactivates 3 of 20 active users, more than 10%: check that the file lists everyone, or pass --max-deactivate 3 to confirm"
    );
    assert!(refusals(&keep_all_but_three, &current, true, Some(3)).is_empty());
    assert_eq!(
        refusals(&keep_all_but_three, &current, true, Some(2)),
        [Refusal::OverDeactivationLimit { count: 3, max: 2 }]
    );
}

#[test]
fn deactivations_the_file_declares_need_no_limit_unless_one_is_given() {
    let current = crowd(4);
    let mut desired = declared(&current);
    for entry in &mut desired.users[1..] {
        entry.value.deactivated = true;
    }
    assert!(refusals(&desired, &current, false, None).is_empty());
    assert_eq!(
        refusals(&desired, &current, false, Some(1)),
        [Refusal::OverDeactivationLimit { count: 4, max: 1 }]
    );
}

#[test]
fn a_user_created_deactivated_is_not_counted_as_taken_away() {
    let current = crowd(1);
    let mut desired = declared(&current);
    desired.users.push(declare_user("new@x.io", "off", 9));
    assert!(refusals(&desired, &current, true, Some(0)).is_empty());
}

#[test]
fn every_refusal_is_reported_at_once_and_becomes_a_refused_error() {
    let current = crowd(1);
    let mut desired = declared(&current);
    desired.users.truncate(0);
    let refused = refusals(&desired, &current, true, None);
    assert_eq!(
        refused,
        [
            Refusal::DeactivatesCaller { caller: key(ROOT) },
            Refusal::NoActiveAdmin,
            Refusal::TooManyDeactivations {
                count: 2,
                active: 2
            },
        ]
    );
    let error = Error::from(refused[1].clone());
    assert_eq!(
        error.to_string(),
        "refused: the plan leaves the instance without an active instance admin: keep at least one active user with admin = true"
    );
}
