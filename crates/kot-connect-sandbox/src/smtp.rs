//! A tiny SMTP sink: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, no
//! TLS and no authentication. Each mail becomes a notification.
//!
//! Faults apply per connection, when it opens: `Status(_)` answers `421`
//! and closes, `Delay(d)` waits before the greeting, `Reset` closes at
//! once, `Malformed` greets with a line that is not SMTP.

use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::Service;
use crate::chat::ChatHub;
use crate::faults::{Fault, Hub};
use crate::server::{self, Server};

const MAX_LINE: usize = 1 << 20;
const MAX_MAIL: usize = 32 << 20;

pub(crate) fn spawn(listener: TcpListener, hub: Arc<Hub>, chat: Arc<ChatHub>) -> Server {
    server::custom(Service::Smtp, move |mut stopped: watch::Receiver<bool>| {
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stopped.wait_for(|s| *s) => break,
                    accepted = listener.accept() => {
                        if let Ok((stream, _)) = accepted {
                            let (hub, chat) = (hub.clone(), chat.clone());
                            tokio::spawn(async move {
                                let _ = session(stream, hub, chat).await;
                            });
                        }
                    }
                }
            }
        })
    })
}

async fn session(stream: TcpStream, hub: Arc<Hub>, chat: Arc<ChatHub>) -> std::io::Result<()> {
    let fault = hub.faults.take(Service::Smtp, "SMTP MAIL");
    if !hub.latency.is_zero() {
        tokio::time::sleep(hub.latency).await;
    }
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    match &fault {
        Some(Fault::Status(_)) => {
            hub.record(Service::Smtp, "SMTP MAIL".into(), fault.clone());
            write
                .write_all(b"421 sandbox: injected failure, closing\r\n")
                .await?;
            return Ok(());
        }
        Some(Fault::Reset) => {
            hub.record(Service::Smtp, "SMTP MAIL".into(), fault.clone());
            return Ok(());
        }
        Some(Fault::Malformed) => {
            hub.record(Service::Smtp, "SMTP MAIL".into(), fault.clone());
            write.write_all(b"<html>not smtp</html>\r\n").await?;
            return Ok(());
        }
        Some(Fault::Delay(d) | Fault::DelayAfter(d)) => tokio::time::sleep(*d).await,
        // Clocks and pages mean nothing to SMTP.
        Some(Fault::AdvanceClock(_) | Fault::RepeatPage) | None => {}
    }
    write
        .write_all(b"220 sandbox.invalid ESMTP kot-connect sandbox\r\n")
        .await?;
    let mut from = String::new();
    let mut to: Vec<String> = Vec::new();
    let mut pending_fault = fault;
    loop {
        let Some(line) = read_line(&mut reader).await? else {
            return Ok(());
        };
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or_default();
        let reply: &[u8] = match verb {
            "EHLO" => {
                b"250-sandbox.invalid\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 33554432\r\n"
            }
            "HELO" => b"250 sandbox.invalid\r\n",
            "MAIL" => {
                from = address(&line);
                to.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if from.is_empty() => b"503 5.5.1 MAIL first\r\n",
            "RCPT" => {
                to.push(address(&line));
                b"250 2.1.5 OK\r\n"
            }
            "DATA" if to.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                write
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let Some(mail) = read_data(&mut reader).await? else {
                    return Ok(());
                };
                let index = hub.record(Service::Smtp, "SMTP MAIL".into(), pending_fault.take());
                hub.set_status(index, 250);
                let subject = mail
                    .lines()
                    .find_map(|l| l.strip_prefix("Subject: "))
                    .unwrap_or_default()
                    .to_owned();
                chat.push(
                    Service::Smtp,
                    format!("mail to {}: {subject}", to.join(", ")),
                    mail,
                    None,
                );
                from.clear();
                to.clear();
                b"250 2.0.0 OK queued\r\n"
            }
            "RSET" => {
                from.clear();
                to.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// The address inside `<...>` of a MAIL/RCPT line.
fn address(line: &str) -> String {
    line.split('<')
        .nth(1)
        .and_then(|s| s.split('>').next())
        .unwrap_or_default()
        .to_owned()
}

async fn read_line<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = reader.read_until(b'\n', &mut buf).await?;
    if n == 0 || buf.len() > MAX_LINE {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&buf);
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// The mail up to the lone `.`, dot-unstuffed.
async fn read_data<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> std::io::Result<Option<String>> {
    let mut mail = String::new();
    loop {
        let Some(line) = read_line(reader).await? else {
            return Ok(None);
        };
        if line == "." {
            return Ok(Some(mail));
        }
        let line = line.strip_prefix('.').unwrap_or(&line);
        if mail.len() + line.len() > MAX_MAIL {
            return Ok(None);
        }
        mail.push_str(line);
        mail.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_from_brackets() {
        assert_eq!(address("MAIL FROM:<a@b.example> SIZE=10"), "a@b.example");
        assert_eq!(address("RCPT TO:<x@y>"), "x@y");
        assert_eq!(address("RCPT TO:"), "");
    }
}
