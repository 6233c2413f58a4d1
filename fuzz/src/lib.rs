//! Support for the fuzz targets: a loopback HTTP server that answers every
//! request with the fuzz input, so that the service clients decode it through
//! their real path (transport, status handling, error envelope, paging), and
//! small helpers shared by the targets.
//!
//! The server and the clients are built once per process; each input only
//! swaps the canned answer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

/// The HTTP statuses an input can choose (by its first byte): mostly 200, and
/// the failure statuses the clients map to their errors.
pub const STATUSES: [u16; 12] = [200, 200, 200, 200, 200, 400, 401, 403, 404, 429, 500, 503];

/// Splits an input into the status chosen by its first byte and the body.
pub fn status_and_body(data: &[u8]) -> (u16, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => (STATUSES[usize::from(*first) % STATUSES.len()], rest),
        None => (200, data),
    }
}

/// The canned answer of the loopback server.
#[derive(Default)]
struct Answer {
    status: u16,
    body: Vec<u8>,
}

/// A loopback HTTP/1.1 server answering every request with the current
/// [`Answer`] (keep-alive, one thread per connection).
pub struct Loopback {
    base_url: String,
    answer: Arc<Mutex<Answer>>,
}

impl Loopback {
    /// The process-wide server.
    pub fn get() -> &'static Loopback {
        static SERVER: OnceLock<Loopback> = OnceLock::new();
        SERVER.get_or_init(|| {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
            let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
            let answer = Arc::new(Mutex::new(Answer::default()));
            let shared = Arc::clone(&answer);
            thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let shared = Arc::clone(&shared);
                    thread::spawn(move || serve(stream, &shared));
                }
            });
            Loopback { base_url, answer }
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sets the answer for the next requests.
    pub fn answer(&self, status: u16, body: &[u8]) {
        let mut answer = self.answer.lock().unwrap();
        answer.status = status;
        answer.body = body.to_vec();
    }
}

fn serve(stream: TcpStream, answer: &Mutex<Answer>) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        // The request head, then its body (Content-Length only: the clients
        // never send chunked bodies).
        let mut length = 0usize;
        let mut line = String::new();
        let mut first = true;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" || line == "\n" {
                if first {
                    continue;
                }
                break;
            }
            first = false;
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (status, payload) = {
            let a = answer.lock().unwrap();
            (a.status, a.body.clone())
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            payload.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&payload).is_err() {
            return;
        }
    }
}

/// The process-wide single-threaded runtime the targets block on.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime")
    })
}

/// A fixed instant: 2026-04-01 12:00 JST (outside KOT's time bands).
pub fn noon() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 4, 1, 3, 0, 0)
        .single()
        .expect("valid instant")
}

/// Formats an error and its whole source chain (what a log or a report would
/// do): must never panic.
pub fn render_error(error: &dyn std::error::Error) -> String {
    let mut out = format!("{error} / {error:?}");
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(&format!(" <- {e}"));
        source = e.source();
    }
    out
}

/// Decodes `body` as `T`; when it decodes, writing it back and decoding that
/// again must give the same value.
pub fn round_trip<T>(body: &[u8])
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        let written = serde_json::to_vec(&value).expect("a decoded model serializes");
        let again: T = serde_json::from_slice(&written).expect("a written model decodes");
        assert_eq!(value, again, "round trip changed the model");
    }
}
