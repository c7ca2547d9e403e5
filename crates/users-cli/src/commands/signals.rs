//! SIGINT (Ctrl-C) and SIGTERM as a stream, for the batches that stop
//! starting work on the first and finish what is in flight (`provision`,
//! `apply`).

use std::io;

use futures::Stream;

use crate::exit::Exit;
use crate::failure::Failure;

/// SIGINT (Ctrl-C) and SIGTERM, from now on: each one an item. They no
/// longer end the process, which stops as the batch says.
///
/// # Errors
///
/// When the process cannot listen for them.
pub(super) fn signals() -> Result<impl Stream<Item = ()> + Unpin, Failure> {
    listen().map_err(|error| {
        Failure::new(
            Exit::Failure,
            format!("cannot listen for Ctrl-C and SIGTERM: {error}"),
        )
    })
}

#[cfg(unix)]
fn listen() -> io::Result<impl Stream<Item = ()> + Unpin> {
    use tokio::signal::unix::{Signal, SignalKind, signal};
    let each = |mut signal: Signal| {
        Box::pin(futures::stream::poll_fn(move |context| {
            signal.poll_recv(context)
        }))
    };
    Ok(futures::stream::select(
        each(signal(SignalKind::interrupt())?),
        each(signal(SignalKind::terminate())?),
    ))
}

#[cfg(not(unix))]
fn listen() -> io::Result<impl Stream<Item = ()> + Unpin> {
    Ok(Box::pin(futures::stream::unfold((), |()| async {
        tokio::signal::ctrl_c().await.ok().map(|()| ((), ()))
    })))
}
