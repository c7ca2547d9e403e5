//! The domain crate must stay pure: no HTTP, async runtime or JSON crate in its
//! normal dependency tree. Checked from `cargo tree`, not by eye.

use std::path::Path;
use std::process::Command;

/// Crates whose presence would mean the domain learnt about the outside world.
const FORBIDDEN: &[&str] = &[
    "reqwest",
    "hyper",
    "http",
    "tokio",
    "axum",
    "async-graphql",
    "serde_json",
    "wiremock",
];

/// Runs the check.
///
/// # Errors
///
/// When `cargo tree` fails or a forbidden crate is found (all of them are named).
pub(crate) fn run(root: &Path) -> Result<(), String> {
    println!("==> domain purity: cargo tree -p users-domain -e normal");
    let output = Command::new("cargo")
        .args([
            "tree",
            "--package",
            "users-domain",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(root)
        .output()
        .map_err(|error| format!("domain purity: could not run cargo tree: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "domain purity: cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let tree = String::from_utf8_lossy(&output.stdout);
    let found = forbidden_in(&tree);
    if found.is_empty() {
        println!("==> domain purity: ok");
        Ok(())
    } else {
        Err(format!(
            "domain purity: users-domain depends on {}; move that code to an adapter crate",
            found.join(", ")
        ))
    }
}

/// The forbidden crate names that appear as packages in `cargo tree` output.
fn forbidden_in(tree: &str) -> Vec<&'static str> {
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    FORBIDDEN
        .iter()
        .copied()
        .filter(|forbidden| names.contains(forbidden))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::forbidden_in;

    #[test]
    fn names_every_forbidden_crate_found() {
        let tree = "users-domain v0.1.0\nsecrecy v0.10.3\ntokio v1.48.0\nserde_json v1.0.1\n";
        assert_eq!(forbidden_in(tree), vec!["tokio", "serde_json"]);
    }

    #[test]
    fn similar_names_are_not_mistaken_for_forbidden_ones() {
        let tree = "users-domain v0.1.0\nhttparse v1.0.0\ntokio-macros v2.0.0\n";
        assert!(forbidden_in(tree).is_empty());
    }
}
