//! An [`InstanceState`] as a state file, for `export`: written by hand, not
//! by a serializer, so that the layout is ours and stays put: the state's
//! maps are sorted, every list is written in their order, one entry per
//! line, and nothing that varies between two exports of one instance (a
//! time, the server's address) is written. Two exports of one instance are
//! byte-identical, and a change to one person is a change to their lines.

use users_domain::{Identity, InstanceState, TeamState, UserState};

use super::SUPPORTED_VERSION;

/// What the file is and how to use it, at the top of every TOML export.
const HEADER: &str = "\
# The people of a W&B instance: users, instance admins, deactivations, teams
# and their members, as `wbusers export` wrote them (the format is described
# in wbusers' state.md). Review a change to it like code, then:
#   wbusers plan FILE     shows what apply would change (exit 0: nothing, 9: changes)
#   wbusers apply FILE    makes the instance so
# A team listed gets exactly the members listed. Users not listed are left
# alone, unless apply is given --prune: then they are deactivated.
# `admin` and `deactivated` are written only when true.
";

/// `state` as TOML: the header, `version`, `roles` if any, a `[[users]]`
/// table per user (`email`, `username` when known, `admin = true` and
/// `deactivated = true` only when so: a flag that changes is a line added
/// or removed), a `[[teams]]` table per team (`name`, `service_accounts` if
/// any, `members`, always, one inline table per line with its `role`).
pub(crate) fn render_toml(state: &InstanceState) -> String {
    let members: usize = state.teams.values().map(|team| team.members.len()).sum();
    let mut out = String::with_capacity(HEADER.len() + 80 * (state.users.len() + members));
    out.push_str(HEADER);
    out.push_str("version = ");
    out.push_str(&SUPPORTED_VERSION.to_string());
    out.push('\n');
    if !state.roles.is_empty() {
        out.push_str("roles = ");
        toml_list(&mut out, state.roles.iter().map(AsRef::as_ref));
    }
    for (email, user) in &state.users {
        out.push_str("\n[[users]]\nemail = ");
        quote(&mut out, email.as_str());
        out.push('\n');
        toml_user_fields(&mut out, user);
    }
    for (name, team) in &state.teams {
        out.push_str("\n[[teams]]\nname = ");
        quote(&mut out, name.as_str());
        out.push('\n');
        toml_team_fields(&mut out, team);
    }
    out
}

fn toml_user_fields(out: &mut String, user: &UserState) {
    if let Some(username) = &user.username {
        out.push_str("username = ");
        quote(out, username.as_str());
        out.push('\n');
    }
    // As `DesiredState::from` reads it: a deactivated user is no admin.
    if user.admin && !user.deactivated {
        out.push_str("admin = true\n");
    }
    if user.deactivated {
        out.push_str("deactivated = true\n");
    }
}

fn toml_team_fields(out: &mut String, team: &TeamState) {
    if !team.service_accounts.is_empty() {
        out.push_str("service_accounts = ");
        toml_list(out, team.service_accounts.iter().map(String::as_str));
    }
    // Always written, `[]` too: a team listed gets exactly these members.
    if team.members.is_empty() {
        out.push_str("members = []\n");
        return;
    }
    out.push_str("members = [\n");
    for (who, role) in &team.members {
        out.push_str("  { who = ");
        quote(out, who_text(who));
        out.push_str(", role = ");
        quote(out, role.as_str());
        out.push_str(" },\n");
    }
    out.push_str("]\n");
}

fn toml_list<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    out.push_str("[\n");
    for item in items {
        out.push_str("  ");
        quote(out, item);
        out.push_str(",\n");
    }
    out.push_str("]\n");
}

/// `state` as JSON, the same schema with every field written: `version`,
/// `roles`, `users` (one object per line: `email`, `username` when known,
/// `admin`, `deactivated`), `teams` (`name`, `service_accounts`, `members`,
/// one `{"who", "role"}` object per line). Two-space indents, no trailing
/// white space, a final newline.
pub(crate) fn render_json(state: &InstanceState) -> String {
    let members: usize = state.teams.values().map(|team| team.members.len()).sum();
    let mut out = String::with_capacity(100 * (state.users.len() + members));
    out.push_str("{\n  \"version\": ");
    out.push_str(&SUPPORTED_VERSION.to_string());
    out.push_str(",\n  \"roles\": ");
    json_list(&mut out, state.roles.iter().map(AsRef::as_ref));
    out.push_str(",\n  \"users\": [");
    for (at, (email, user)) in state.users.iter().enumerate() {
        out.push_str(if at == 0 {
            "\n    {\"email\": "
        } else {
            ",\n    {\"email\": "
        });
        quote(&mut out, email.as_str());
        if let Some(username) = &user.username {
            out.push_str(", \"username\": ");
            quote(&mut out, username.as_str());
        }
        let admin = user.admin && !user.deactivated;
        out.push_str(", \"admin\": ");
        out.push_str(if admin { "true" } else { "false" });
        out.push_str(", \"deactivated\": ");
        out.push_str(if user.deactivated { "true}" } else { "false}" });
    }
    out.push_str(if state.users.is_empty() {
        "],\n"
    } else {
        "\n  ],\n"
    });
    out.push_str("  \"teams\": [");
    for (at, (name, team)) in state.teams.iter().enumerate() {
        out.push_str(if at == 0 {
            "\n    {\"name\": "
        } else {
            ",\n    {\"name\": "
        });
        quote(&mut out, name.as_str());
        out.push_str(", \"service_accounts\": ");
        json_list(&mut out, team.service_accounts.iter().map(String::as_str));
        out.push_str(", \"members\": [");
        for (at, (who, role)) in team.members.iter().enumerate() {
            out.push_str(if at == 0 {
                "\n      {\"who\": "
            } else {
                ",\n      {\"who\": "
            });
            quote(&mut out, who_text(who));
            out.push_str(", \"role\": ");
            quote(&mut out, role.as_str());
            out.push('}');
        }
        out.push_str(if team.members.is_empty() {
            "]}"
        } else {
            "\n    ]}"
        });
    }
    out.push_str(if state.teams.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    out
}

fn json_list<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    out.push('[');
    for (at, item) in items.enumerate() {
        if at > 0 {
            out.push_str(", ");
        }
        quote(out, item);
    }
    out.push(']');
}

/// How a member is named: by email where known (as `Invitee::parse` reads
/// it back), else by username.
fn who_text(who: &Identity) -> &str {
    match who {
        Identity::Email(key) => key.as_str(),
        Identity::Username(name) => name.as_str(),
    }
}

/// `text` as a double-quoted string, valid both as a TOML basic string and
/// as a JSON string: the escapes the two share (`\"`, `\\`, `\n`, `\t`,
/// `\r`, `\uXXXX`). Control characters are escaped (TOML forbids them raw,
/// and they would move a terminal's cursor), and so are the invisible
/// characters that reorder or hide text on screen (bidi controls, zero
/// widths): a reviewer sees exactly what the file says.
fn quote(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_invisible(c) => unicode_escape(out, c),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `\uXXXX`: four hex digits, enough for every character escaped (all are
/// in the Basic Multilingual Plane).
fn unicode_escape(out: &mut String, c: char) {
    let code = u32::from(c);
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        let digit = char::from_digit((code >> shift) & 0xF, 16).unwrap_or('0');
        out.push(digit.to_ascii_uppercase());
    }
}

/// Format characters that change how the text around them shows: the
/// Arabic letter mark, zero widths and direction marks, bidi embeddings,
/// overrides and isolates, invisible operators, the byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}
