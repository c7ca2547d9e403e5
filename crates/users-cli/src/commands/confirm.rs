//! Asking before a change: on a terminal the person is asked; without one,
//! `--yes` is needed, so that a forgotten flag in a script never changes
//! anything. `user offboard` and `apply` both ask here.

use std::io::{self, BufRead, Write};

use crate::failure::{Confirming, Failure};

/// How the go-ahead is had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Go {
    /// `--yes`.
    Granted,
    /// Asked of the person at the terminal.
    Ask,
}

/// Whether to go ahead, ask, or refuse: a script (no terminal) must say
/// `--yes`.
pub(super) fn go_ahead(yes: bool, terminal: bool, what: &Confirming) -> Result<Go, Failure> {
    match (yes, terminal) {
        (true, _) => Ok(Go::Granted),
        (false, true) => Ok(Go::Ask),
        (false, false) => Err(Failure::unconfirmable(what)),
    }
}

/// Shows `shown` and asks `question` on stderr (stdout carries the report
/// alone), and reads the answer from standard input: `Ok` only for a yes.
pub(super) fn ask(shown: &str, question: &str, what: &Confirming) -> Result<(), Failure> {
    let mut prompt = io::stderr().lock();
    let asked = writeln!(prompt, "{shown}")
        .and_then(|()| confirmed(question, &mut io::stdin().lock(), &mut prompt));
    match asked {
        Ok(true) => Ok(()),
        Ok(false) => Err(Failure::not_confirmed(what, None)),
        Err(error) => Err(Failure::not_confirmed(what, Some(&error))),
    }
}

/// Writes `question` to `prompt` and reads one answer from `answers`: yes
/// only for `y` or `yes`, in any case; anything else, or no answer, is no.
fn confirmed(
    question: &str,
    answers: &mut impl BufRead,
    prompt: &mut impl Write,
) -> io::Result<bool> {
    write!(prompt, "{question} [y/N] ")?;
    prompt.flush()?;
    let mut answer = String::new();
    answers.read_line(&mut answer)?;
    let answer = answer.trim();
    Ok(answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;

    #[test]
    fn without_a_terminal_only_yes_goes_ahead_and_on_one_the_person_is_asked() {
        let offboard = Confirming::Offboard {
            user: "ada".to_owned(),
        };
        assert_eq!(go_ahead(true, false, &offboard).unwrap(), Go::Granted);
        assert_eq!(go_ahead(true, true, &offboard).unwrap(), Go::Granted);
        assert_eq!(go_ahead(false, true, &offboard).unwrap(), Go::Ask);

        for what in [offboard, Confirming::Apply] {
            let line = go_ahead(false, false, &what).unwrap_err().line();

            assert_eq!(line.exit, Exit::Usage);
            assert!(line.message.contains("nothing was changed"), "{line:?}");
            assert!(line.hint.unwrap().contains("--yes"));
        }
    }

    #[test]
    fn only_y_or_yes_is_a_yes() {
        let ask = |answer: &str| {
            let mut prompt = Vec::new();
            let yes = confirmed("offboard ada?", &mut answer.as_bytes(), &mut prompt).unwrap();
            (yes, String::from_utf8(prompt).unwrap())
        };

        assert_eq!(ask("y\n"), (true, "offboard ada? [y/N] ".to_owned()));
        assert!(ask("YES\n").0);
        assert!(ask("  yes  \n").0);
        for no in ["", "\n", "n\n", "no\n", "yep\n", "y es\n"] {
            assert!(!ask(no).0, "{no:?}");
        }
    }
}
