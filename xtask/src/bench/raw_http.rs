//! The least HTTP/1.1 there is, for measuring the others: a client that
//! sends one POST after another on one kept-alive connection, and a server
//! that gives every request the same canned answer. Standard library only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// One kept-alive connection sending the same request again and again.
pub(crate) struct RawClient {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    request: Vec<u8>,
}

impl RawClient {
    /// A connection to `addr` that will POST `body` to `/graphql` with `authorization`.
    ///
    /// # Errors
    ///
    /// When the connection cannot be made.
    pub(crate) fn connect(
        addr: SocketAddr,
        authorization: &str,
        body: &str,
    ) -> Result<Self, String> {
        let stream =
            TcpStream::connect(addr).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(|e| e.to_string())?;
        let request = format!(
            "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {authorization}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let writer = stream.try_clone().map_err(|e| e.to_string())?;
        Ok(Self {
            reader: BufReader::new(stream),
            writer,
            request: request.into_bytes(),
        })
    }

    /// Sends the request once and reads the whole answer; its status and how long it took.
    ///
    /// # Errors
    ///
    /// When the connection fails or the answer is not HTTP with a length.
    pub(crate) fn call(&mut self) -> Result<(u16, Duration), String> {
        let started = Instant::now();
        self.writer
            .write_all(&self.request)
            .map_err(|e| format!("cannot send: {e}"))?;
        let (status, length) = read_head(&mut self.reader)?;
        let mut body = vec![0; length];
        self.reader
            .read_exact(&mut body)
            .map_err(|e| format!("cannot read the answer: {e}"))?;
        Ok((status, started.elapsed()))
    }
}

/// The status and `Content-Length` of an answer whose head is next on `reader`.
fn read_head(reader: &mut impl BufRead) -> Result<(u16, usize), String> {
    let mut line = String::new();
    let mut status = None;
    let mut length = None;
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the answer: {e}"))?;
        if read == 0 {
            return Err("the connection closed before an answer".to_owned());
        }
        let text = line.trim_end();
        if text.is_empty() {
            break;
        }
        if status.is_none() {
            status = text.split(' ').nth(1).and_then(|code| code.parse().ok());
        } else if let Some((name, value)) = text.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    match (status, length) {
        (Some(status), Some(length)) => Ok((status, length)),
        _ => Err("an answer without a status or a Content-Length".to_owned()),
    }
}

/// A server on 127.0.0.1 answering each request at once with a canned JSON
/// body: the first whose word the request's body holds, else the last. It
/// stops when dropped.
pub(crate) struct CannedServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl CannedServer {
    /// Starts serving `answers` (a word to look for in a request's body,
    /// and the body to answer it with) on a free port.
    ///
    /// # Errors
    ///
    /// When no port can be bound, or there is no answer.
    pub(crate) fn start(answers: &[(&str, &str)]) -> Result<Self, String> {
        if answers.is_empty() {
            return Err("a canned server needs an answer".to_owned());
        }
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let answer: Arc<Vec<(Vec<u8>, Vec<u8>)>> = Arc::new(
            answers
                .iter()
                .map(|(word, body)| {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    (
                        word.as_bytes().to_vec(),
                        [head.as_bytes(), body.as_bytes()].concat(),
                    )
                })
                .collect(),
        );
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let answer = Arc::clone(&answer);
                std::thread::spawn(move || serve(stream, &answer));
            }
        });
        Ok(Self { addr, stop })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Answers each request on `stream` until the client goes.
fn serve(stream: TcpStream, answers: &[(Vec<u8>, Vec<u8>)]) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        let mut length = 0;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = line.trim_end();
            if text.is_empty() {
                break;
            }
            if let Some((name, value)) = text.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let chosen = answers
            .iter()
            .find(|(word, _)| body.windows(word.len()).any(|w| w == word.as_slice()))
            .or_else(|| answers.last())
            .map_or(&[][..], |(_, answer)| answer.as_slice());
        if writer.write_all(chosen).is_err() {
            return;
        }
    }
}
