//! `wbusers demo`: the whole story, told with real calls. An emulator starts
//! in-process on an ephemeral port and every call goes over HTTP through the
//! same GraphQL adapter the other commands use. It reads no environment, no
//! netrc and no flag but `--json`, so it runs the same on any machine.

use serde::Serialize;
use users_domain::{ApiKeySecret, Error, ExposeSecret as _, SecretString, UserAdmin};
use users_emulator::Emulator;
use users_graphql::{Environment, GraphqlUserRepository};
use users_memory::{InMemoryWorld, Seed, SeedKey, SeedUser};

use crate::exit::Exit;
use crate::failure::{During, Failure};
use crate::output::{Output, print};

mod story;

/// What `--json` prints: every step, in order.
#[derive(Debug, Serialize)]
struct DemoView {
    base_url: String,
    steps: Vec<Step>,
}

#[derive(Debug, Serialize)]
struct Step {
    title: String,
    lines: Vec<String>,
}

/// Tells the story as it happens (text) or keeps it for one JSON document.
struct Narrator {
    out: Output,
    steps: Vec<Step>,
}

impl Narrator {
    fn step(&mut self, title: &str, text: &str) -> Result<(), Failure> {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        if !self.out.json {
            let number = self.steps.len() + 1;
            let body = lines
                .iter()
                .map(|line| format!("    {line}"))
                .collect::<Vec<_>>()
                .join("\n");
            print(&format!("\n[{number}] {title}\n{body}"))?;
        }
        self.steps.push(Step {
            title: title.to_owned(),
            lines,
        });
        Ok(())
    }
}

/// Runs the demo.
///
/// # Errors
///
/// When the emulator cannot start or a step does not go as the story says.
pub(crate) async fn run(out: Output) -> Result<(), Failure> {
    let ada_key = InMemoryWorld::generate_secret();
    let seed = Seed::new().user(
        SeedUser::new("ada@example.com")
            .name("Ada Lovelace")
            .team("ml")
            .key(SeedKey::new(ada_key.expose_secret()).description("ada's workstation")),
    );
    let running = Emulator::builder()
        .listen(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .seed(seed)
        .start()
        .await
        .map_err(|error| {
            Failure::new(Exit::Failure, format!("cannot start the emulator: {error}"))
        })?;
    let base_url = running.base_url();
    let repository = GraphqlUserRepository::builder()
        .environment(Environment::default())
        .base_url(base_url.clone())
        .api_key(SecretString::from(
            running.admin_key().expose_secret().to_owned(),
        ))
        .build()
        .map_err(|error| Failure::config(error, During::DemoStep("connect to the emulator")));
    let mut narrator = Narrator {
        out,
        steps: Vec::new(),
    };
    let told = match repository {
        Ok(repository) => {
            let admin = UserAdmin::new(repository);
            story::tell(&admin, ada_key, &base_url, &mut narrator).await
        }
        Err(failure) => Err(failure),
    };
    running.shutdown().await;
    told?;
    if out.json {
        let view = DemoView {
            base_url,
            steps: narrator.steps,
        };
        out.result(&view, "")?;
    }
    Ok(())
}

/// A secret as the demo shows it: never whole.
fn masked(secret: &ApiKeySecret) -> String {
    secret.hint()
}

/// A step that failed where the story expected success.
fn broke(step: &'static str, error: Error) -> Failure {
    Failure::during(error, During::DemoStep(step))
}

/// A step that succeeded where the story expected a refusal.
fn unexpected(step: &str, what: &str) -> Failure {
    Failure::new(
        Exit::Failure,
        format!("demo step '{step}': {what}, which the emulator should have refused"),
    )
}
