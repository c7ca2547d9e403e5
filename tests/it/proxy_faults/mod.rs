//! Every mutation of the contract suite through every fault of a real TCP
//! proxy between the GraphQL adapter and the emulator
//! ([`crate::support::fault_proxy`]), with the invariants checked against
//! what the emulator really holds afterwards:
//!
//! - no mutation executed twice (counted where the proxy forwards to the
//!   emulator), and no user created twice;
//! - no key left alive that the caller does not hold (unless the outcome is
//!   `Ambiguous` and names the key, by tag or id, for the caller to revoke:
//!   the port's contract allows that only when the adapter could not make sure);
//! - every outcome either definite and true (the emulator agrees) or `Ambiguous`.
//!
//! Each cell runs on its own emulator and proxy, a few cells at a time; the
//! matrix (fault × operation → outcome, and `sent/forwarded`: how many
//! requests of the faulted operation the adapter sent and the emulator got)
//! is printed to stderr. A cell known to fail is listed in
//! [`KNOWN_FAILURES`], which the test checks both ways.

mod cell;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use self::cell::{CONTROL_SUCCEEDS, FAULT_ON_REUSED, Op, Stage, Violation, check, keys_left};
use crate::support::fault_proxy::Fault;

/// A row of the matrix: a fault on the first request of each column's
/// operation, and possibly more on the requests that follow it.
#[derive(Clone)]
struct Row {
    name: String,
    fault: Option<Fault>,
    /// Faults on later requests (a generate's reconciliation): the
    /// operation, its nth request (`None`: every one), the fault.
    then: Vec<(&'static str, Option<usize>, Fault)>,
    ops: &'static [Op],
    /// Whether the faulted request goes out on a connection the adapter
    /// reuses from its pool (a query is sent first to open it).
    reused: bool,
    /// Whether every call must succeed: nothing in the way, or a refusal the
    /// adapter may safely re-send (a 429 never reached the server).
    succeeds: bool,
}

impl Row {
    fn single(fault: Fault) -> Self {
        Self {
            name: fault.to_string(),
            fault: Some(fault),
            then: Vec::new(),
            ops: &Op::ALL,
            reused: false,
            succeeds: false,
        }
    }

    fn waits_out_the_timeout(&self) -> bool {
        matches!(
            self.fault,
            Some(Fault::HoldUntilClientGivesUp | Fault::HoldAnswerUntilClientGivesUp)
        )
    }

    /// `fault` on a request sent on a pooled connection.
    fn reused(fault: Fault) -> Self {
        Self {
            name: format!("{fault}, reused connection"),
            reused: true,
            ..Self::single(fault)
        }
    }

    /// A fault on the generate, then `then` on its reconciliation.
    fn reconciling(
        name: &str,
        fault: Fault,
        then: Vec<(&'static str, Option<usize>, Fault)>,
    ) -> Self {
        Self {
            name: name.to_owned(),
            then,
            ops: &Op::GENERATING,
            ..Self::single(fault)
        }
    }
}

fn rows() -> Vec<Row> {
    let gateway = |status, retry_after, after_forwarding| {
        Row::single(Fault::Gateway {
            status,
            retry_after,
            after_forwarding,
        })
    };
    vec![
        Row {
            name: "none (control)".to_owned(),
            fault: None,
            then: Vec::new(),
            ops: &Op::ALL,
            reused: false,
            succeeds: true,
        },
        Row::single(Fault::ResetBeforeForwarding),
        Row::single(Fault::DropAnswer),
        Row::single(Fault::ResetAfterForwarding),
        Row::single(Fault::Delay { ms: 100 }),
        Row::single(Fault::HoldUntilClientGivesUp),
        Row::single(Fault::HoldAnswerUntilClientGivesUp),
        Row::single(Fault::Truncate),
        Row::single(Fault::CloseMidHeaders),
        Row::reused(Fault::ResetBeforeForwarding),
        Row::reused(Fault::DropAnswer),
        Row::reused(Fault::CloseMidHeaders),
        gateway(502, None, false),
        gateway(502, Some(1), false),
        gateway(503, None, false),
        gateway(503, Some(1), false),
        gateway(502, None, true),
        gateway(502, Some(1), true),
        gateway(503, None, true),
        gateway(503, Some(1), true),
        gateway(504, None, true),
        gateway(200, None, false),
        gateway(200, None, true),
        Row {
            succeeds: true,
            ..gateway(429, Some(0), false)
        },
        Row::reconciling(
            "drop answer; every listing 503",
            Fault::DropAnswer,
            vec![(
                "ViewerApiKeys",
                None,
                Fault::Gateway {
                    status: 503,
                    retry_after: None,
                    after_forwarding: false,
                },
            )],
        ),
        Row::reconciling(
            "drop answer; revoke reset unsent",
            Fault::DropAnswer,
            vec![("DeleteApiKey", Some(1), Fault::ResetBeforeForwarding)],
        ),
        Row::reconciling(
            "drop answer; revoke answer lost",
            Fault::DropAnswer,
            vec![("DeleteApiKey", Some(1), Fault::DropAnswer)],
        ),
        Row::reconciling(
            "past timeout; listing truncated",
            Fault::HoldAnswerUntilClientGivesUp,
            vec![("ViewerApiKeys", Some(1), Fault::Truncate)],
        ),
    ]
}

/// Cells that break an invariant today, by row name, column and invariant:
/// each must still fail (remove it once fixed), and no other may.
const KNOWN_FAILURES: &[(&str, Op, &str)] = &[];

/// How many cells run at once.
const CELLS_AT_ONCE: usize = 8;
/// How many times a cell that must meet a reused connection is tried: the
/// adapter's pool may open a new one rather than wait for the idle one.
const REUSE_TRIES: usize = 3;

/// One cell's result.
struct Cell {
    row: usize,
    op: Op,
    label: String,
    violations: Vec<Violation>,
    /// The row's fault was to meet a reused connection, and met a new one.
    missed_reuse: bool,
}

async fn run_cell(index: usize, row: &Row, op: Op) -> Cell {
    for _ in 1..REUSE_TRIES {
        let cell = try_cell(index, row, op).await;
        if !cell.missed_reuse {
            return cell;
        }
    }
    try_cell(index, row, op).await
}

async fn try_cell(index: usize, row: &Row, op: Op) -> Cell {
    let stage = Stage::start().await;
    let before = stage.snapshot().await;
    if let Some(fault) = row.fault {
        stage.proxy.arm(op.target(), 1, fault);
    }
    for &(operation, nth, fault) in &row.then {
        match nth {
            Some(nth) => stage.proxy.arm(operation, nth, fault),
            None => stage.proxy.arm_every(operation, fault),
        }
    }

    if row.reused {
        stage.open_a_connection().await;
    }

    let outcome = stage.run(op, &before.spare()).await;

    let seen = stage.proxy.settled().await;
    let after = stage.snapshot().await;
    let mut violations = check(&stage, &outcome, &before, &after, &seen).await;
    let faulted = seen.iter().find(|request| request.fault.is_some());
    let missed_reuse = row.reused && !faulted.is_some_and(|request| request.reused);
    if missed_reuse {
        violations.push(Violation {
            invariant: FAULT_ON_REUSED,
            detail: "the faulted request came on a new connection".to_owned(),
        });
    }
    if row.succeeds && !outcome.is_whole_success() {
        violations.push(Violation {
            invariant: CONTROL_SUCCEEDS,
            detail: format!("it came to {}", outcome.label()),
        });
    }
    let target = |forwarded: bool| {
        seen.iter()
            .filter(|request| request.operation == op.target() && (!forwarded || request.forwarded))
            .count()
    };
    // A key left alive for the caller to revoke (named by an `Ambiguous`).
    let left = match keys_left(&outcome, &before, &after) {
        0 => "",
        _ => " key left",
    };
    Cell {
        row: index,
        op,
        label: format!(
            "{}{left} {}/{}",
            outcome.label(),
            target(false),
            target(true)
        ),
        violations,
        missed_reuse,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mutation_through_every_fault_keeps_the_invariants() {
    let started = Instant::now();
    let rows = rows();
    // A few cells at a time, the slow ones (waiting out the adapter's
    // timeout) first: each cell starts an emulator, and on two cores a
    // hundred at once would starve the attempts of the control cells.
    let permits = Arc::new(Semaphore::new(CELLS_AT_ONCE));
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&index| !rows[index].waits_out_the_timeout());
    let mut cells = JoinSet::new();
    for index in order {
        for &op in rows[index].ops {
            let permits = Arc::clone(&permits);
            let row = rows[index].clone();
            cells.spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                run_cell(index, &row, op).await
            });
        }
    }
    let mut results = Vec::new();
    while let Some(cell) = cells.join_next().await {
        results.push(cell.unwrap());
    }

    eprintln!("{}", table(&rows, &results, started));
    let mut unexpected = Vec::new();
    let mut broken = Vec::new();
    for cell in &results {
        let row = &rows[cell.row].name;
        for violation in &cell.violations {
            let known = KNOWN_FAILURES.contains(&(row.as_str(), cell.op, violation.invariant));
            broken.push((row.as_str(), cell.op, violation.invariant));
            if !known {
                unexpected.push(format!(
                    "{row} × {}: {}: {}",
                    cell.op.name(),
                    violation.invariant,
                    violation.detail
                ));
            }
        }
    }
    let fixed: Vec<_> = KNOWN_FAILURES
        .iter()
        .filter(|known| !broken.contains(known))
        .collect();
    assert!(
        unexpected.is_empty(),
        "invariants broken:\n{}",
        unexpected.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "known failures that now pass (remove them from KNOWN_FAILURES): {fixed:?}"
    );
}

/// The matrix as text: a row per fault, a column per operation.
fn table(rows: &[Row], cells: &[Cell], started: Instant) -> String {
    let label = |row: usize, op: Op| {
        cells
            .iter()
            .find(|cell| cell.row == row && cell.op == op)
            .map_or_else(
                || "-".to_owned(),
                |cell| {
                    let mark = if cell.violations.is_empty() {
                        ""
                    } else {
                        " FAIL"
                    };
                    format!("{}{mark}", cell.label)
                },
            )
    };
    let first = rows
        .iter()
        .map(|row| row.name.len())
        .max()
        .unwrap_or(0)
        .max(5);
    let widths: Vec<usize> = Op::ALL
        .iter()
        .map(|&op| {
            (0..rows.len())
                .map(|row| label(row, op).len())
                .chain([op.name().len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    let _ = write!(text, "{:first$}", "fault");
    for (op, width) in Op::ALL.iter().zip(&widths) {
        let _ = write!(text, " | {:width$}", op.name());
    }
    text.push('\n');
    let _ = write!(text, "{}", "-".repeat(first));
    for width in &widths {
        let _ = write!(text, "-+-{}", "-".repeat(*width));
    }
    text.push('\n');
    for (index, row) in rows.iter().enumerate() {
        let _ = write!(text, "{:first$}", row.name);
        for (&op, width) in Op::ALL.iter().zip(&widths) {
            let _ = write!(text, " | {:width$}", label(index, op));
        }
        text.push('\n');
    }
    let failed = cells
        .iter()
        .filter(|cell| !cell.violations.is_empty())
        .count();
    let _ = write!(
        text,
        "{} cells, {failed} failing, in {:.1} s (n/m: requests of the faulted operation sent/forwarded to the emulator)",
        cells.len(),
        started.elapsed().as_secs_f64()
    );
    text
}
