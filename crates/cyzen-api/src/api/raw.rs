//! Calls to endpoints this crate does not model yet.

use kot_connect_http::Request;
use serde_json::{Map, Value};

use crate::auth::COMPANY_ID_PARAM;
use crate::{Client, Error};

/// Calls to any cyzen endpoint, answered as a JSON object: for the endpoints
/// the public sources name but this crate does not model yet (`spots`,
/// `spot_tags`, `schedules`, `reports`, `report_definitions`, `user_tags`).
///
/// The client adds `company_id` where cyzen expects it (query for GET, form
/// body for POST/PUT), the token, the rate limit, retries (GET and PUT
/// only) and the error envelope check. The token can write: POST and PUT
/// change data in cyzen.
#[derive(Debug, Clone, Copy)]
pub struct RawHandler<'c> {
    client: &'c Client,
}

impl<'c> RawHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// `GET /<path>?company_id=...&<query>`.
    ///
    /// # Errors
    /// A configuration error for an invalid path or a `company_id` in
    /// `query`; otherwise as any call.
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Map<String, Value>, Error> {
        let segments = segments(path, query)?;
        let mut request = self.client.get(format!("GET /{path}"), &segments);
        for (name, value) in query {
            request = request.query((*name).to_owned(), *value);
        }
        self.client.send_object(request).await
    }

    /// `POST /<path>` with a form body that starts with `company_id`. Never
    /// retried.
    ///
    /// # Errors
    /// A configuration error for an invalid path or a `company_id` in
    /// `fields`; otherwise as any call.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Map<String, Value>, Error> {
        let segments = segments(path, fields)?;
        let request = Request::post(format!("POST /{path}")).path(segments);
        self.send_form(request, fields).await
    }

    /// `PUT /<path>` with a form body that starts with `company_id`.
    ///
    /// # Errors
    /// A configuration error for an invalid path or a `company_id` in
    /// `fields`; otherwise as any call.
    pub async fn put_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Map<String, Value>, Error> {
        let segments = segments(path, fields)?;
        let request = Request::put(format!("PUT /{path}")).path(segments);
        self.send_form(request, fields).await
    }

    async fn send_form(
        &self,
        request: Request,
        fields: &[(&str, &str)],
    ) -> Result<Map<String, Value>, Error> {
        let company = self.client.company_id().as_str();
        let body = std::iter::once((COMPANY_ID_PARAM, company)).chain(fields.iter().copied());
        self.client.send_object(request.form(body)).await
    }
}

/// Splits `path` into segments: letters, digits, `_` and `-` only, so that a
/// path cannot climb out of the base URL; refuses a caller's `company_id`.
fn segments<'p>(path: &'p str, params: &[(&str, &str)]) -> Result<Vec<&'p str>, Error> {
    if params.iter().any(|(name, _)| *name == COMPANY_ID_PARAM) {
        return Err(Error::config(
            "company_id is added by the client; do not pass it as a parameter",
        ));
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let valid = |s: &&str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if segments.iter().all(valid) {
        Ok(segments)
    } else {
        Err(Error::config(format!(
            "`{path}` is not a cyzen endpoint path (letters, digits, `_`, `-` and `/` only)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked() {
        assert_eq!(segments("/spots", &[]).unwrap(), vec!["spots"]);
        assert_eq!(segments("spot_tags/", &[]).unwrap(), vec!["spot_tags"]);
        for bad in ["", "../x", "spots?x=1", "a//b", "spots#f"] {
            assert!(segments(bad, &[]).unwrap_err().is_config(), "{bad}");
        }
        assert!(segments("spots", &[("company_id", "x")]).is_err());
    }
}
