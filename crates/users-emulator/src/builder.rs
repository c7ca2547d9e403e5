use std::{
    fmt,
    net::{Ipv4Addr, SocketAddr},
    sync::Arc,
};

use secrecy::ExposeSecret;
use tokio::{net::TcpListener, sync::oneshot};
use users_domain::{ApiKeySecret, Error, UserRepository};
use users_memory::{InMemoryWorld, Seed, SeedKey, SeedUser};

use crate::{
    EmulatorError, Faults, RunningEmulator,
    connection::{CuttableListener, Peer},
    http,
};

/// The email and username of the admin the emulator adds for its admin key.
pub const BOOTSTRAP_ADMIN_EMAIL: &str = "admin@localhost";
pub const BOOTSTRAP_ADMIN_USERNAME: &str = "admin";

/// A local W&B users server, started in-process.
///
/// ```no_run
/// # async fn demo() -> Result<(), users_emulator::EmulatorError> {
/// let emulator = users_emulator::Emulator::builder().start().await?;
/// println!("WANDB_BASE_URL={}", emulator.base_url());
/// emulator.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures an [`Emulator`]; every setter takes and returns the builder.
#[derive(Default)]
pub struct EmulatorBuilder {
    listen: Option<SocketAddr>,
    seed: Option<Seed>,
    admin_key: Option<ApiKeySecret>,
    repository: Option<Arc<dyn UserRepository>>,
}

impl EmulatorBuilder {
    /// Where to listen; default `127.0.0.1:0` (a free port, see [`RunningEmulator::local_addr`]).
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = Some(addr);
        self
    }

    /// Users, teams and keys to start the in-memory repository with.
    #[must_use]
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The admin's key; default a fresh one. Unless a seeded user holds it, the
    /// emulator adds the admin `admin@localhost` (username `admin`) holding it.
    #[must_use]
    pub fn admin_key(mut self, key: ApiKeySecret) -> Self {
        self.admin_key = Some(key);
        self
    }

    /// Serves `root` instead of the in-memory repository: each request acts
    /// through `root.act_as(<the request's key>)`.
    #[must_use]
    pub fn repository(mut self, root: Arc<dyn UserRepository>) -> Self {
        self.repository = Some(root);
        self
    }

    /// Binds the address and serves until [`RunningEmulator::shutdown`] or drop.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::Seed`] when the seed is not valid,
    /// [`EmulatorError::Bind`] when the address cannot be bound,
    /// [`EmulatorError::AdminKeyRequired`] / [`EmulatorError::SeedWithRepository`]
    /// when a custom repository comes without an admin key or with a seed.
    pub async fn start(self) -> Result<RunningEmulator, EmulatorError> {
        let (root, admin_key) = if let Some(root) = self.repository {
            if self.seed.is_some() {
                return Err(EmulatorError::SeedWithRepository);
            }
            let key = self.admin_key.ok_or(EmulatorError::AdminKeyRequired)?;
            (root, key)
        } else {
            let key = self
                .admin_key
                .unwrap_or_else(InMemoryWorld::generate_secret);
            let world = InMemoryWorld::from_seed(self.seed.unwrap_or_default())?;
            ensure_admin(&world, &key).await?;
            let root: Arc<dyn UserRepository> = Arc::new(world.connect(key.clone()));
            (root, key)
        };
        let addr = self
            .listen
            .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| EmulatorError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind { addr, source })?;
        let (stop, stopped) = oneshot::channel::<()>();
        let faults = Faults::default();
        let app = http::router(root, faults.clone()).into_make_service_with_connect_info::<Peer>();
        let server =
            axum::serve(CuttableListener::new(listener), app).with_graceful_shutdown(async {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            });
        let task = tokio::spawn(async move {
            if let Err(error) = server.await {
                tracing::error!(%error, "emulator server failed");
            }
        });
        tracing::info!(%local_addr, "emulator listening");
        Ok(RunningEmulator::new(
            local_addr, admin_key, faults, stop, task,
        ))
    }
}

/// Adds the bootstrap admin unless a seeded user already holds `key`.
async fn ensure_admin(world: &InMemoryWorld, key: &ApiKeySecret) -> Result<(), EmulatorError> {
    match world.connect(key.clone()).viewer().await {
        Ok(_) => Ok(()),
        Err(Error::Unauthenticated { .. }) => {
            world.seed_user(
                SeedUser::new(BOOTSTRAP_ADMIN_EMAIL)
                    .username(BOOTSTRAP_ADMIN_USERNAME)
                    .admin(true)
                    .key(SeedKey::new(key.expose_secret())),
            )?;
            Ok(())
        }
        Err(error) => Err(EmulatorError::Bootstrap(error)),
    }
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("listen", &self.listen)
            .field(
                "seeded_users",
                &self.seed.as_ref().map(|seed| seed.users.len()),
            )
            .field("admin_key", &self.admin_key)
            .field("custom_repository", &self.repository.is_some())
            .finish()
    }
}
