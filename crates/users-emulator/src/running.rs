use std::{fmt, net::SocketAddr};

use tokio::{sync::oneshot, task::JoinHandle};
use users_domain::ApiKeySecret;

use crate::Faults;

/// An emulator serving in the background of this process.
///
/// Dropping it stops the server too (without waiting); prefer
/// [`shutdown`](Self::shutdown), which waits for in-flight requests.
pub struct RunningEmulator {
    local_addr: SocketAddr,
    admin_key: ApiKeySecret,
    faults: Faults,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    pub(crate) fn new(
        local_addr: SocketAddr,
        admin_key: ApiKeySecret,
        faults: Faults,
        stop: oneshot::Sender<()>,
        task: JoinHandle<()>,
    ) -> Self {
        Self {
            local_addr,
            admin_key,
            faults,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The base URL to give a client (`WANDB_BASE_URL`): `http://ADDR`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The address actually bound (the chosen port when asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The key of the emulator's admin.
    pub fn admin_key(&self) -> &ApiKeySecret {
        &self.admin_key
    }

    /// A handle to stage failures on this emulator (a lost answer, a hidden
    /// secret) for testing how a client copes; see [`Faults`]. Cheap: clones
    /// share the one set of armed faults, and may outlive the emulator.
    pub fn faults(&self) -> Faults {
        self.faults.clone()
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            if let Err(error) = task.await {
                tracing::error!(%error, "emulator task ended abnormally");
            }
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("local_addr", &self.local_addr)
            .field("admin_key", &self.admin_key)
            .finish_non_exhaustive()
    }
}
