//! Connections a request handler can cut, which is how a staged lost answer
//! is lost: the handler marks its connection cut before returning, so hyper's
//! first write of the response fails, it drops the connection, and the client
//! reads end-of-stream where the response should start.

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};

/// The far end of one connection, handed to handlers as `ConnectInfo<Peer>`.
#[derive(Debug, Clone)]
pub(crate) struct Peer {
    addr: SocketAddr,
    cut: Arc<AtomicBool>,
}

impl Peer {
    pub(crate) fn new(addr: SocketAddr, cut: Arc<AtomicBool>) -> Self {
        Self { addr, cut }
    }

    /// Nothing more is written to or read from this connection; it closes
    /// as soon as the server next touches it (to write the response).
    pub(crate) fn cut(&self) {
        tracing::debug!(peer = %self.addr, "cutting the connection");
        self.cut.store(true, Ordering::SeqCst);
    }
}

/// A TCP stream that fails every operation once its connection is cut.
pub(crate) struct CuttableStream {
    inner: TcpStream,
    cut: Arc<AtomicBool>,
}

impl CuttableStream {
    /// `stream`, failing every operation once `cut` is set.
    pub(crate) fn new(inner: TcpStream, cut: Arc<AtomicBool>) -> Self {
        Self { inner, cut }
    }

    fn check(&self) -> io::Result<()> {
        if self.cut.load(Ordering::SeqCst) {
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "connection cut to lose an answer (a staged fault)",
            ))
        } else {
            Ok(())
        }
    }
}

impl AsyncRead for CuttableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CuttableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
