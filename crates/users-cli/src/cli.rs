//! The command line, as clap reads it. Values are parsed into domain types by
//! the commands, so that a bad value gets the same one-line error as any other.

use std::path::PathBuf;
use std::sync::LazyLock;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum, ValueHint};
use clap_complete::Shell;
use users_domain::{ApiKeySecret, Invitee, PageSize, TeamName, TeamRole, Username};
use users_graphql::{DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_USER_AGENT, SDK_USER_AGENT};

use crate::exit;
use crate::input::Input;
use crate::provision::parse::{MAX_FILE_BYTES, MAX_LINE_BYTES};
use crate::state_file;

static AFTER_HELP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "Credentials, first found wins: --api-key-file PATH ('-' reads standard input), \
         WANDB_API_KEY, then the netrc entry for the server's host ($NETRC or ~/.netrc). \
         No option takes a key on the command line, where `ps` would show it.\n\n\
         Hosted W&B may withhold users' api keys from a client it does not recognise by \
         its User-Agent; when keys are reported as not listed, pass \
         --user-agent '{SDK_USER_AGENT}' (what the official SDK sends).\n\n\
         --json prints one JSON document on stdout per command (provision and apply: a JSON \
         line per row or change, then a summary line; export: the state file, as JSON); --jsonl prints JSON lines (user search and key list \
         --all: one per user as it arrives, team list --all: one per team, then a summary \
         line; any other command: its document on one line): `null` means not known, never \
         none, and a secret appears only as the `secret` of key generate, key rotate and \
         service-account create --with-key; every shape is in \
         users-cli/docs/json.md in the wbusers repository. \
         Errors are one line on stderr (a JSON object with --json); text from the server \
         or a file shows control characters escaped (\\u{{1b}}, \\n).\n\n{}",
        exit::help_table()
    )
});

static PROVISION_HELP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "Create the users listed in a file that do not exist yet\n\n\
         Every row is reported as it completes (so not in file order): created, existed, \
         skipped (a repeat of an earlier row), failed with the reason, or unknown (the \
         server's answer to the create was lost and the user was not found after); then a \
         summary. Exit code 8 when any row failed, else 7 when any is unknown. Safe to run \
         again: existing users are skipped, so a rerun finishes what a failed or interrupted \
         run left undone, and settles unknown rows, without creating anything twice.\n\n\
         Ctrl-C or SIGTERM stops it starting rows: the rows in flight are finished and \
         reported, then it says after which line rows were not started, and exits 130. A \
         second Ctrl-C stops at once; the rows still in flight are then reported unknown.\n\n\
         A file is read through once before anything is sent, so a file that cannot be \
         provisioned is refused whole; standard input is read as it comes, and a problem \
         found halfway stops the batch there. At most {} MiB is read, and no line (or CSV \
         row) may be longer than {} KiB.\n\n\
         CSV: a row may leave out a last `admin` field (it means false); a column other than \
         `email` and `admin`, or a row with more fields than the header, is refused rather \
         than ignored.",
        MAX_FILE_BYTES >> 20,
        MAX_LINE_BYTES >> 10,
    )
});

static EXPORT_HELP: &str = "Write the instance's people to a state file: users, instance admins, \
     deactivations, teams with their members and roles, service accounts\n\n\
     The file is what `plan` and `apply` read (its schema: users-cli/docs/state.md in the \
     wbusers repository). It is sorted and stably laid out, so that two exports of the same \
     instance are byte-identical and a change reads well in a diff; it never holds a secret. \
     TOML unless --format json (or --json, which prints it on standard output). With \
     --output, the file is written whole or not at all: a failure leaves any earlier file as \
     it was. Needs an instance admin's key.";

static PLAN_HELP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "Show what `apply` would change to make the instance what a state file says\n\n\
         Reads FILE ('-' for standard input; TOML or JSON, as `export` writes it), checks \
         it (every problem is reported as FILE:LINE: what is wrong: what to do, exit code 2, \
         and nothing is sent), reads the instance and prints the changes grouped by kind, \
         each with the line of the file that calls for it, then a summary. It changes \
         nothing.\n\n\
         Exit code 0 when nothing would change, 9 when changes are pending, 10 when apply \
         would refuse the plan (the same safety rules as apply, with the same --prune and \
         --max-deactivate; the plan is printed all the same). At most {} is read.",
        state_file::limit_text()
    )
});

static APPLY_HELP: &str = "Make the instance what a state file says\n\n\
     Makes the plan `plan` shows, and carries it out: users are created, made instance \
     admins or no longer, deactivated or reactivated; teams are created and given exactly \
     the members listed, with their roles; service accounts are created. Users the file \
     does not list are left alone, unless --prune: then they are deactivated, never purged \
     (service accounts are never pruned).\n\n\
     On a terminal it shows the plan and asks; without one, --yes is needed. A plan that \
     would deactivate you or take your admin away, leave no active instance admin, or with \
     --prune deactivate more than 10% of the active users (unless --max-deactivate N \
     allows N) is refused before anything is sent (exit code 10). Once you say yes, the \
     plan is made again: if another admin changed the instance meanwhile and the changes \
     differ from those shown, nothing is sent either (exit code 10); run it again to see \
     the new plan.\n\n\
     Every change is reported as it finishes: done, failed with the reason, not attempted \
     (a change it needs did not succeed) or unknown (the server's answer was lost); then a \
     summary. Exit code 8 when any failed or was not attempted, else 7 when any is \
     unknown. Running it again, after a failure or a kill mid-way, does only what is left, \
     and nothing twice.\n\n\
     Ctrl-C or SIGTERM stops it starting changes: those in flight are finished and \
     reported, then it exits 130. A second Ctrl-C stops at once.";

static PAGE_SIZE_HELP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "How many users to ask the server for at a time, 1 to {} [default: {}]",
        PageSize::MAX,
        PageSize::DEFAULT.get()
    )
});

static USER_AGENT_HELP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "Send this User-Agent: hosted W&B may withhold users' api keys from a client it \
         does not recognise, and takes '{SDK_USER_AGENT}' for the official SDK \
         [default: {DEFAULT_USER_AGENT}]"
    )
});

/// Administer the users and API keys of a Weights & Biases server.
#[derive(Debug, Parser)]
#[command(name = "wbusers", version, after_long_help = AFTER_HELP.as_str(), after_help = AFTER_HELP.as_str())]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each flag of the command line is a bool"
)]
pub(crate) struct Global {
    // Not `env = ..`: the adapter reads WANDB_BASE_URL itself, treating an
    // empty value as unset as the official SDK does.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help = "The W&B server [default: $WANDB_BASE_URL, else the base_url that \
                'wandb login --host' saved in ~/.config/wandb/settings, else the official \
                SDK's default server]"
    )]
    pub(crate) base_url: Option<String>,
    /// Read the API key from this file ('-' for standard input)
    #[arg(long, global = true, value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub(crate) api_key_file: Option<Input>,
    /// Print a JSON document on stdout instead of text
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Print JSON lines on stdout instead of text: a listing prints an object
    /// per user as it arrives, then a summary object; any other command, its
    /// --json document on one line
    #[arg(long, global = true, conflicts_with = "json")]
    pub(crate) jsonl: bool,
    /// Log to stderr what is going on (-vv for more); no progress bar is drawn then
    #[arg(short, long, global = true, action = ArgAction::Count, conflicts_with = "quiet")]
    pub(crate) verbose: u8,
    /// Print only results and errors: no notes, no progress bar
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Allow plain http:// to a host other than this machine (the key travels unencrypted)
    #[arg(long, global = true)]
    pub(crate) allow_insecure_http: bool,
    /// Retries after a transient failure (server unavailable, rate limited); a change
    /// that may have reached the server is never retried
    #[arg(long, global = true, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub(crate) retries: u32,
    #[arg(
        long,
        global = true,
        value_name = "TEXT",
        value_parser = user_agent,
        help = USER_AGENT_HELP.as_str()
    )]
    pub(crate) user_agent: Option<String>,
    /// How long the whole command may take, retries and waits included; each
    /// request gets at most 30 s of it. A key generate or rotate whose answer
    /// is lost can take minutes to reconcile: give it more. For provision,
    /// apply, team add|remove, user deactivate|reactivate|promote|demote and
    /// user offboard, the budget of each request of each row, change or step,
    /// and for user search, key list --all, team list --all, export and plan,
    /// of each page or read (the batch or listing itself runs until done;
    /// Ctrl-C stops it)
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 90, value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECS))]
    pub(crate) timeout: u64,
    /// Refuse an answer from the server longer than this many bytes
    #[arg(long, global = true, value_name = "BYTES", default_value_t = DEFAULT_MAX_RESPONSE_BYTES as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_response_bytes: u64,
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        value_hint = ValueHint::FilePath,
        action = ArgAction::Append,
        help = "Trust the CA certificates in this PEM file too (a private CA, a TLS-inspecting \
                proxy); repeatable. The system's store, SSL_CERT_FILE and SSL_CERT_DIR are \
                trusted as well"
    )]
    pub(crate) ca_cert: Vec<PathBuf>,
    /// Leave out the `Use-Admin-Privileges: true` header the official SDK
    /// sends with every request (some instances refuse a key holder who is
    /// not an admin when it is sent)
    #[arg(long, global = true)]
    pub(crate) no_admin_privileges: bool,
}

impl Global {
    /// Whether stdout carries JSON (`--json` or `--jsonl`), and errors with it.
    pub(crate) fn machine_readable(&self) -> bool {
        self.json || self.jsonl
    }
}

/// A page size, by the domain's rule: clap puts the rule's words after
/// `invalid value '0' for '--page-size <N>'`, one line naming the range.
fn page_size(text: &str) -> Result<PageSize, String> {
    let size = text.trim().parse::<u64>().map_err(|_| {
        format!(
            "is not a whole number; a page holds 1 to {} users",
            PageSize::MAX
        )
    })?;
    PageSize::new(size).map_err(|error| error.to_string())
}

/// Refuses a value shaped like an api key's secret, without echoing it:
/// clap quotes the value before this message, masked (see `main.rs`).
fn not_a_secret(text: &str, what: &str) -> Result<(), String> {
    if ApiKeySecret::is_key_shaped(text.trim()) {
        return Err(format!(
            "looks like an api key's secret, not {what}; nothing was sent (clear it from \
             your shell history)"
        ));
    }
    Ok(())
}

/// A user to add to a team or to act on: a username, or an email when the
/// value holds an '@' (the official SDK's rule).
fn invitee(text: &str) -> Result<Invitee, String> {
    not_a_secret(text, "a username or an email")?;
    Invitee::parse(text).map_err(|_| {
        "is neither a username nor an email address: give a username (no white space) \
         or an email such as ada@example.com"
            .to_owned()
    })
}

fn team_name(text: &str) -> Result<TeamName, String> {
    not_a_secret(text, "a team's name")?;
    TeamName::parse(text.trim()).map_err(|error| format!("is not a team's name: {error}"))
}

fn username(text: &str) -> Result<Username, String> {
    not_a_secret(text, "a username")?;
    Username::parse(text.trim()).map_err(|error| format!("is not a username: {error}"))
}

fn role(text: &str) -> Result<TeamRole, String> {
    not_a_secret(text, "a role")?;
    TeamRole::parse(text.trim()).map_err(|_| {
        "is not a team role: use admin, member, viewer, or a custom role's name \
         (no white space)"
            .to_owned()
    })
}

/// A service account's description, which is also its name: not blank, not a key.
fn description(text: &str) -> Result<String, String> {
    not_a_secret(text, "a description")?;
    if text.trim().is_empty() {
        return Err("is empty; say what the account is for, such as 'nightly CI'".to_owned());
    }
    Ok(text.trim().to_owned())
}

/// The longest `--timeout`: a day, the longest wait the client accepts.
pub(crate) const MAX_TIMEOUT_SECS: u64 = 24 * 60 * 60;

/// What a header can carry, and not blank: an empty User-Agent would be a
/// silent default of the server's choosing.
fn user_agent(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err(format!(
            "is empty; give the client name to send, such as '{SDK_USER_AGENT}'"
        ));
    }
    if !text.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        return Err(format!(
            "may hold only printable ASCII characters, such as '{SDK_USER_AGENT}'"
        ));
    }
    Ok(text.to_owned())
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show the user the credentials belong to
    Whoami,
    /// Look up, search and create users; deactivate, promote and offboard them
    #[command(subcommand)]
    User(UserCommand),
    /// List and show teams, create them, and manage their members
    #[command(subcommand)]
    Team(TeamCommand),
    /// Create and list service accounts: accounts for automation, made in a team
    #[command(subcommand)]
    ServiceAccount(ServiceAccountCommand),
    /// List, generate, delete and rotate API keys
    #[command(subcommand)]
    Key(KeyCommand),
    /// Create the users listed in a file that do not exist yet
    #[command(long_about = PROVISION_HELP.as_str())]
    Provision(ProvisionArgs),
    /// Write the instance's people to a state file (admins only)
    #[command(long_about = EXPORT_HELP)]
    Export(ExportArgs),
    /// Show what apply would change, and exit 9 if anything would (admins only)
    #[command(long_about = PLAN_HELP.as_str())]
    Plan(PlanArgs),
    /// Make the instance what a state file says (admins only)
    #[command(long_about = APPLY_HELP)]
    Apply(ApplyArgs),
    /// Run the whole story against an emulator started in-process (needs no server or key)
    ///
    /// Only in a build with the `demo` feature; without it, says how to get one.
    #[command(hide = cfg!(not(feature = "demo")))]
    Demo,
    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        shell: Shell,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Show one user, named exactly or by a unique search match
    Get {
        #[arg(value_name = "USERNAME_OR_EMAIL")]
        user: String,
    },
    /// List the users whose username or email starts or ends with QUERY (admins only)
    ///
    /// Rows are printed page by page as the server sends them, so memory
    /// stays flat however many users match; the table's columns are as wide
    /// as the first page needs (a wider cell later pushes the rest of its row
    /// right, never cut). Users the server sent but that cannot be read are
    /// reported (on stderr, or in the JSON) and make the exit code 8.
    Search {
        /// Omit to list every user
        #[arg(value_name = "QUERY", default_value = "")]
        query: String,
        #[arg(long, value_name = "N", value_parser = page_size, help = PAGE_SIZE_HELP.as_str())]
        page_size: Option<PageSize>,
    },
    /// Create a user (admins only)
    Create {
        email: String,
        /// Make the new user an instance admin
        #[arg(long)]
        admin: bool,
    },
    /// Deactivate users: they stay listed, cannot log in, and their keys stop
    /// working until reactivated (admins only)
    ///
    /// Each user's outcome is reported; one already deactivated is reported
    /// so. Deactivating yourself or the last active instance admin is refused.
    /// With several users, the exit code is 8 when one failed, else 7 when
    /// one's outcome is unknown (the server's answer was lost).
    Deactivate(Users),
    /// Reactivate deactivated users: their keys work again (admins only)
    Reactivate(Users),
    /// Make users instance admins (admins only)
    Promote(Users),
    /// Take instance admin away from users (admins only)
    ///
    /// Demoting yourself or the last active instance admin is refused.
    Demote(Users),
    /// Offboard a leaver: revoke every key they hold, take them out of every
    /// team, take instance admin away, deactivate them (admins only)
    ///
    /// Shows the plan first, read from the server just now, and asks before
    /// doing it when standard input is a terminal; without one, --yes is
    /// needed. Every step's outcome is reported; a step that fails does not
    /// stop the others, and the exit code is then 8, else 7 when a step's
    /// outcome is unknown (the server's answer was lost). Running it again
    /// does only what is left, and says so when nothing is.
    Offboard {
        /// A username, or an email (a value with '@'), named exactly
        #[arg(value_name = "USER", value_parser = invitee)]
        user: Invitee,
        /// Do it without asking (what a script must pass)
        #[arg(short, long)]
        yes: bool,
        /// Show what it would do, and change nothing
        #[arg(long)]
        dry_run: bool,
    },
}

/// The users a lifecycle command acts on, each named exactly.
#[derive(Debug, Args)]
pub(crate) struct Users {
    /// Each a username, or an email (a value with '@'), named exactly
    #[arg(value_name = "USER", required = true, value_parser = invitee)]
    pub(crate) users: Vec<Invitee>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TeamCommand {
    /// List your teams, or with --all every team any user is in (admins only)
    List {
        /// Every user's teams, read page by page as `user search` reads users
        #[arg(long)]
        all: bool,
        #[arg(
            long,
            value_name = "N",
            value_parser = page_size,
            requires = "all",
            help = PAGE_SIZE_HELP.as_str()
        )]
        page_size: Option<PageSize>,
    },
    /// Show a team and its members
    Show {
        /// The team's name
        #[arg(value_name = "TEAM", value_parser = team_name)]
        team: TeamName,
    },
    /// Create a team, with you (or --admin) as its first member and admin
    ///
    /// A team's name is shared with the users' names: a team cannot be named
    /// as an existing user or team.
    Create {
        /// The team's name
        #[arg(value_name = "TEAM", value_parser = team_name)]
        team: TeamName,
        /// The team's admin and first member [default: you]
        #[arg(long, value_name = "USERNAME", value_parser = username)]
        admin: Option<Username>,
    },
    /// Add users to a team (team admins and instance admins)
    ///
    /// Each user's outcome is reported; one already a member is a failure
    /// (exit code 5), as is one nobody is named by (3). With several users,
    /// the exit code is 8 when one failed, else 7 when one's outcome is
    /// unknown (the server's answer was lost).
    Add {
        /// The team's name
        #[arg(value_name = "TEAM", value_parser = team_name)]
        team: TeamName,
        /// Each a username, or an email (a value with '@')
        #[arg(value_name = "USER", required = true, value_parser = invitee)]
        users: Vec<Invitee>,
        /// Their role: admin, member, viewer, or a custom role's name
        #[arg(long, value_name = "ROLE", default_value = "member", value_parser = role)]
        role: TeamRole,
    },
    /// Take users out of a team (team admins and instance admins)
    Remove {
        /// The team's name
        #[arg(value_name = "TEAM", value_parser = team_name)]
        team: TeamName,
        /// Each a username, or an email (a value with '@')
        #[arg(value_name = "USER", required = true, value_parser = invitee)]
        users: Vec<Invitee>,
    },
    /// Change a member's role in a team (team admins and instance admins)
    Role {
        /// The team's name
        #[arg(value_name = "TEAM", value_parser = team_name)]
        team: TeamName,
        /// A username, or an email (a value with '@')
        #[arg(value_name = "USER", value_parser = invitee)]
        user: Invitee,
        /// admin, member, viewer, or a custom role's name
        #[arg(value_name = "ROLE", value_parser = role)]
        role: TeamRole,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ServiceAccountCommand {
    /// Create a service account in a team, and print it (team admins and instance admins)
    ///
    /// With --with-key, also a key for it, whose secret is printed once. W&B
    /// makes keys only for their holder, so the key is made by acting as the
    /// account, with the key the server shows its team's admins; where the
    /// server shows none, the account is created and printed all the same,
    /// then an error says so (exit code 11).
    Create {
        /// The team's name
        #[arg(value_name = "TEAM", value_parser = team_name)]
        team: TeamName,
        /// What the account is for; it is also the account's name
        #[arg(value_name = "DESCRIPTION", value_parser = description)]
        description: String,
        /// Also make a key for the account, and print its secret once
        #[arg(long)]
        with_key: bool,
        /// A note saying what the key is for
        #[arg(long, value_name = "TEXT", requires = "with_key")]
        key_description: Option<String>,
    },
    /// List the service accounts of a team, or of each of your teams
    List {
        /// [default: each of your teams]
        #[arg(value_name = "TEAM", value_parser = team_name)]
        team: Option<TeamName>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// List API keys (names only: a secret is never listed)
    List {
        /// Whose keys (admins only) [default: your own]
        #[arg(long, value_name = "USERNAME_OR_EMAIL", conflicts_with = "all")]
        user: Option<String>,
        /// Every user's keys: an audit of who holds which key (admins only).
        /// Streamed page by page as `user search` is; a user that cannot be
        /// read is reported and makes the exit code 8
        #[arg(long)]
        all: bool,
        #[arg(
            long,
            value_name = "N",
            value_parser = page_size,
            requires = "all",
            help = PAGE_SIZE_HELP.as_str()
        )]
        page_size: Option<PageSize>,
    },
    /// Generate a new API key for yourself and print its secret, once
    ///
    /// W&B makes keys only for the caller: there is no way to generate a key
    /// for another user. To give a user a key, they must run this with their
    /// own credentials.
    Generate {
        /// A note saying what the key is for
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
    /// Delete an API key by name or id
    Delete {
        #[arg(value_name = "NAME_OR_ID")]
        key: String,
        /// Whose key (admins only) [default: your own]
        #[arg(long, value_name = "USERNAME_OR_EMAIL")]
        user: Option<String>,
    },
    /// Replace one of your keys: generate a new one, print its secret once, revoke the old
    ///
    /// The new key is printed even when revoking the old one fails; the old key
    /// is then still alive and the exit code says why.
    Rotate {
        #[arg(value_name = "NAME_OR_ID")]
        key: String,
        /// Description of the new key [default: the old key's]
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ProvisionArgs {
    /// CSV with header `email,admin` (admin optional) or JSON lines `{"email": "...", "admin": true}`; '-' for stdin
    #[arg(value_hint = ValueHint::AnyPath)]
    pub(crate) file: Input,
    /// The file's format [default: from the extension (.csv, .jsonl, .ndjson), else JSON lines if the content starts with '{']
    #[arg(long, value_enum)]
    pub(crate) format: Option<FileFormat>,
    /// Only check which users exist; create nothing
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// How many requests to have in flight at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub(crate) concurrency: u16,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Write the state to this file, whole or not at all [default: standard output]
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) output: Option<PathBuf>,
    /// The file's format [default: toml; json with --json]
    #[arg(long, value_enum)]
    pub(crate) format: Option<StateFormat>,
}

/// The two formats of a state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StateFormat {
    Toml,
    Json,
}

/// What `plan` and `apply` both take: the file, and how to plan.
#[derive(Debug, Args)]
pub(crate) struct DesiredArgs {
    /// The state file (TOML or JSON, as `export` writes it); '-' for stdin
    #[arg(value_name = "FILE", value_hint = ValueHint::AnyPath)]
    pub(crate) file: Input,
    /// Deactivate the active users the file does not list (never purged;
    /// service accounts are never pruned)
    #[arg(long)]
    pub(crate) prune: bool,
    /// Allow the plan to deactivate up to N users (with --prune, more than
    /// 10% of the active users needs it)
    #[arg(long, value_name = "N")]
    pub(crate) max_deactivate: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    pub(crate) desired: DesiredArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    #[command(flatten)]
    pub(crate) desired: DesiredArgs,
    /// Apply without being asked (what a script must pass)
    #[arg(short, long)]
    pub(crate) yes: bool,
    /// How many changes to have in flight at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub(crate) concurrency: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FileFormat {
    Csv,
    Jsonl,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_option_takes_a_key() {
        let command = Cli::command();
        let mut names = Vec::new();
        collect_long_names(&command, &mut names);
        assert!(
            names.iter().all(|name| !name.contains("key")
                || ["api-key-file", "with-key", "key-description"].contains(&name.as_str())),
            "{names:?}"
        );
    }

    #[test]
    fn users_teams_and_roles_are_parsed_by_the_domain_s_rules() {
        let parsed = Cli::try_parse_from([
            "wbusers",
            "team",
            "add",
            "ml",
            "ada",
            "bo@example.com",
            "--role",
            "VIEWER",
        ])
        .unwrap();

        let Command::Team(TeamCommand::Add { team, users, role }) = parsed.command else {
            panic!("{parsed:?}");
        };
        assert_eq!(team.as_str(), "ml");
        assert!(matches!(users[0], Invitee::Username(_)));
        assert!(matches!(users[1], Invitee::Email(_)));
        assert_eq!(role, TeamRole::Viewer);
        for bad in [
            &["team", "add", "ml", "a b"][..],
            &["team", "add", "m l", "ada"],
            &["team", "role", "ml", "ada", "two words"],
            &["team", "add", "ml"],
            &["user", "deactivate"],
            &["user", "offboard", "@"],
            &["service-account", "create", "ml", " "],
            &[
                "service-account",
                "create",
                "ml",
                "ci",
                "--key-description",
                "x",
            ],
        ] {
            let error = Cli::try_parse_from(std::iter::once("wbusers").chain(bad.iter().copied()));
            assert!(error.is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_key_given_as_a_user_team_or_role_is_refused_without_being_repeated() {
        let key = "0123456789abcdefghij0123456789abcdefghij";
        for args in [
            vec!["team", "show", key],
            vec!["team", "add", "ml", key],
            vec!["team", "role", "ml", "ada", key],
            vec!["team", "create", "ml", "--admin", key],
            vec!["user", "offboard", key],
            vec!["user", "deactivate", "ada", key],
            vec!["service-account", "create", "ml", key],
        ] {
            let error = Cli::try_parse_from(std::iter::once("wbusers").chain(args.iter().copied()))
                .unwrap_err();
            let message = error.to_string();
            assert!(
                message.contains("looks like an api key's secret"),
                "{args:?}: {message}"
            );
        }
    }

    #[test]
    fn a_user_agent_must_be_printable_text() {
        let parse = |ua: &str| Cli::try_parse_from(["wbusers", "--user-agent", ua, "whoami"]);

        let sdk = parse(SDK_USER_AGENT).unwrap();

        assert_eq!(sdk.global.user_agent.as_deref(), Some(SDK_USER_AGENT));
        for bad in ["", "  ", "line\nbreak", "caf\u{e9}"] {
            let error = parse(bad).unwrap_err();
            assert_eq!(
                error.kind(),
                clap::error::ErrorKind::ValueValidation,
                "{bad:?}"
            );
        }
    }

    fn collect_long_names(command: &clap::Command, names: &mut Vec<String>) {
        names.extend(
            command
                .get_arguments()
                .filter_map(|arg| arg.get_long().map(str::to_owned)),
        );
        for sub in command.get_subcommands() {
            collect_long_names(sub, names);
        }
    }
}
