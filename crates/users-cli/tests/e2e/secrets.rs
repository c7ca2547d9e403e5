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
