//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1, between a client and the
//! emulator: real TCP on both sides, and a fault armed for the Nth request of
//! a GraphQL operation (found by the `operationName` of its JSON body).
//!
//! Each request the client sends is read whole (its head, then the
//! `Content-Length` bytes of its body) and carried to the emulator on a
//! connection of its own, marked `Connection: close`, so that the answer is
//! everything up to the emulator's end of stream. The client's connection is
//! kept alive as a real proxy keeps it: after a fault-free answer (delimited
//! by its `Content-Length`) the next request may come on it, so a fault may
//! meet a request on a connection the client took from its pool. A fault
//! ends the connection (its answer, where it has one, says `Connection:
//! close`), so no connection the proxy closed is left in the client's pool.
//!
//! The proxy notes every request: its operation and variables, the fault it
//! met, and whether it was forwarded, which is what tells how many times the
//! emulator received a mutation.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What the proxy does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Resets the connection once the request is read: the emulator never
    /// sees it.
    ResetBeforeForwarding,
    /// Forwards the request, reads the emulator's answer, and closes the
    /// client's connection without a byte of it.
    DropAnswer,
    /// As [`DropAnswer`](Self::DropAnswer), but resets the connection.
    ResetAfterForwarding,
    /// Waits `ms` milliseconds, then forwards and hands the answer back whole.
    Delay { ms: u64 },
    /// Holds the request until the client gives up waiting (its attempt
    /// timed out and it closed the connection), then forwards it: the
    /// emulator runs it after the client stopped listening.
    HoldUntilClientGivesUp,
    /// Forwards the request at once, and holds the answer until the client
    /// gives up waiting.
    HoldAnswerUntilClientGivesUp,
    /// Forwards the request, then hands back the answer's head and half its
    /// body, and closes.
    Truncate,
    /// Forwards the request, then hands back half the answer's head, and closes.
    CloseMidHeaders,
    /// Answers `status` itself with a line of plain text, and `Retry-After:
    /// <seconds>` when set, like a gateway: without forwarding the request,
    /// or (`after_forwarding`) once the emulator has run it and its answer
    /// was thrown away, as a gateway that timed out while the server worked.
    /// (A 200 so answered is a body no GraphQL client can read, as a captive
    /// portal's.)
    Gateway {
        status: u16,
        retry_after: Option<u32>,
        after_forwarding: bool,
    },
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::ResetBeforeForwarding => f.write_str("reset before forwarding"),
            Self::DropAnswer => f.write_str("forward, drop the answer"),
            Self::ResetAfterForwarding => f.write_str("forward, reset"),
            Self::Delay { ms } => write!(f, "delay {ms} ms"),
            Self::HoldUntilClientGivesUp => f.write_str("delay past timeout, then forward"),
            Self::HoldAnswerUntilClientGivesUp => f.write_str("forward, answer past timeout"),
            Self::Truncate => f.write_str("forward, truncate the body"),
            Self::CloseMidHeaders => f.write_str("forward, close mid-headers"),
            Self::Gateway {
                status,
                retry_after,
                after_forwarding,
            } => {
                let when = if after_forwarding { "after" } else { "not" };
                let body = if status == 200 { " non-JSON" } else { "" };
                write!(f, "{status}{body} ({when} forwarded")?;
                if let Some(seconds) = retry_after {
                    write!(f, ", Retry-After: {seconds}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// One request the proxy read.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// Its `operationName`, or `""` when the body names none.
    pub(crate) operation: String,
    pub(crate) variables: Value,
    pub(crate) fault: Option<Fault>,
    /// Whether it came on a connection that had carried a request before.
    pub(crate) reused: bool,
    /// Whether it was written whole to the emulator.
    pub(crate) forwarded: bool,
}

/// A fault armed for the `nth` request (from 1) of `operation`, or for every
/// one of them when `nth` is `None`.
struct Rule {
    operation: &'static str,
    nth: Option<usize>,
    fault: Fault,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    /// How many requests of each operation were read so far.
    counts: HashMap<String, usize>,
    seen: Vec<Seen>,
    /// What went wrong in the proxy itself: a request it could not parse,
    /// an emulator it could not reach.
    trouble: Vec<String>,
}

struct Shared {
    upstream: SocketAddr,
    state: Mutex<State>,
    /// Requests read and not yet done with.
    in_hand: watch::Sender<usize>,
}

/// The proxy, serving until dropped.
pub(crate) struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

/// The longest the proxy waits on anything: a client, the emulator.
const BOUND: Duration = Duration::from_secs(10);
/// The most a request or an answer may hold; more is the proxy's trouble.
const MAX_MESSAGE: usize = 4 * 1024 * 1024;

impl FaultProxy {
    /// A proxy on a free port of 127.0.0.1 in front of `upstream`.
    pub(crate) async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            upstream,
            state: Mutex::default(),
            in_hand: watch::Sender::new(0),
        });
        let accepting = Arc::clone(&shared);
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let connection = tokio::spawn(Arc::clone(&accepting).handle(client));
                let watching = Arc::clone(&accepting);
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        watching.trouble(format!("a connection's task failed: {error}"));
                    }
                });
            }
        });
        Self {
            addr,
            shared,
            accept,
        }
    }

    /// The base URL to give the client: `http://127.0.0.1:PORT`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Arms `fault` for the `nth` request (from 1) of `operation`.
    pub(crate) fn arm(&self, operation: &'static str, nth: usize, fault: Fault) {
        self.add(operation, Some(nth), fault);
    }

    /// Arms `fault` for every request of `operation`.
    pub(crate) fn arm_every(&self, operation: &'static str, fault: Fault) {
        self.add(operation, None, fault);
    }

    fn add(&self, operation: &'static str, nth: Option<usize>, fault: Fault) {
        self.shared.state.lock().unwrap().rules.push(Rule {
            operation,
            nth,
            fault,
        });
    }

    /// Waits until no request is in hand (one held until its client gives
    /// up is forwarded and answered by then), at most [`BOUND`] and a
    /// second; then every request read so far, in the order they came.
    ///
    /// # Panics
    ///
    /// When a request is still in hand after that long, or the proxy had
    /// trouble of its own: the matrix would then be wrong.
    pub(crate) async fn settled(&self) -> Vec<Seen> {
        let mut in_hand = self.shared.in_hand.subscribe();
        let idle = tokio::time::timeout(
            BOUND + Duration::from_secs(1),
            in_hand.wait_for(|n| *n == 0),
        )
        .await;
        assert!(
            matches!(idle, Ok(Ok(_))),
            "the fault proxy still holds a request"
        );
        let state = self.shared.state.lock().unwrap();
        assert!(
            state.trouble.is_empty(),
            "the fault proxy failed: {:?}",
            state.trouble
        );
        state.seen.clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Counts a request in hand until dropped.
struct InHand(Arc<Shared>);

impl InHand {
    fn new(shared: &Arc<Shared>) -> Self {
        shared.in_hand.send_modify(|n| *n += 1);
        Self(Arc::clone(shared))
    }
}

impl Drop for InHand {
    fn drop(&mut self) {
        self.0.in_hand.send_modify(|n| *n -= 1);
    }
}

/// An HTTP message read whole: its head (through the blank line) and its body.
struct Message {
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Message {
    fn whole(&self) -> Vec<u8> {
        [&self.head[..], &self.body[..]].concat()
    }
}

impl Shared {
    /// Serves the client's requests one after the other, until it closes
    /// the connection, stays idle too long, or a fault ends it.
    async fn handle(self: Arc<Self>, mut client: TcpStream) {
        for served in 0.. {
            let request = match read_request(&mut client).await {
                Ok(Some(request)) => request,
                // The client closed the connection, or left it idle.
                Ok(None) => return,
                Err(why) => return self.trouble(format!("reading a request: {why}")),
            };
            let _in_hand = InHand::new(&self);
            let (index, fault) = self.note(&request.body, served > 0);
            match self.serve(&mut client, &request, index, fault).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(why) => return self.trouble(format!("forwarding request {index}: {why}")),
            }
        }
    }

    /// Notes the request; its index in `seen` and the fault armed for it.
    fn note(&self, body: &[u8], reused: bool) -> (usize, Option<Fault>) {
        let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let operation = json["operationName"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut state = self.state.lock().unwrap();
        let count = state.counts.entry(operation.clone()).or_default();
        *count += 1;
        let nth = *count;
        let fault = state
            .rules
            .iter()
            .find(|rule| rule.operation == operation && rule.nth.is_none_or(|n| n == nth))
            .map(|rule| rule.fault);
        state.seen.push(Seen {
            operation,
            variables: json["variables"].clone(),
            fault,
            reused,
            forwarded: false,
        });
        (state.seen.len() - 1, fault)
    }

    fn trouble(&self, what: String) {
        self.state.lock().unwrap().trouble.push(what);
    }

    /// Carries out `fault` (or plain forwarding) for one request; whether
    /// the connection stays open for the next. A client that went away
    /// meanwhile is no trouble: writes to it are best effort.
    async fn serve(
        &self,
        client: &mut TcpStream,
        request: &Message,
        index: usize,
        fault: Option<Fault>,
    ) -> Result<bool, String> {
        let answer = match fault {
            Some(Fault::ResetBeforeForwarding) => {
                reset(client);
                return Ok(false);
            }
            Some(Fault::Gateway {
                status,
                retry_after,
                after_forwarding: false,
            }) => {
                reply(client, &gateway(status, retry_after)).await;
                return Ok(false);
            }
            Some(Fault::Delay { ms }) => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                self.forward(request, index).await?
            }
            Some(Fault::HoldUntilClientGivesUp) => {
                until_closed(client).await;
                self.forward(request, index).await?
            }
            _ => self.forward(request, index).await?,
        };
        let (answer, keep) = for_client(&answer, fault.is_some() || wants_close(&request.head))?;
        match fault {
            None | Some(Fault::Delay { .. } | Fault::HoldUntilClientGivesUp) if keep => {
                return Ok(client.write_all(&answer.whole()).await.is_ok());
            }
            None | Some(Fault::Delay { .. } | Fault::HoldUntilClientGivesUp) => {
                reply(client, &answer.whole()).await;
            }
            Some(Fault::DropAnswer) => {}
            Some(Fault::ResetBeforeForwarding | Fault::ResetAfterForwarding) => reset(client),
            Some(Fault::HoldAnswerUntilClientGivesUp) => {
                until_closed(client).await;
                reply(client, &answer.whole()).await;
            }
            Some(Fault::Truncate) => {
                let body = answer.body.len() / 2;
                reply(client, &[&answer.head[..], &answer.body[..body]].concat()).await;
            }
            Some(Fault::CloseMidHeaders) => {
                reply(client, &answer.head[..answer.head.len() / 2]).await;
            }
            Some(Fault::Gateway {
                status,
                retry_after,
                ..
            }) => reply(client, &gateway(status, retry_after)).await,
        }
        Ok(false)
    }

    /// Sends the request to the emulator on a new connection, marked as the
    /// last on it; the emulator's whole answer.
    async fn forward(&self, request: &Message, index: usize) -> Result<Vec<u8>, String> {
        let exchange = async {
            let mut upstream = TcpStream::connect(self.upstream).await?;
            let head = with_connection_close(&request.head);
            upstream
                .write_all(&[&head[..], &request.body[..]].concat())
                .await?;
            self.state.lock().unwrap().seen[index].forwarded = true;
            let mut answer = Vec::new();
            (&mut upstream)
                .take(MAX_MESSAGE as u64)
                .read_to_end(&mut answer)
                .await?;
            Ok::<_, std::io::Error>(answer)
        };
        match tokio::time::timeout(BOUND, exchange).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(error)) => Err(format!("the emulator: {error}")),
            Err(_) => Err("the emulator did not answer in time".to_owned()),
        }
    }
}

/// Reads one request: `None` when the connection closes (or stays idle for
/// [`BOUND`]) before it starts.
async fn read_request(client: &mut TcpStream) -> Result<Option<Message>, String> {
    let mut buffer = Vec::new();
    match tokio::time::timeout(BOUND, read_more(client, &mut buffer)).await {
        Ok(Ok(0) | Err(_)) | Err(_) => return Ok(None),
        Ok(Ok(_)) => {}
    }
    let read = async {
        let head_end = loop {
            if let Some(end) = find_blank_line(&buffer) {
                break end;
            }
            if buffer.len() > MAX_MESSAGE {
                return Err("a request head of more than 4 MiB".to_owned());
            }
            if read_more(client, &mut buffer).await? == 0 {
                return Ok(None);
            }
        };
        let head = buffer[..head_end].to_vec();
        let text = String::from_utf8_lossy(&head);
        if header(&text, "transfer-encoding").is_some() {
            return Err("a chunked request: only Content-Length bodies are handled".to_owned());
        }
        let length = header(&text, "content-length")
            .map_or(Ok(0), str::parse::<usize>)
            .map_err(|_| "an unreadable Content-Length".to_owned())?;
        if length > MAX_MESSAGE {
            return Err(format!("a body of {length} bytes"));
        }
        while buffer.len() < head_end + length {
            if read_more(client, &mut buffer).await? == 0 {
                return Err("the client closed the connection inside the body".to_owned());
            }
        }
        if buffer.len() > head_end + length {
            return Err("bytes after the request: pipelining is not handled".to_owned());
        }
        let body = buffer[head_end..].to_vec();
        Ok(Some(Message { head, body }))
    };
    match tokio::time::timeout(BOUND, read).await {
        Ok(result) => result,
        Err(_) => Err("the client sent no whole request in time".to_owned()),
    }
}

async fn read_more(client: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<usize, String> {
    let mut chunk = [0; 8192];
    let n = client
        .read(&mut chunk)
        .await
        .map_err(|error| error.to_string())?;
    buffer.extend_from_slice(&chunk[..n]);
    Ok(n)
}

/// Where the head ends: just past its `\r\n\r\n`.
fn find_blank_line(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// The value of header `name` in a message head, if present.
fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// The head with its `Connection` headers replaced by `Connection: close`.
fn with_connection_close(head: &[u8]) -> Vec<u8> {
    let mut head = without_connection(head);
    head.truncate(head.len() - 2);
    head.extend_from_slice(b"connection: close\r\n\r\n");
    head
}

/// The head without its `Connection` headers: HTTP/1.1 keeps the connection.
fn without_connection(head: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let lines: Vec<&str> = text
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|line| {
            let name = line.split(':').next().unwrap_or_default().trim();
            !name.eq_ignore_ascii_case("connection") && !name.eq_ignore_ascii_case("keep-alive")
        })
        .collect();
    format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes()
}

/// Whether the client asked to close the connection after this request.
fn wants_close(head: &[u8]) -> bool {
    header(&String::from_utf8_lossy(head), "connection")
        .is_some_and(|value| value.eq_ignore_ascii_case("close"))
}

/// The emulator's answer, split into head and body, as the client gets it;
/// whether the connection can stay open after it (not when `close`, nor
/// when the body is not delimited by its `Content-Length`).
fn for_client(answer: &[u8], close: bool) -> Result<(Message, bool), String> {
    let head_end = find_blank_line(answer).ok_or("the emulator's answer has no whole head")?;
    let (head, body) = answer.split_at(head_end);
    let length = header(&String::from_utf8_lossy(head), "content-length")
        .and_then(|length| length.parse::<usize>().ok());
    let keep = !close && length == Some(body.len());
    let head = if keep {
        without_connection(head)
    } else {
        with_connection_close(head)
    };
    let body = body.to_vec();
    Ok((Message { head, body }, keep))
}

/// A gateway's own answer.
fn gateway(status: u16, retry_after: Option<u32>) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        429 => "Too Many Requests",
        _ => "Error",
    };
    let body = format!("{reason}\n");
    let retry = retry_after.map_or_else(String::new, |s| format!("retry-after: {s}\r\n"));
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n{retry}connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Writes `bytes` and closes, if the client is still there.
async fn reply(client: &mut TcpStream, bytes: &[u8]) {
    if client.write_all(bytes).await.is_ok() {
        let _ = client.shutdown().await;
    }
}

/// Makes the connection end with a reset (RST) rather than a close, once dropped.
fn reset(client: &TcpStream) {
    let _ = client.set_zero_linger();
}

/// Waits until the client closes its side (it gave up waiting), at most [`BOUND`].
async fn until_closed(client: &mut TcpStream) {
    let mut sink = [0; 1024];
    let _ = tokio::time::timeout(BOUND, async {
        loop {
            match client.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
}
