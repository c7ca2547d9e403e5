//! Failures the emulator's own rules cannot produce, served through it by
//! wrapping the in-memory repository.

use std::sync::Arc;

use async_trait::async_trait;
use users_domain::{
    ApiKeyId, ApiKeySecret, Email, Error, ExposeSecret as _, GeneratedApiKey, Result, User,
    UserRepository,
};
use users_memory::InMemoryWorld;

use crate::support::{SENTINEL, Server, run, seed};

/// Refuses every key deletion, as a server with a stricter policy might.
struct NoRevoke(Box<dyn UserRepository>);

#[async_trait]
impl UserRepository for NoRevoke {
    async fn viewer(&self) -> Result<User> {
        self.0.viewer().await
    }
    async fn search_users(&self, query: &str) -> Result<Vec<User>> {
        self.0.search_users(query).await
    }
    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        self.0.create_user(email, admin).await
    }
    async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        self.0.generate_api_key(description).await
    }
    async fn delete_api_key(&self, _: &ApiKeyId) -> Result<()> {
        Err(Error::PermissionDenied {
            reason: "keys cannot be deleted on this server".into(),
        })
    }
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn UserRepository> {
        Box::new(Self(self.0.act_as(secret)))
    }
}

fn no_revoke_server() -> Server {
    let admin_key = InMemoryWorld::generate_secret();
    let world = InMemoryWorld::from_seed(
        seed().user(
            users_memory::SeedUser::new("root@example.com")
                .admin(true)
                .key(users_memory::SeedKey::new(admin_key.expose_secret())),
        ),
    )
    .unwrap();
    let root = NoRevoke(Box::new(world.connect(admin_key.clone())));
    Server::serving(Arc::new(root), admin_key)
}

fn member_key_id(server: &Server) -> String {
    let list = run(server.as_member().args(["key", "list", "--json"])).json();
    list["keys"][0]["id"].as_str().unwrap().to_owned()
}

#[test]
fn a_rotation_whose_revocation_fails_still_prints_the_new_key_and_says_the_old_one_lives() {
    let server = no_revoke_server();
    let old_id = member_key_id(&server);

    let text = run(server.as_member().args(["key", "rotate", &old_id]));

    let line = text.failed(4);
    assert!(
        line.contains("the new key is ready but the old key"),
        "{line}"
    );
    assert!(line.contains("is still alive"), "{line}");
    assert!(
        line.contains(&format!("wbusers key delete {old_id}")),
        "{line}"
    );
    let secret = text
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("secret"))
        .unwrap()
        .trim();
    assert!(!text.stdout.contains("revoked"), "{text:?}");
    let whoami = run(server.as_key(secret).args(["whoami", "--json"]));
    assert_eq!(whoami.json()["username"], "member");
    assert!(!text.all().contains(SENTINEL));
}

#[test]
fn a_rotation_whose_revocation_fails_reports_it_in_json() {
    let server = no_revoke_server();
    let old_id = member_key_id(&server);

    let out = run(server
        .as_member()
        .args(["--json", "key", "rotate", &old_id]));

    assert_eq!(out.code, 4, "{out:?}");
    let json = out.json();
    assert_eq!(json["revoked"], false);
    assert!(
        json["revoke_error"]
            .as_str()
            .unwrap()
            .contains("cannot be deleted")
    );
    assert_eq!(json["old_key"]["id"], old_id.as_str());
    assert_eq!(json["secret"].as_str().unwrap().len(), 40);
    let error: serde_json::Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(error["error"]["kind"], "auth");
}
