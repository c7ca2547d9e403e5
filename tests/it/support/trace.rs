//! What the libraries log while one test runs, captured at TRACE.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing::subscriber::DefaultGuard;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Everything logged on this thread while it lives: the test's own calls
/// (a `#[tokio::test]` runs its tasks on its thread), never another test's.
pub(crate) struct Capture {
    log: Arc<Mutex<Vec<u8>>>,
    _scope: DefaultGuard,
}

/// Starts capturing what is logged on this thread.
pub(crate) fn capture() -> Capture {
    let log = Arc::new(Mutex::new(Vec::new()));
    let writer = Arc::clone(&log);
    let scope = tracing_subscriber::fmt()
        .with_max_level(LevelFilter::TRACE)
        .with_ansi(false)
        .with_writer(move || Writer(Arc::clone(&writer)))
        .finish()
        .set_default();
    Capture { log, _scope: scope }
}

impl Capture {
    /// What has been logged so far.
    pub(crate) fn logged(&self) -> String {
        String::from_utf8(self.log.lock().unwrap().clone()).unwrap()
    }
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl Write for Writer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
