//! Entry points for the coverage-guided fuzz targets in `fuzz/`, built only
//! with the non-default `fuzzing` feature. Not an API: each function takes the
//! fuzzer's bytes, runs this crate's private readers on them exactly as a call
//! does, and panics only where a promise of the crate breaks (a panic is what
//! the fuzzer reports as a crash).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use reqwest::StatusCode;
use secrecy::ExposeSecret as _;
use secrecy::zeroize::Zeroizing;
use serde::de::DeserializeOwned;
use users_domain::{ApiKeySecret, Error};

use crate::KeySource;
use crate::authorization::Authorization;
use crate::outcome::{self, Answer, Body, Context, Exchange};
use crate::wire::{
    CREATE_INVITE, CREATE_SERVICE_ACCOUNT, CREATE_TEAM, CREATE_USER, CreatedTeam, CreatedUser,
    DELETE_API_KEY, DELETE_INVITE, DELETE_USER, Deleted, EntityData, GENERATE_API_KEY, GET_VIEWER,
    GeneratedKey, Invited, LIST_USERS, LifecycleData, MemberKeys, MutationData, NewServiceAccount,
    Operation, RoleChanged, SEARCH_USERS, TEAM_MEMBER_KEYS, TEAM_MEMBERS, UNDELETE_USER,
    UPDATE_MEMBER, UPDATE_USER, USER_BY_ID, UsersData, ViewerData, ViewerKeys, WireTeam, WireUser,
};

/// The key the fuzzed client holds. A server may echo it (whole or cut
/// short, or the `Authorization` token made from it); no error may show it.
pub const PLANTED_KEY: &str = "plantedFuzzKey_QwErTyUiOpAsDfGhJkLzXcVbN";

/// The shortest run of the key or its token that must never be shown: the
/// length from which `outcome` blots a server's echo out.
const SHOWN_RUN: usize = 12;

/// The statuses an answer is given, picked by the input's first byte: mostly
/// success, and every status the outcome table names.
const STATUSES: [u16; 32] = [
    200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 302, 307, 400, 401, 403, 404, 405, 408,
    409, 410, 413, 418, 422, 429, 499, 500, 501, 502, 503, 504, 599,
];

static AUTHORIZATION: LazyLock<Authorization> = LazyLock::new(|| {
    let secret = ApiKeySecret::parse(PLANTED_KEY).expect("the planted key is a valid key");
    Authorization::new(secret, KeySource::Builder)
});

/// Every run of [`SHOWN_RUN`] characters of the key and of its token.
static SECRET_RUNS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let token = AUTHORIZATION.token.expose_secret();
    [PLANTED_KEY, token]
        .iter()
        .flat_map(|secret| {
            (0..=secret.len() - SHOWN_RUN).map(move |at| secret[at..at + SHOWN_RUN].to_owned())
        })
        .collect()
});

/// An HTTP answer to each of the operations, read as the repository
/// reads it (`outcome::interpret` into each operation's data, and the
/// server-fault check that decides a query's retry).
///
/// The first byte picks the status, the second whether the answer says it is
/// HTML and carries `Retry-After`; the rest is the body.
///
/// # Panics
///
/// When an error's message shows a run of the client's key or token.
pub fn graphql_response(data: &[u8]) {
    let (status, html, retry_after, body) = match data {
        [status, flags, body @ ..] => (
            STATUSES[usize::from(*status) % STATUSES.len()],
            flags & 1 == 1,
            (flags & 2 == 2).then(|| Duration::from_secs(u64::from(flags >> 2))),
            body,
        ),
        _ => return,
    };
    let Ok(status) = StatusCode::from_u16(status) else {
        return;
    };
    let answer = || Answer {
        status,
        retry_after,
        location: Some("https://elsewhere.example/graphql?token=x".to_owned()),
        html,
        body: Body::Complete(Zeroizing::new(body.to_vec())),
        attempts: 1 + u32::from(status.is_server_error()),
    };
    for op in [
        &GET_VIEWER,
        &SEARCH_USERS,
        &LIST_USERS,
        &USER_BY_ID,
        &CREATE_USER,
        &GENERATE_API_KEY,
        &DELETE_API_KEY,
        &DELETE_USER,
        &UNDELETE_USER,
        &UPDATE_USER,
        &TEAM_MEMBERS,
        &TEAM_MEMBER_KEYS,
        &CREATE_TEAM,
        &CREATE_INVITE,
        &DELETE_INVITE,
        &UPDATE_MEMBER,
        &CREATE_SERVICE_ACCOUNT,
    ] {
        let _ = outcome::reports_server_fault(op, &answer());
    }
    read::<ViewerData<WireUser>>(&GET_VIEWER, answer());
    read::<ViewerData<ViewerKeys>>(&GET_VIEWER, answer());
    if let Some(users) = read::<UsersData>(&SEARCH_USERS, answer()) {
        let _ = users.into_users();
    }
    if let Some(page) = read::<UsersData>(&LIST_USERS, answer()) {
        let _ = page.into_rows();
    }
    read::<MutationData<CreatedUser>>(&CREATE_USER, answer());
    read::<MutationData<GeneratedKey>>(&GENERATE_API_KEY, answer());
    read::<MutationData<Deleted>>(&DELETE_API_KEY, answer());
    for op in [&DELETE_USER, &UNDELETE_USER, &UPDATE_USER] {
        read::<LifecycleData>(op, answer());
    }
    if let Some(team) = read::<EntityData<WireTeam>>(&TEAM_MEMBERS, answer()) {
        let _ = team.entity.map(users_domain::Team::from);
    }
    read::<EntityData<MemberKeys>>(&TEAM_MEMBER_KEYS, answer());
    read::<MutationData<CreatedTeam>>(&CREATE_TEAM, answer());
    read::<MutationData<Invited>>(&CREATE_INVITE, answer());
    read::<MutationData<Deleted>>(&DELETE_INVITE, answer());
    read::<MutationData<RoleChanged>>(&UPDATE_MEMBER, answer());
    read::<MutationData<NewServiceAccount>>(&CREATE_SERVICE_ACCOUNT, answer());
}

/// One answer read as `op`'s data; an error is checked for the secret.
fn read<T: DeserializeOwned>(op: &Operation, answer: Answer) -> Option<T> {
    let ctx = Context {
        op,
        subject: "user fuzz@example.com",
        endpoint: "https://wandb.example/graphql",
        authorization: &AUTHORIZATION,
    };
    match outcome::interpret::<T>(Exchange::Answered(answer), &ctx) {
        Ok(data) => Some(data),
        Err(error) => {
            assert_hides_the_key(&error);
            None
        }
    }
}

fn assert_hides_the_key(error: &Error) {
    let message = error.to_string();
    if let Some(run) = SECRET_RUNS
        .iter()
        .find(|run| message.contains(run.as_str()))
    {
        panic!("an error shows {run:?} of the client's key or token: {message}");
    }
}

/// The password that must never show in a base URL's error.
const PLANTED_PASSWORD: &str = "plantedUrlPassword7";
/// The query that must never show in a base URL's error.
const PLANTED_QUERY: &str = "plantedUrlQuery7";

/// The files the netrc target writes, one pair per process (libFuzzer's
/// `-fork` and `-jobs` run several).
struct Files {
    netrc: PathBuf,
    config_dir: PathBuf,
}

static FILES: LazyLock<Files> = LazyLock::new(|| {
    // In memory where there is such a folder: a disk file rewritten at every
    // run is flushed at every close (ext4), a hundred times slower.
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("users-graphql-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder for the netrc target");
    Files {
        netrc: dir.join("netrc"),
        config_dir: dir,
    }
});

/// The client's configuration files as the builder reads them: the input up
/// to its first NUL byte is the SDK's settings file, whose `base_url` is
/// checked (also with a password and a query planted in it) and gives the
/// netrc machines; the rest is the netrc file, looked up for those machines.
///
/// # Panics
///
/// When an error shows the planted password or query, a netrc error shows
/// [`PLANTED_KEY`], or a temporary file cannot be written.
pub fn netrc(data: &[u8]) {
    let (settings, netrc) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&b""[..], data),
    };
    let files = &*FILES;
    write_private(&files.config_dir.join("settings"), settings);
    write_private(&files.netrc, netrc);

    let mut machines = vec![
        "api.wandb.ai".to_owned(),
        "localhost:8080".to_owned(),
        "localhost".to_owned(),
    ];
    if let Ok(Some(raw)) = crate::base_url::from_settings(Some(&files.config_dir), None) {
        if let Some(checked) = base_url(&raw, None) {
            machines = checked;
        }
        // As a URL parser reads it: tabs and line ends are dropped, so the
        // input may spell a planted word with them.
        let read: String = raw
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        if !read.contains(PLANTED_PASSWORD) && !read.contains(PLANTED_QUERY) {
            for (planted, secret) in planted_urls(&raw) {
                base_url(&planted, Some(secret));
            }
        }
    }
    if let Err(error) = crate::netrc::lookup(&files.netrc, &machines) {
        let message = error.to_string();
        assert!(
            !message.contains(PLANTED_KEY),
            "a netrc error shows a word of the file: {message}"
        );
    }
}

/// `raw` checked as a base URL (both with and without plain http allowed),
/// its message or text never showing `secret`; its netrc machines if it is
/// usable.
fn base_url(raw: &str, secret: Option<&str>) -> Option<Vec<String>> {
    let trimmed = raw.trim().trim_end_matches('/');
    let parsed = url::Url::parse(trimmed).ok();
    // A `*.localhost` host is resolved to decide whether it is loopback:
    // no name lookups while fuzzing.
    let host = parsed
        .as_ref()
        .and_then(|url| url.host_str().map(str::to_ascii_lowercase));
    if host.is_some_and(|host| host.trim_end_matches('.').ends_with(".localhost")) {
        return None;
    }
    // Only where the URL holds it as a password, query or fragment: planted
    // in front of a path, it is part of the path, which may be shown.
    let secret = secret.filter(|secret| {
        parsed.as_ref().is_none_or(|url| {
            [url.password(), url.query(), url.fragment()]
                .iter()
                .flatten()
                .any(|part| part.contains(secret))
        })
    });
    let mut machines = None;
    for allow_insecure_http in [false, true] {
        let shown = match crate::base_url::base_url(raw, allow_insecure_http) {
            Ok(checked) => {
                let shown = format!("{} {}", checked.text, checked.endpoint);
                machines = Some(checked.machines);
                shown
            }
            Err(error) => error.to_string(),
        };
        if let Some(secret) = secret.filter(|secret| shown.contains(secret)) {
            panic!("a base url's message or text shows {secret:?}: {shown}");
        }
    }
    machines
}

/// `raw` with a query appended, and with a password planted after its
/// scheme; each with what must not be shown of it.
fn planted_urls(raw: &str) -> Vec<(String, &'static str)> {
    let mut urls = vec![(format!("{}?q={PLANTED_QUERY}", raw.trim()), PLANTED_QUERY)];
    if let Some(at) = raw.find("://") {
        let (scheme, rest) = raw.split_at(at + 3);
        urls.push((
            format!("{scheme}user:{PLANTED_PASSWORD}@{rest}"),
            PLANTED_PASSWORD,
        ));
    }
    urls
}

/// Writes `bytes` to `path`, readable by its owner only (as netrc must be).
fn write_private(path: &Path, bytes: &[u8]) {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .expect("the fuzz target's temporary file can be written");
}
