//! A secret shows up in exactly one place: the output of the command that
//! made it. Seeded keys and the admin key never appear at all.

use crate::support::{LEGACY, Run, SENTINEL, Server, run};

/// Every command, as text, as JSON and with full logging.
fn every_command(server: &Server) -> Vec<Vec<String>> {
    let file = server.file("users.csv", "email,admin\nmember@example.com,no\nbad,no\n");
    let file = file.display().to_string();
    let commands: [&[&str]; 13] = [
        &["whoami"],
        &["user", "get", "member"],
        &["user", "get", "legacy@example.com"],
        &["user", "get", "nobody"],
        &["user", "search", ""],
        &["user", "create", "member@example.com"],
        &["key", "list"],
        &["key", "list", "--user", "member"],
        &["key", "list", "--user", "legacy"],
        &["key", "delete", "nosuchkey", "--user", "member"],
        &["key", "rotate", "nosuchkey"],
        &["provision", &file],
        &["provision", &file, "--dry-run"],
    ];
    let mut all = Vec::new();
    for command in commands {
        for mode in [&[][..], &["--json"][..], &["-vv"][..]] {
            let mut args: Vec<String> = command.iter().map(|s| (*s).to_owned()).collect();
            args.extend(mode.iter().map(|s| (*s).to_owned()));
            all.push(args);
        }
    }
    all
}

fn assert_absent(out: &Run, secret: &str, what: &str, args: &[String]) {
    assert!(
        !out.all().contains(secret),
        "{what} leaked by {args:?}: {out:?}"
    );
}

#[test]
fn seeded_keys_and_the_admin_key_never_appear_in_any_output() {
    let server = Server::start();
    let mut runs = 0;
    for args in every_command(&server) {
        for holder in [server.admin_key.clone(), SENTINEL.to_owned()] {
            let out = run(server.as_key(&holder).args(&args));
            assert_ne!(out.code, 101, "panicked: {args:?} {out:?}");
            assert_absent(&out, SENTINEL, "the member's key", &args);
            assert_absent(&out, LEGACY, "the legacy key", &args);
            assert_absent(&out, &server.admin_key, "the admin key", &args);
            runs += 1;
        }
    }
    assert_eq!(runs, 13 * 3 * 2);
}

#[test]
fn a_new_secret_appears_in_key_generate_output_only() {
    let server = Server::start();

    let generated = run(server.as_member().args(["key", "generate", "-vv"]));
    let secret = generated
        .ok()
        .lines()
        .find_map(|line| line.strip_prefix("secret"))
        .unwrap()
        .trim()
        .to_owned();

    assert_eq!(generated.all().matches(&secret).count(), 1, "{generated:?}");
    for args in every_command(&server) {
        let out = run(server.as_key(&server.admin_key).args(&args));
        assert_absent(&out, &secret, "the generated key", &args);
        let out = run(server.as_key(&secret).args(&args));
        assert_absent(&out, &secret, "the generated key", &args);
    }
}

/// A key no server knows, typed or stored where it does not belong.
const STRAY: &str = "straykey0123456789abcdefghij0123456789xyzw";

/// The stray key, or any long piece of it, anywhere in the output.
fn assert_stray_absent(out: &Run, args: &[String]) {
    assert_ne!(out.code, 101, "panicked: {args:?} {out:?}");
    assert!(
        !out.all().contains(&STRAY[4..STRAY.len() - 4]),
        "the stray key leaked by {args:?}: {out:?}"
    );
}

/// Runs `args` as text, with `--json` and with `-vv`, as the admin.
fn in_every_mode(server: &Server, args: &[String]) -> Vec<Run> {
    [&[][..], &["--json"][..], &["-vv"][..]]
        .iter()
        .map(|mode| {
            let mut all = args.to_vec();
            all.extend(mode.iter().map(|s| (*s).to_owned()));
            let out = run(server.as_admin().args(&all));
            assert_stray_absent(&out, &all);
            out
        })
        .collect()
}

#[test]
fn a_key_file_netrc_or_dotenv_given_to_provision_is_not_echoed() {
    let server = Server::start();
    let files = [
        server.file("admin.key", &format!("{STRAY}\n")),
        server.file(
            "netrc",
            &format!("machine api.wandb.ai login user password {STRAY}\n"),
        ),
        server.file(
            "netrc-multi",
            &format!("machine api.wandb.ai\n  login user\n  password {STRAY}\n"),
        ),
        server.file(
            ".env",
            &format!("WANDB_API_KEY={STRAY}\nWANDB_BASE_URL=https://x.io\n"),
        ),
        server.file("quoted.env", &format!("export WANDB_API_KEY=\"{STRAY}\"\n")),
    ];
    for file in files {
        let args = vec!["provision".to_owned(), file.display().to_string()];
        for out in in_every_mode(&server, &args) {
            assert_eq!(out.code, 2, "{args:?} {out:?}");
        }
    }
}

#[test]
fn a_row_holding_a_key_is_reported_without_it() {
    let server = Server::start();
    let csv = server.file(
        "users.csv",
        &format!("email,admin\n{STRAY},no\nada@example.com,{STRAY}\nx@example.com {STRAY},no\n"),
    );
    let jsonl = server.file(
        "users.jsonl",
        &format!(
            "{{\"email\": \"{STRAY}\"}}\n{{\"token\": \"{STRAY}\"}}\n{{\"email\": \"a@example.com\", \"admin\": \"{STRAY}\"}}\nnot json {STRAY}\n"
        ),
    );
    for file in [csv, jsonl] {
        let args = vec!["provision".to_owned(), file.display().to_string()];
        for out in in_every_mode(&server, &args) {
            assert_eq!(out.code, 8, "{args:?} {out:?}");
        }
    }
}

#[test]
fn a_key_typed_where_a_path_or_a_name_belongs_is_not_echoed() {
    let server = Server::start();
    let commands: [&[&str]; 12] = [
        &["--api-key-file", STRAY, "whoami"],
        &["whoami", STRAY],
        &[STRAY],
        &["user", "create", STRAY],
        &["user", "search", STRAY],
        &["user", "get", STRAY],
        &["key", "list", "--user", STRAY],
        &["key", "delete", STRAY],
        &["key", "rotate", STRAY],
        &["provision", STRAY],
        &["--base-url", STRAY, "whoami"],
        &["provision", "x.csv", "--format", STRAY],
    ];
    for command in commands {
        let args: Vec<String> = command.iter().map(|s| (*s).to_owned()).collect();
        in_every_mode(&server, &args);
    }
}

#[test]
fn a_key_given_as_the_key_file_gets_its_own_advice() {
    let server = Server::start();
    let out = run(server.wbusers().args(["--api-key-file", STRAY, "whoami"]));
    let line = out.failed(2);
    assert!(
        line.contains("the value of --api-key-file looks like an api key, not a file"),
        "{line}"
    );
    assert!(line.contains("--api-key-file -"), "{line}");
}

#[test]
fn a_search_for_a_key_answers_without_it() {
    let server = Server::start();
    let text = run(server.as_admin().args(["user", "search", STRAY]));
    let json = run(server.as_admin().args(["user", "search", STRAY, "--json"]));
    assert!(
        text.ok().starts_with("no user matches 'stra…xyzw'"),
        "{text:?}"
    );
    assert_eq!(json.json()["query"], "stra…xyzw");
}
