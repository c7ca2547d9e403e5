//! The report of a command that acts on several users at once (`team
//! add|remove`, `user deactivate|reactivate|promote|demote`): every row's
//! outcome, in text or JSON (`docs/json.md`), then the exit the whole ends
//! with. A failed row never stops the others.

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
}

impl Outcome {
    /// The `outcome` field: `done`, `already_done` or `failed`, the words
    /// `user offboard` uses for its steps too.
    pub(crate) fn word(&self) -> &'static str {
        match self {
            Self::Done(_) => "done",
            Self::AlreadyDone(_) => "already_done",
            Self::Failed(_) => "failed",
        }
    }

    /// The row's outcome in a table: what was done, or why not.
    pub(crate) fn text(&self) -> String {
        match self {
            Self::Done(words) | Self::AlreadyDone(words) => words.clone(),
            Self::Failed(failure) => format!("failed: {}", failure.line().message),
        }
    }

    /// The `error` field: the failure as an error line's `error` object.
    pub(crate) fn error(&self) -> Option<Value> {
        match self {
            Self::Failed(failure) => Some(failure.json_body()),
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

    /// A table of users and outcomes; nothing when the one row there is
    /// failed, since the error line says it all.
    pub(crate) fn text(&self) -> String {
        if let [only] = self.rows.as_slice() {
            if matches!(only.outcome, Outcome::Failed(_)) {
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

    /// Prints every row, then ends as the rows say: `Ok` when none failed;
    /// the one row's own failure when there was one row; else
    /// [`Incomplete::Rows`] (exit 8) after the rows that say why.
    pub(crate) fn finish(self, out: Output) -> Result<(), Failure> {
        out.result(&self.json(), &self.text())?;
        self.end()
    }

    /// How the command ends, once every row is printed.
    fn end(self) -> Result<(), Failure> {
        let total = self.rows.len();
        let mut failures = self.rows.into_iter().filter_map(|row| match row.outcome {
            Outcome::Failed(failure) => Some(failure),
            Outcome::Done(_) | Outcome::AlreadyDone(_) => None,
        });
        let Some(first) = failures.next() else {
            return Ok(());
        };
        if total == 1 {
            return Err(first);
        }
        Err(Failure::incomplete(Incomplete::Rows {
            failed: 1 + failures.count(),
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
            serde_json::json!({"total": 2, "done": 1, "already_done": 0, "failed": 1})
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
}
