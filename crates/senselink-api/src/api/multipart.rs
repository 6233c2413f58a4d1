//! A small `multipart/form-data` encoder (RFC 7578): text fields and at most
//! one file, into bytes the transport can send again on a retry.

use kot_connect_http::Body;
use kot_connect_http::reqwest::header::HeaderValue;

use crate::Error;
use crate::models::Avatar;

/// Encodes `fields` and an optional file part named `file_field`.
pub(crate) fn encode(
    fields: &[(&'static str, String)],
    file: Option<(&'static str, &Avatar)>,
) -> Result<Body, Error> {
    let boundary = boundary_for(fields, file)?;
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    if let Some((name, avatar)) = file {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\n",
                quote(&avatar.file_name)
            )
            .as_bytes(),
        );
        let content_type = if HeaderValue::from_str(&avatar.content_type).is_ok()
            && !avatar.content_type.trim().is_empty()
        {
            avatar.content_type.trim()
        } else {
            "application/octet-stream"
        };
        body.extend_from_slice(format!("Content-Type: {content_type}\r\n\r\n").as_bytes());
        body.extend_from_slice(&avatar.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .map_err(|_| Error::config("multipart boundary is not a valid header value"))?;
    Ok(Body::Raw {
        content_type,
        bytes: body.into(),
    })
}

/// A random boundary that occurs in no part.
fn boundary_for(
    fields: &[(&'static str, String)],
    file: Option<(&'static str, &Avatar)>,
) -> Result<String, Error> {
    for _ in 0..8 {
        let candidate = format!("kot-connect-{:032x}", rand::random::<u128>());
        let needle = candidate.as_bytes();
        let clash = fields.iter().any(|(_, v)| contains(v.as_bytes(), needle))
            || file.is_some_and(|(_, a)| contains(&a.bytes, needle));
        if !clash {
            return Ok(candidate);
        }
    }
    Err(Error::config(
        "could not find a multipart boundary absent from the form",
    ))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A file name safe inside a quoted header parameter.
fn quote(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' | '\r' | '\n' => '_',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn encodes_fields_and_a_file() {
        let avatar = Avatar {
            file_name: "a\"b.jpg".into(),
            content_type: "image/jpeg".into(),
            bytes: vec![0xff, 0xd8, 0x00],
        };
        let body = encode(
            &[
                ("name", "山田\u{3000}太郎".into()),
                ("jobNumber", "0012".into()),
            ],
            Some(("avatarFile", &avatar)),
        )
        .unwrap();
        let Body::Raw {
            content_type,
            bytes,
        } = body
        else {
            panic!("expected a raw body");
        };
        let ct = content_type.to_str().unwrap();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n山田\u{3000}太郎\r\n")));
        assert!(text.contains("name=\"jobNumber\"\r\n\r\n0012\r\n"));
        assert!(text.contains(
            "name=\"avatarFile\"; filename=\"a'b.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        ));
        assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
    }
}
