use std::{
    fmt,
    net::{Ipv4Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use secrecy::ExposeSecret;
use tokio::{net::TcpListener, sync::oneshot};
use users_domain::{ApiKeySecret, Backend, User};
use users_memory::{InMemoryWorld, Seed, SeedError, SeedKey, SeedUser};

use crate::{EmulatorError, Faults, RunningEmulator, http, serve};

/// The email of the admin the emulator adds to hold its admin key, unless a
/// seeded user holds that key; no other seeded user may have it.
pub const BOOTSTRAP_ADMIN_EMAIL: &str = "admin@localhost";
/// The username of that bootstrap admin, reserved the same way.
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
    /// A builder with every default: listen on a free loopback port, serve an
    /// empty in-memory world plus the bootstrap admin, with a fresh admin key.
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
    repository: Option<Arc<dyn Backend>>,
    world: Option<InMemoryWorld>,
    limits: Limits,
}

/// How long a client may take, and how much work one request may ask for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// From the connection's start (or the previous response) to the end of
    /// the request's headers.
    pub(crate) header_read_timeout: Duration,
    /// From the headers to the response: the body and its execution.
    pub(crate) request_timeout: Duration,
    /// Added before every request is served.
    pub(crate) latency: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            latency: Duration::ZERO,
        }
    }
}

impl EmulatorBuilder {
    /// Where to listen; default `127.0.0.1:0` (a free port, see [`RunningEmulator::local_addr`]).
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = Some(addr);
        self
    }

    /// The longest a client may take to send a request's headers, from when
    /// the connection opens or its previous answer was sent; then the
    /// connection is closed. Default: 10 s.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.header_read_timeout = timeout;
        self
    }

    /// The longest one request may take from its headers to its answer (its
    /// body read, and its execution); past it the answer is 408. Default: 30 s.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.limits.request_timeout = timeout;
        self
    }

    /// Serves this in-memory world (built with
    /// [`InMemoryWorld::read_seed`] from a large file, or
    /// [`InMemoryWorld::synthetic`], say) instead of one built from a seed.
    #[must_use]
    pub fn world(mut self, world: InMemoryWorld) -> Self {
        self.world = Some(world);
        self
    }

    /// Every request waits this long before it is served, as if the server
    /// were far away: for measuring and testing how a client copes with
    /// latency. Default: none.
    #[must_use]
    pub fn latency(mut self, latency: Duration) -> Self {
        self.limits.latency = latency;
        self
    }

    /// Users, teams and keys to start the in-memory repository with.
    #[must_use]
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The admin's key; default a fresh one. Unless a seeded user holds it, the
    /// emulator adds the admin `admin@localhost` (username `admin`) holding it;
    /// a seeded holder must be a live admin.
    #[must_use]
    pub fn admin_key(mut self, key: ApiKeySecret) -> Self {
        self.admin_key = Some(key);
        self
    }

    /// Serves `root` instead of the in-memory repository: each request acts
    /// through `root.act_as(<the request's key>)`.
    #[must_use]
    pub fn repository(mut self, root: Arc<dyn Backend>) -> Self {
        self.repository = Some(root);
        self
    }

    /// Binds the address and serves until [`RunningEmulator::shutdown`] or drop.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::Seed`] when the seed is not valid;
    /// [`EmulatorError::AdminKeyHolderNotAdmin`] / [`EmulatorError::AdminKeyHolderDeleted`]
    /// when the seeded user holding the admin key is not an admin or is soft-deleted;
    /// [`EmulatorError::BootstrapEmailTaken`] / [`EmulatorError::BootstrapUsernameTaken`]
    /// when a seeded user who does not hold the admin key has the bootstrap admin's
    /// email or username; [`EmulatorError::Bind`] when the address cannot be bound;
    /// [`EmulatorError::AdminKeyRequired`] / [`EmulatorError::SeedWithRepository`]
    /// when a custom repository comes without an admin key or with a seed.
    pub async fn start(self) -> Result<RunningEmulator, EmulatorError> {
        let (root, admin_key) = if let Some(root) = self.repository {
            if self.seed.is_some() || self.world.is_some() {
                return Err(EmulatorError::SeedWithRepository);
            }
            let key = self.admin_key.ok_or(EmulatorError::AdminKeyRequired)?;
            (root, key)
        } else {
            let key = self
                .admin_key
                .unwrap_or_else(InMemoryWorld::generate_secret);
            let world = match (self.seed, self.world) {
                (Some(_), Some(_)) => return Err(EmulatorError::SeedAndWorld),
                (Some(seed), None) => InMemoryWorld::from_seed(seed)?,
                (None, Some(world)) => world,
                (None, None) => InMemoryWorld::new(),
            };
            match world.key_holder(&key) {
                Some((index, holder)) => check_holder(index, &holder)?,
                None => add_bootstrap_admin(&world, &key)?,
            }
            let root: Arc<dyn Backend> = Arc::new(world.connect(key.clone()));
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
        let app = http::router(root, faults.clone(), self.limits);
        let task = tokio::spawn(serve::serve(
            listener,
            app,
            self.limits.header_read_timeout,
            stopped,
        ));
        if !local_addr.ip().is_loopback() {
            tracing::warn!(
                %local_addr,
                "listening beyond this machine over plain http: api keys cross the network unencrypted; listen on 127.0.0.1, or put a TLS proxy in front"
            );
        }
        tracing::info!(%local_addr, "emulator listening");
        Ok(RunningEmulator::new(
            local_addr, admin_key, faults, stop, task,
        ))
    }
}

/// The admin key must let its holder act as an admin: anything else would
/// make `admin_key()` a key that cannot administer.
fn check_holder(index: usize, holder: &User) -> Result<(), EmulatorError> {
    let email = holder.label();
    if holder.deleted_at.is_some() {
        Err(EmulatorError::AdminKeyHolderDeleted { index, email })
    } else if !holder.admin {
        Err(EmulatorError::AdminKeyHolderNotAdmin { index, email })
    } else {
        Ok(())
    }
}

/// Adds `admin@localhost` (username `admin`) holding `key`, for a seed in
/// which nobody holds it.
fn add_bootstrap_admin(world: &InMemoryWorld, key: &ApiKeySecret) -> Result<(), EmulatorError> {
    let admin = SeedUser::new(BOOTSTRAP_ADMIN_EMAIL)
        .username(BOOTSTRAP_ADMIN_USERNAME)
        .admin(true)
        .key(SeedKey::new(key.expose_secret()));
    match world.seed_user(admin) {
        Ok(_) => Ok(()),
        // The seed itself was valid, so a clash can only be with the admin's
        // fixed email or username; its index would not be a seed index.
        Err(SeedError::EmailTaken { .. }) => Err(EmulatorError::BootstrapEmailTaken),
        Err(SeedError::UsernameTaken { .. }) => Err(EmulatorError::BootstrapUsernameTaken),
        Err(error) => Err(EmulatorError::Seed(error)),
    }
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("listen", &self.listen)
            .field("limits", &self.limits)
            .field(
                "seeded_users",
                &self.seed.as_ref().map(|seed| seed.users.len()),
            )
            .field("admin_key", &self.admin_key)
            .field("custom_repository", &self.repository.is_some())
            .field("world", &self.world)
            .finish()
    }
}
