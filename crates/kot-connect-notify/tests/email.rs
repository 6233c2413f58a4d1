//! E-mail over SMTP against a fake SMTP server on loopback: the real lettre
//! transport, the message's headers and attachment, a refused recipient,
//! plain SMTP only to loopback, redaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex};

use common::{assert_absent, error_strings, report};
use kot_connect_notify::channels::email::SmtpSecurity;
use kot_connect_notify::{AttachmentOutcome, Channel, Detail, EmailChannel, Error, Notification};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const PASSWORD: &str = "smtp-password-3c2b1a0f";

#[derive(Default)]
struct Seen {
    commands: Vec<String>,
    data: String,
}

/// A minimal SMTP server on 127.0.0.1 that accepts one session and
/// answers `rcpt_reply` to RCPT TO. Bounded: it stops when the client
/// disconnects.
async fn fake_smtp(rcpt_reply: &'static str) -> (u16, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = seen.clone();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 fake.test ESMTP\r\n").await.unwrap();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    write
                        .write_all(b"250 2.0.0 Ok: queued as ABC123\r\n")
                        .await
                        .unwrap();
                } else {
                    let mut seen = record.lock().unwrap();
                    seen.data.push_str(&line);
                    seen.data.push('\n');
                }
                continue;
            }
            record.lock().unwrap().commands.push(line.clone());
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-fake.test\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("MAIL FROM") {
                b"250 2.1.0 Ok\r\n"
            } else if upper.starts_with("RCPT TO") {
                rcpt_reply.as_bytes()
            } else if upper == "DATA" {
                in_data = true;
                b"354 End data with <CR><LF>.<CR><LF>\r\n"
            } else if upper == "QUIT" {
                write.write_all(b"221 2.0.0 Bye\r\n").await.unwrap();
                break;
            } else if upper == "RSET" || upper == "NOOP" {
                b"250 2.0.0 Ok\r\n"
            } else {
                b"502 5.5.2 Command not recognized\r\n"
            };
            write.write_all(reply).await.unwrap();
        }
    });
    (port, seen)
}

fn channel(port: u16) -> EmailChannel {
    EmailChannel::builder(
        "127.0.0.1",
        "kot-connect <noreply@example.jp>",
        ["管理者 <admin@example.jp>", "ops@example.jp"],
    )
    .security(SmtpSecurity::Plain)
    .port(port)
    .build()
    .unwrap()
}

#[tokio::test]
async fn sends_the_report_with_the_csv_attached() {
    let (port, seen) = fake_smtp("250 2.1.5 Ok\r\n").await;
    let report = report();
    let channel = channel(port);
    assert_eq!(
        channel.target(),
        "email to admin@example.jp, ops@example.jp via 127.0.0.1"
    );
    let delivery = channel
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap();
    assert!(delivery.message_id.unwrap().contains("queued as ABC123"));
    assert!(
        matches!(&delivery.attachment, AttachmentOutcome::Sent { file_id } if file_id == "failures-2026-11-21.csv")
    );

    let seen = seen.lock().unwrap();
    assert!(seen.commands[0].starts_with("EHLO "));
    assert_eq!(seen.commands[1], "MAIL FROM:<noreply@example.jp>");
    assert_eq!(seen.commands[2], "RCPT TO:<admin@example.jp>");
    assert_eq!(seen.commands[3], "RCPT TO:<ops@example.jp>");
    assert_eq!(seen.commands[4], "DATA");
    let data = &seen.data;
    // The Japanese subject is RFC 2047-encoded.
    let subject = data.lines().find(|l| l.starts_with("Subject: ")).unwrap();
    assert!(subject.contains("=?utf-8?b?"), "{subject}");
    assert!(!subject.contains("連携"), "{subject}");
    assert!(subject.contains("cyzen: FAILURE"), "{subject}");
    assert!(data.contains("From: kot-connect <noreply@example.jp>"));
    assert!(data.contains("Content-Type: multipart/mixed"));
    assert!(data.contains("Content-Disposition: attachment; filename=\"failures-2026-11-21.csv\""));
    assert!(data.contains("Content-Type: text/csv"));
}

#[tokio::test]
async fn a_summary_is_a_single_part_without_attachment() {
    let (port, seen) = fake_smtp("250 2.1.5 Ok\r\n").await;
    let report = report();
    let delivery = channel(port)
        .send(&Notification::new(&report, Detail::Summary))
        .await
        .unwrap();
    assert!(matches!(delivery.attachment, AttachmentOutcome::None));
    let seen = seen.lock().unwrap();
    assert!(!seen.data.contains("multipart"));
    assert!(
        seen.data
            .contains("Content-Type: text/plain; charset=utf-8")
    );
}

#[tokio::test]
async fn a_refused_recipient_is_an_smtp_error() {
    let (port, _) = fake_smtp("550 5.1.1 User unknown\r\n").await;
    let report = report();
    let err = channel(port)
        .send(&Notification::new(&report, Detail::Summary))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Smtp(_)), "{err:?}");
    assert!(err.to_string().contains("User unknown"), "{err}");
}

#[test]
fn plain_smtp_is_only_for_loopback_and_bad_addresses_are_refused() {
    let err = EmailChannel::builder("smtp.example.jp", "a@example.jp", ["b@example.jp"])
        .security(SmtpSecurity::Plain)
        .build()
        .unwrap_err();
    assert!(err.is_config());
    let err = EmailChannel::builder("localhost", "not an address", ["b@example.jp"])
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::EmailMessage(_)));
    let err = EmailChannel::builder("localhost", "a@example.jp", Vec::<String>::new())
        .build()
        .unwrap_err();
    assert!(err.is_config());
}

#[test]
fn the_password_is_never_shown_and_building_needs_no_runtime() {
    // (This test runs outside any async runtime: building and dropping a
    // channel must not need one.)
    let builder = EmailChannel::builder("smtp.example.jp", "a@example.jp", ["b@example.jp"])
        .credentials("a@example.jp", PASSWORD);
    let shown_builder = format!("{builder:?}");
    let channel = builder.build().unwrap();
    let err = EmailChannel::builder("smtp.example.jp", "bad", ["b@example.jp"])
        .credentials("a@example.jp", PASSWORD)
        .security(SmtpSecurity::Tls)
        .build()
        .unwrap_err();
    let mut shown = error_strings(&err);
    shown.push(shown_builder);
    shown.push(format!("{channel:?}"));
    shown.push(channel.target());
    assert_absent(PASSWORD, &shown);
}
