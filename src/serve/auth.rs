//! The bearer token: every `/v1` request carries `Authorization: Bearer TOKEN` when the
//! server was started with `--token-file`. The health routes stay open for the load
//! balancer; they tell nothing about anyone.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::routes::request_error;
use super::Shared;

/// A secret compared in constant time, never printed.
#[derive(Clone)]
pub struct Token(Vec<u8>);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

impl Token {
    /// The token from a file's text: the first line, without surrounding white space.
    pub fn from_file_text(text: &str) -> Result<Token, String> {
        let token = text.lines().next().unwrap_or("").trim();
        if token.is_empty() {
            return Err("the file holds no token".into());
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the token must be visible ASCII characters without spaces".into());
        }
        Ok(Token(token.as_bytes().to_vec()))
    }

    /// Whether `given` is the token, in a time that depends only on the token's length, so
    /// that the time of an answer does not tell how much of a guess was right.
    pub fn matches(&self, given: &[u8]) -> bool {
        let mut diff = u8::from(given.len() != self.0.len());
        for (i, expected) in self.0.iter().enumerate() {
            let g = given.get(i).copied().unwrap_or(0);
            diff |= std::hint::black_box(expected ^ g);
        }
        diff == 0
    }
}

pub async fn require_token(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(token) = &shared.settings.token else {
        return next.run(req).await;
    };
    if matches!(req.uri().path(), "/healthz" | "/readyz") {
        return next.run(req).await;
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "));
    if given.is_some_and(|g| token.matches(g)) {
        return next.run(req).await;
    }
    let mut res = request_error(
        StatusCode::UNAUTHORIZED,
        "this server needs a bearer token: Authorization: Bearer TOKEN",
    )
    .into_response();
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_whole_token_matches() {
        let t = Token::from_file_text("s3cret-token\n").unwrap();
        assert!(t.matches(b"s3cret-token"));
        for wrong in [
            &b""[..],
            b"s3cret",
            b"s3cret-token2",
            b"S3cret-token",
            b"s3cret-tokeN",
        ] {
            assert!(!t.matches(wrong), "{wrong:?}");
        }
    }

    #[test]
    fn an_empty_or_spaced_token_file_is_refused() {
        assert!(Token::from_file_text("\n").is_err());
        assert!(Token::from_file_text("two words").is_err());
        assert!(format!("{:?}", Token::from_file_text("abc").unwrap()).contains(".."));
    }
}
