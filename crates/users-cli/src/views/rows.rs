//! The report of a command that acts on several users at once (`team
//! add|remove`, `user deactivate|reactivate|promote|demote`): every row's
//! outcome, in text or JSON (`docs/json.md`), then the exit the whole ends
//! with. A row that failed, or whose outcome is unknown, never stops the
//! others.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::failure::{Failure, Incomplete};
use crate::output::{Output, table};

/// How one row went.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Done; the words say what (`added as member`, `deactivated`).
    Done(String),
    /// It was so already, and nothing was sent (`already deactivated`).
    AlreadyDone(String),
    /// It failed: the failure, reported as the row's reason.
    Failed(Failure),
    /// The server's answer was lost and reading back could not settle it:
    /// it may or may not have been done (the failure says why).
    Unknown(Failure),
}

impl Outcome {
    /// The outcome of a row that did not go through: unknown when the
    /// change may have been made all the same, else failed.
    pub(crate) fn not_done(failure: Failure) -> Self {
        if failure.outcome_unknown() {
            Self::Unknown(failure)
        } else {
            Self::Failed(failure)
        }
    }

    /// The `outcome` field: `done`, `already_done`, `failed` or `unknown`,
    /// the words `user offboard` uses for its steps too.
    pub(crate) fn word(&self) -> &'static str {
        match self {
            Self::Done(_) => "done",
            Self::AlreadyDone(_) => "already_done",
            Self::Failed(_) => "failed",
            Self::Unknown(_) => "unknown",
        }
    }

    /// The row's outcome in a table: what was done, or why not.
    pub(crate) fn text(&self) -> String {
        match self {
            Self::Done(words) | Self::AlreadyDone(words) => words.clone(),
            Self::Failed(failure) => format!("failed: {}", failure.line().message),
            Self::Unknown(failure) => format!("unknown: {}", failure.line().message),
        }
    }

    /// The `error` field: the failure as an error line's `error` object.
    pub(crate) fn error(&self) -> Option<Value> {
        self.failure().map(Failure::json_body)
    }

    /// Why the row did not go through, if it did not.
    fn failure(&self) -> Option<&Failure> {
        match self {
            Self::Failed(failure) | Self::Unknown(failure) => Some(failure),
            Self::Done(_) | Self::AlreadyDone(_) => None,
        }
    }
}

/// One row: the user as typed, how it went, and what the command adds to
/// its JSON object (`member`).
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) user: String,
    pub(crate) outcome: Outcome,
    pub(crate) fields: Map<String, Value>,
}

impl Row {
    pub(crate) fn new(user: impl Into<String>, outcome: Outcome) -> Self {
        Self {
            user: user.into(),
            outcome,
            fields: Map::new(),
        }
    }

    /// The row with `name: value` in its JSON object.
    #[must_use]
    pub(crate) fn with(mut self, name: &str, value: impl Serialize) -> Self {
        // The views serialize to JSON without fail.
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.fields.insert(name.to_owned(), value);
        self
    }
}

#[derive(Serialize)]
struct RowView<'r> {
    user: &'r str,
    outcome: &'static str,
    #[serde(flatten)]
    fields: &'r Map<String, Value>,
    error: Option<Value>,
}

#[derive(Serialize, Default)]
struct Summary {
    total: usize,
    done: usize,
    already_done: usize,
    failed: usize,
    unknown: usize,
}

/// Every row of one command, with the document's first fields (`team`).
#[derive(Debug)]
pub(crate) struct Rows {
    pub(crate) head: Vec<(&'static str, Value)>,
    pub(crate) rows: Vec<Row>,
}

impl Rows {
    fn summary(&self) -> Summary {
        let mut summary = Summary {
            total: self.rows.len(),
            ..Summary::default()
        };
        for row in &self.rows {
            match row.outcome {
                Outcome::Done(_) => summary.done += 1,
                Outcome::AlreadyDone(_) => summary.already_done += 1,
                Outcome::Failed(_) => summary.failed += 1,
                Outcome::Unknown(_) => summary.unknown += 1,
            }
        }
        summary
    }

    /// The document: the head fields, `results` and `summary`.
    pub(crate) fn json(&self) -> Value {
        let mut document: Map<String, Value> = self
            .head
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect();
        let results: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                serde_json::to_value(RowView {
                    user: &row.user,
                    outcome: row.outcome.word(),
                    fields: &row.fields,
                    error: row.outcome.error(),
                })
                .unwrap_or(Value::Null)
            })
            .collect();
        document.insert("results".to_owned(), Value::Array(results));
        document.insert(
            "summary".to_owned(),
            serde_json::to_value(self.summary()).unwrap_or(Value::Null),
        );
        Value::Object(document)
    }

    /// A table of users and outcomes; nothing when the one row there
    /// failed or is unknown, since the error line says it all.
    pub(crate) fn text(&self) -> String {
        if let [only] = self.rows.as_slice() {
            if only.outcome.failure().is_some() {
                return String::new();
            }
        }
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| vec![row.user.clone(), row.outcome.text()])
            .collect();
        table(&["USER", "OUTCOME"], &rows)
    }

    /// Prints every row, then ends as the rows say: `Ok` when every one went
    /// through; the one row's own failure when there was one row; else
    /// [`Incomplete::Rows`] (exit 8 when a row failed, else 7) after the
    /// rows that say why.
    pub(crate) fn finish(self, out: Output) -> Result<(), Failure> {
        out.result(&self.json(), &self.text())?;
        self.end()
    }

    /// How the command ends, once every row is printed.
    fn end(self) -> Result<(), Failure> {
        let Summary {
            total,
            failed,
            unknown,
            ..
        } = self.summary();
        if failed + unknown == 0 {
            return Ok(());
        }
        if let [_] = self.rows.as_slice() {
            let only = self.rows.into_iter().next().map(|row| row.outcome);
            if let Some(Outcome::Failed(failure) | Outcome::Unknown(failure)) = only {
                return Err(failure);
            }
        }
        Err(Failure::incomplete(Incomplete::Rows {
            failed,
            unknown,
            total,
            noun: "users",
        }))
    }
}

#[cfg(test)]
mod tests {
    use users_domain::Error;

    use super::*;
    use crate::exit::Exit;

    fn not_found(name: &str) -> Outcome {
        Outcome::Failed(Failure::from(Error::NotFound {
            what: format!("user '{name}'"),
        }))
    }

    fn lost(name: &str) -> Outcome {
        Outcome::not_done(Failure::from(Error::Ambiguous {
            operation: "createInvite".into(),
            reason: format!("{name}'s answer was lost"),
        }))
    }

    fn rows(rows: Vec<Row>) -> Rows {
        Rows {
            head: vec![("team", Value::from("ml"))],
            rows,
        }
    }

    #[test]
    fn every_row_is_a_line_of_the_table_with_what_was_done_or_why_not() {
        let report = rows(vec![
            Row::new("ada", Outcome::Done("added as member".into())),
            Row::new("bo", Outcome::AlreadyDone("already deactivated".into())),
            Row::new("cy", not_found("cy")),
        ]);

        assert_eq!(
            report.text(),
            "USER  OUTCOME\n\
             ada   added as member\n\
             bo    already deactivated\n\
             cy    failed: user 'cy' not found"
        );
    }

    #[test]
    fn the_document_holds_each_row_its_fields_and_error_and_a_summary() {
        let report = rows(vec![
            Row::new("ada", Outcome::Done("added".into()))
                .with("member", serde_json::json!({"id": "1"})),
            Row::new("cy", not_found("cy")),
        ]);

        let json = report.json();

        assert_eq!(json["team"], "ml");
        assert_eq!(
            json["results"][0],
            serde_json::json!({"user": "ada", "outcome": "done", "member": {"id": "1"}, "error": null})
        );
        assert_eq!(json["results"][1]["outcome"], "failed");
        assert_eq!(json["results"][1]["error"]["kind"], "not_found");
        assert_eq!(
            json["summary"],
            serde_json::json!({"total": 2, "done": 1, "already_done": 0, "failed": 1, "unknown": 0})
        );
    }

    #[test]
    fn one_failed_row_is_its_own_error_and_several_make_the_exit_partial() {
        let one = rows(vec![Row::new("cy", not_found("cy"))]);
        assert!(one.text().is_empty());

        let alone = one.end().unwrap_err().line();
        let among = rows(vec![
            Row::new("ada", Outcome::Done("added".into())),
            Row::new("cy", not_found("cy")),
            Row::new("di", not_found("di")),
        ])
        .end()
        .unwrap_err()
        .line();

        assert_eq!(alone.exit, Exit::NotFound);
        assert_eq!(among.exit, Exit::Partial);
        assert_eq!(among.message, "2 of 3 users failed");
    }

    #[test]
    fn a_row_whose_answer_was_lost_is_unknown_in_the_table_and_the_document() {
        let report = rows(vec![
            Row::new("ada", Outcome::Done("added as member".into())),
            Row::new("bo", lost("bo")),
        ]);

        let json = report.json();

        assert_eq!(
            report.text(),
            "USER  OUTCOME\n\
             ada   added as member\n\
             bo    unknown: outcome of createInvite is unknown: bo's answer was lost"
        );
        assert_eq!(json["results"][1]["outcome"], "unknown");
        assert_eq!(json["results"][1]["error"]["kind"], "ambiguous");
        assert_eq!(
            json["summary"],
            serde_json::json!({"total": 2, "done": 1, "already_done": 0, "failed": 0, "unknown": 1})
        );
    }

    #[test]
    fn unknown_rows_alone_exit_7_and_a_failed_row_makes_it_8() {
        let one = rows(vec![Row::new("bo", lost("bo"))]);
        assert!(one.text().is_empty());

        let alone = one.end().unwrap_err().line();
        let only_unknown = rows(vec![
            Row::new("ada", Outcome::Done("added".into())),
            Row::new("bo", lost("bo")),
        ])
        .end()
        .unwrap_err()
        .line();
        let with_failed = rows(vec![
            Row::new("bo", lost("bo")),
            Row::new("cy", not_found("cy")),
        ])
        .end()
        .unwrap_err()
        .line();

        assert_eq!(alone.exit, Exit::Ambiguous);
        assert_eq!(only_unknown.exit, Exit::Ambiguous);
        assert_eq!(
            only_unknown.message,
            "1 of 2 users has an unknown outcome: the server's answer was lost"
        );
        assert_eq!(with_failed.exit, Exit::Partial);
        assert_eq!(
            with_failed.message,
            "1 of 2 users failed, and 1 has an unknown outcome"
        );
    }
}
