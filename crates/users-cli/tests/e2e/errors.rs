//! Exit codes of each error class, and the shape of error reports.

use crate::support::{Server, bare, closed_port, hang_up_server, run, set_owner_only};

#[test]
fn help_lists_every_exit_code() {
    let home = tempfile::tempdir().unwrap();
    let out = run(bare(&home).arg("--help"));
    let help = out.ok();
    assert!(help.contains("Exit codes:"), "{help}");
    for code in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 130] {
        assert!(
            help.contains(&format!("\n  {code}  ")),
            "code {code} missing: {help}"
        );
    }
    assert!(help.contains("\n  9  plan: changes are pending"), "{help}");
    assert!(help.contains("docs/json.md"), "{help}");
}

#[test]
fn a_bad_command_line_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    // `failed` also checks that the error is one line.
    let unknown = run(bare(&home).arg("frobnicate"));
    assert!(unknown.failed(2).contains("'frobnicate'"), "{unknown:?}");
    let missing = run(bare(&home).args(["user", "create"]));
    assert!(missing.failed(2).contains("<EMAIL>"), "{missing:?}");
    run(bare(&home).args(["provision", "x", "--concurrency", "0"])).failed(2);
    run(bare(&home).args(["-v", "-q", "whoami"])).failed(2);
}

#[test]
fn a_bad_base_url_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let out = run(bare(&home).args(["--base-url", "ftp://x", "whoami"]));
    assert!(out.failed(2).contains("base url"), "{out:?}");
}

#[test]
fn plain_http_to_another_host_is_refused_unless_allowed() {
    let server = Server::start();
    // 0.0.0.0 is not loopback to the adapter, yet on Linux it reaches this machine.
    let url = server.base_url.replace("127.0.0.1", "0.0.0.0");

    let refused = run(server.as_admin().args(["--base-url", &url, "whoami"]));
    let allowed =
        run(server
            .as_admin()
            .args(["--base-url", &url, "--allow-insecure-http", "whoami"]));

    let line = refused.failed(2);
    assert!(line.contains("--allow-insecure-http"), "{line}");
    assert!(!line.contains("allow_insecure_http("), "{line}");
    assert!(allowed.ok().contains("admin@localhost"), "{allowed:?}");
}

#[test]
fn an_unreachable_server_is_unavailable() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}", closed_port());
    let out = run(bare(&home).env("WANDB_API_KEY", "k".repeat(40)).args([
        "--retries",
        "0",
        "--base-url",
        &url,
        "whoami",
    ]));
    let line = out.failed(6);
    assert!(line.contains("--base-url"), "{line}");
}

#[test]
fn a_create_whose_answer_is_lost_is_ambiguous() {
    let home = tempfile::tempdir().unwrap();
    let url = hang_up_server();
    let out = run(bare(&home).env("WANDB_API_KEY", "k".repeat(40)).args([
        "--retries",
        "0",
        "--base-url",
        &url,
        "user",
        "create",
        "x@example.com",
    ]));
    let line = out.failed(7);
    assert!(line.contains("wbusers user get x@example.com"), "{line}");
}

#[test]
fn errors_are_a_json_line_on_stderr_with_json() {
    let server = Server::start();
    let out = run(server.as_admin().args(["--json", "user", "get", "nobody"]));
    let line = out.failed(3);
    let error: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(error["error"]["kind"], "not_found");
    assert_eq!(error["error"]["exit_code"], 3);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nobody")
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn completions_are_printed_for_each_shell() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(bare(&home).args(["completions", shell]));
        assert!(out.ok().contains("wbusers"), "{shell}: {out:?}");
    }
    assert_eq!(run(bare(&home).args(["completions", "tcsh"])).code, 2);
}

#[test]
fn a_base_url_with_a_wrong_path_points_at_the_base_url_not_at_a_user() {
    let server = Server::start();
    let url = format!("{}/ab", server.base_url);
    let file = server.file("users.csv", "email\nx@example.com\n");
    for args in [
        vec!["whoami".to_owned()],
        vec!["key".to_owned(), "list".to_owned()],
        vec!["key".to_owned(), "generate".to_owned()],
        vec!["user".to_owned(), "search".to_owned(), "ada".to_owned()],
        vec!["provision".to_owned(), file.display().to_string()],
        vec!["user".to_owned(), "get".to_owned(), "ada".to_owned()],
        vec![
            "key".to_owned(),
            "delete".to_owned(),
            "laptop".to_owned(),
            "--user".to_owned(),
            "ada".to_owned(),
        ],
    ] {
        let out = run(server.as_admin().args(["--base-url", &url]).args(&args));
        let line = out.failed(6);
        assert!(
            line.contains("no GraphQL endpoint at") && line.contains("--base-url"),
            "{args:?}: {line}"
        );
        assert!(!line.contains("user search"), "{args:?}: {line}");
    }
}

#[test]
fn a_refused_key_gets_one_hint_naming_where_it_came_from() {
    let server = Server::start();
    let stranger = "k".repeat(40);
    let path = server.file("key", &stranger);

    let from_env = run(server.as_key(&stranger).arg("whoami"));
    let from_file = run(server
        .wbusers()
        .arg("--api-key-file")
        .arg(&path)
        .arg("whoami"));

    let line = from_env.failed(4);
    assert!(line.contains("the key came from WANDB_API_KEY"), "{line}");
    assert_eq!(line.matches("WANDB_API_KEY").count(), 1, "{line}");
    let line = from_file.failed(4);
    assert!(
        line.contains(&format!(
            "the key came from --api-key-file '{}'",
            path.display()
        )),
        "{line}"
    );
    assert!(!line.contains("WANDB_API_KEY"), "{line}");
}

#[test]
fn a_refused_key_from_standard_input_or_netrc_is_named_so() {
    let server = Server::start();
    let stranger = "k".repeat(40);
    let netrc = server.file(
        "netrc",
        &format!("machine 127.0.0.1 login user password {stranger}\n"),
    );
    set_owner_only(&netrc);

    let from_stdin = run(server
        .wbusers()
        .args(["whoami", "--api-key-file", "-"])
        .write_stdin(stranger.clone()));
    let from_netrc = run(server.wbusers().env("NETRC", &netrc).arg("whoami"));

    let line = from_stdin.failed(4);
    assert!(
        line.contains("the key came from --api-key-file - (standard input)"),
        "{line}"
    );
    let line = from_netrc.failed(4);
    assert!(
        line.contains(&format!(
            "the key came from the 'machine 127.0.0.1' entry of {}",
            netrc.display()
        )),
        "{line}"
    );
    assert!(!line.contains("WANDB_API_KEY"), "{line}");
}
