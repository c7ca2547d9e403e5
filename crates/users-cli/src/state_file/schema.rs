//! The schema: a [`Node`] tree into the domain's [`DesiredState`], every
//! value parsed with the domain's own types and every entry located at its
//! line. Every problem is reported, not only the first, so that one run
//! shows all there is to fix.

use users_domain::{
    DesiredMember, DesiredState, DesiredTeam, DesiredUser, Email, Invitee, Located, RoleName,
    TeamName, TeamRole, Username,
};

use super::error::{FileErrorKind, Place, What};
use super::fields::{Read, Reader};
use super::tree::{Node, Problem, Value};
use super::{Format, SUPPORTED_VERSION};

impl Place {
    /// The fields allowed here, in the order the docs and exports list them.
    pub(super) fn fields(self) -> &'static [&'static str] {
        match self {
            Self::File => &["version", "roles", "users", "teams"],
            Self::User => &["email", "username", "admin", "deactivated"],
            Self::Team => &["name", "service_accounts", "members"],
            Self::Member => &["who", "role"],
        }
    }
}

/// The desired state `root` declares.
///
/// # Errors
///
/// Every problem found, sorted by line. A version other than
/// [`SUPPORTED_VERSION`] is the only problem reported: the rest of a file
/// of another version would be judged by the wrong schema.
pub(super) fn desired_state(root: Node, format: Format) -> Result<DesiredState, Vec<Problem>> {
    let mut reader = Reader {
        format,
        problems: Vec::new(),
    };
    if let Some(problem) = reader.unsupported_version(&root) {
        return Err(vec![problem]);
    }
    let state = reader.file(root);
    let mut problems = reader.problems;
    match state {
        Ok(state) if problems.is_empty() => Ok(state),
        _ => {
            // A sort that keeps the order of problems on one line.
            problems.sort_by_key(|problem| problem.line);
            Err(problems)
        }
    }
}

impl Reader {
    /// The problem with the file's `version`, unless it is the one supported
    /// (or missing, which [`file`](Self::file) reports with the rest).
    fn unsupported_version(&self, root: &Node) -> Option<Problem> {
        let Value::Table(entries) = &root.value else {
            return None;
        };
        let node = &entries.iter().find(|entry| entry.key == "version")?.node;
        let found = match node.value {
            Value::Integer(Some(SUPPORTED_VERSION)) => return None,
            Value::Integer(Some(number)) => number.to_string(),
            Value::Integer(None) => "a number too large".to_owned(),
            ref other => other.kind().word(self.format).to_owned(),
        };
        Some(Problem::at(
            node.line,
            FileErrorKind::UnsupportedVersion { found },
        ))
    }

    /// The top of the file: its version and lists.
    fn file(&mut self, root: Node) -> Read<DesiredState> {
        let mut top = self.table(root, What::Root, Place::File)?;
        if top.take("version").is_none() {
            self.problems.push(Problem {
                line: None,
                kind: FileErrorKind::MissingVersion,
            });
        }
        let roles = self.list(&mut top, "roles", Self::role);
        let users = self.list(&mut top, "users", Self::user);
        let teams = self.list(&mut top, "teams", Self::team);
        Ok(DesiredState {
            roles: roles?,
            users: users?,
            teams: teams?,
        })
    }

    /// An entry of `roles`.
    fn role(&mut self, node: Node) -> Read<Located<RoleName>> {
        let what = What::Entry(Place::File, "roles");
        let (role, line) = self.parse(node, what, RoleName::parse, FileErrorKind::RoleName)?;
        Ok(Located::at(role, line))
    }

    /// An entry of `users`.
    fn user(&mut self, node: Node) -> Read<Located<DesiredUser>> {
        let mut user = self.table(node, What::Entry(Place::File, "users"), Place::User)?;
        let email = self.required(&mut user, "email").and_then(|node| {
            let what = What::Field(Place::User, "email");
            self.parse(node, what, Email::parse, FileErrorKind::Email)
        });
        let username = user
            .take("username")
            .map(|node| {
                let what = What::Field(Place::User, "username");
                self.parse(node, what, Username::parse, FileErrorKind::Username)
            })
            .transpose();
        let admin = self.flag(&mut user, "admin");
        let deactivated = self.flag(&mut user, "deactivated");
        // The user is where their key is: the line a reader looks for.
        let (email, line) = email?;
        Ok(Located::at(
            DesiredUser {
                email,
                admin: admin?,
                deactivated: deactivated?,
                username: username?.map(|(name, _)| name),
            },
            line,
        ))
    }

    /// An entry of `teams`.
    fn team(&mut self, node: Node) -> Read<Located<DesiredTeam>> {
        let mut team = self.table(node, What::Entry(Place::File, "teams"), Place::Team)?;
        let name = self.required(&mut team, "name").and_then(|node| {
            let what = What::Field(Place::Team, "name");
            self.parse(node, what, TeamName::parse, FileErrorKind::TeamName)
        });
        let service_accounts = self.list(&mut team, "service_accounts", |reader, node| {
            let what = What::Entry(Place::Team, "service_accounts");
            let (name, line) = reader.string(node, what)?;
            Ok(Located::at(name, line))
        });
        // Required: a team listed gets exactly these members, and a team
        // whose list was forgotten would lose everyone.
        let members = self.required(&mut team, "members").and_then(|node| {
            let what = What::Field(Place::Team, "members");
            let items = self.array(node, what)?;
            self.each(items, Self::member)
        });
        // The team is where its name is.
        let (name, line) = name?;
        Ok(Located::at(
            DesiredTeam {
                name,
                members: members?,
                service_accounts: service_accounts?,
            },
            line,
        ))
    }

    /// An entry of a team's `members`.
    fn member(&mut self, node: Node) -> Read<Located<DesiredMember>> {
        // A member is one inline table: its line is the member's.
        let line = node.line;
        let mut member = self.table(node, What::Entry(Place::Team, "members"), Place::Member)?;
        let who = self.required(&mut member, "who").and_then(|node| {
            let what = What::Field(Place::Member, "who");
            self.parse(
                node,
                what,
                |text| Invitee::parse(&text),
                FileErrorKind::Member,
            )
        });
        let role = member
            .take("role")
            .map(|node| {
                let what = What::Field(Place::Member, "role");
                self.parse(
                    node,
                    what,
                    |text| TeamRole::parse(&text),
                    FileErrorKind::Role,
                )
            })
            .transpose();
        let (who, _) = who?;
        let role = role?.map_or(TeamRole::Member, |(role, _)| role);
        Ok(Located::at(DesiredMember { who, role }, line))
    }
}
