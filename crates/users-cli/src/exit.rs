//! Exit codes: each one's number, its `--json` kind and its meaning, in one
//! table. Which failure gets which code is decided in [`crate::failure`].

use std::fmt::Write as _;

/// How `wbusers` ends. Scripts branch on these, so they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Ok,
    Failure,
    Usage,
    NotFound,
    Auth,
    Conflict,
    Unavailable,
    Ambiguous,
    Partial,
    Pending,
    Refused,
    Unsupported,
    Interrupted,
}

/// One row of the exit code table.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) code: u8,
    /// The error class as it appears in `--json` error reports.
    pub(crate) kind: &'static str,
    /// What `--help` says it means.
    pub(crate) meaning: &'static str,
}

impl Exit {
    /// Every exit, in the order of its code (as `--help` lists them).
    pub(crate) const ALL: [Self; 13] = [
        Self::Ok,
        Self::Failure,
        Self::Usage,
        Self::NotFound,
        Self::Auth,
        Self::Conflict,
        Self::Unavailable,
        Self::Ambiguous,
        Self::Partial,
        Self::Pending,
        Self::Refused,
        Self::Unsupported,
        Self::Interrupted,
    ];

    /// The table: code, `--json` kind and meaning of each exit.
    pub(crate) const fn row(self) -> Row {
        let (code, kind, meaning) = match self {
            Self::Ok => (0, "ok", "success"),
            Self::Failure => (1, "failure", "unexpected failure"),
            Self::Usage => (
                2,
                "usage",
                "bad command line or bad input (arguments, key file, provisioning or state file)",
            ),
            Self::NotFound => (
                3,
                "not_found",
                "the user, key, team or member does not exist",
            ),
            Self::Auth => (
                4,
                "auth",
                "credentials missing or not recognised, or not allowed (needs an admin)",
            ),
            Self::Conflict => (
                5,
                "conflict",
                "already exists (a user, a team, a member), or a name matches several users or keys",
            ),
            Self::Unavailable => (
                6,
                "unavailable",
                "server unreachable, rate limited, or answered something unexpected",
            ),
            Self::Ambiguous => (
                7,
                "ambiguous",
                "a change may or may not have happened (of several rows, steps or changes: some unknown, none failed): check before retrying",
            ),
            Self::Partial => (
                8,
                "partial",
                "some rows, steps or changes failed, or a listing could not read some users (every one is reported; outranks 7)",
            ),
            Self::Pending => (
                9,
                "pending",
                "plan: changes are pending (apply would make them); 0 means none",
            ),
            Self::Refused => (
                10,
                "refused",
                "refused by a safety rule (yourself, the last active admin, too many deactivations; apply: the instance changed while you were asked): nothing was sent",
            ),
            Self::Unsupported => (
                11,
                "unsupported",
                "the server offers no way to do this (a service account's key)",
            ),
            Self::Interrupted => (
                130,
                "interrupted",
                "provision, apply: stopped by Ctrl-C or SIGTERM (what was done is reported; run again to finish)",
            ),
        };
        Row {
            code,
            kind,
            meaning,
        }
    }

    pub(crate) const fn code(self) -> u8 {
        self.row().code
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        Self::from(exit.code())
    }
}

/// The exit code table shown at the end of `--help`.
pub(crate) fn help_table() -> String {
    Exit::ALL
        .iter()
        .fold(String::from("Exit codes:\n"), |mut text, exit| {
            let row = exit.row();
            let _ = writeln!(text, "  {}  {}", row.code, row.meaning);
            text
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_has_its_own_code_and_kind_in_order() {
        let codes: Vec<u8> = Exit::ALL.iter().map(|exit| exit.code()).collect();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]), "{codes:?}");
        for exit in Exit::ALL {
            let row = exit.row();
            let same_kind = Exit::ALL.iter().filter(|e| e.row().kind == row.kind);
            assert_eq!(same_kind.count(), 1, "{exit:?}");
        }
    }

    #[test]
    fn changes_pending_is_9_and_an_interruption_is_128_plus_sigint() {
        // 9 was kept free for `plan` until it came, so that no script met it
        // meaning anything else; 130 was 9 before that.
        assert_eq!(Exit::Pending.code(), 9);
        assert_eq!(Exit::Interrupted.code(), 128 + 2);
        assert_eq!(Exit::Refused.code(), 10);
        assert_eq!(Exit::Unsupported.code(), 11);
    }

    #[test]
    fn help_lists_every_code_with_its_meaning() {
        let help = help_table();
        for exit in Exit::ALL {
            let row = exit.row();
            assert!(
                help.contains(&format!("  {}  {}\n", row.code, row.meaning)),
                "{help}"
            );
        }
    }
}
