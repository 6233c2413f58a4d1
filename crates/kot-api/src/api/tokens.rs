//! Access-token calls: check, rotate, revoke. Exempt from the time bands.

use kot_connect_http::{ExposeSecret, Request, SecretString};

use crate::client::Band;
use crate::models::{RotatedToken, TokenAvailability};
use crate::{Client, Error};

/// Access-token calls on the client's own token.
///
/// The token travels in the URL path of these calls; logs, spans and errors
/// name them by template (`/tokens/{token}/available`), never by URL.
#[derive(Debug, Clone, Copy)]
pub struct TokensHandler<'c> {
    client: &'c Client,
}

impl<'c> TokensHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    fn request(&self, request: Request, tail: Option<&str>) -> Request {
        let token = self.client.token().expose_secret();
        request.path(["tokens", token].into_iter().chain(tail))
    }

    /// Whether the client's token is valid (`GET /tokens/{token}/available`).
    ///
    /// # Errors
    /// [`Error`] when KOT cannot be reached or answers with an error.
    pub async fn available(&self) -> Result<bool, Error> {
        let request = self.request(
            Request::get("GET /tokens/{token}/available"),
            Some("available"),
        );
        let answer: TokenAvailability = self.client.send_json(request, Band::Exempt).await?;
        Ok(answer.available)
    }

    /// Retires the client's token and issues a new one with the same settings
    /// (`POST /tokens/{token}`). The old token stops working at once: build a
    /// new [`Client`] with the returned one. Never retried (not idempotent).
    ///
    /// # Errors
    /// [`Error`] when KOT cannot be reached or answers with an error; the
    /// response body is never kept in errors, as it may hold the new token.
    pub async fn rotate(&self) -> Result<SecretString, Error> {
        let request = self
            .request(Request::post("POST /tokens/{token}"), None)
            .sensitive_response();
        let answer: RotatedToken = self.client.send_json(request, Band::Exempt).await?;
        Ok(SecretString::from(answer.into_token()))
    }

    /// Retires the client's token for good (`DELETE /tokens/{token}`).
    ///
    /// # Errors
    /// [`Error`] when KOT cannot be reached or answers with an error.
    pub async fn revoke(&self) -> Result<(), Error> {
        let request = self.request(Request::delete("DELETE /tokens/{token}"), None);
        self.client.send(request, Band::Exempt).await?;
        Ok(())
    }
}
