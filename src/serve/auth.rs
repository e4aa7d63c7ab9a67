//! The bearer token: every `/v1` request carries `Authorization: Bearer TOKEN` when the
//! server was started with `--token-file`. The health routes stay open for the load
//! balancer; they tell nothing about anyone.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::problem::request_error;

/// The fewest characters a token may have.
pub const MIN_TOKEN_LEN: usize = 16;
/// The most a token file is read.
pub const MAX_TOKEN_FILE_BYTES: u64 = 4096;
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
        // A short token is guessed; 16 characters of a random token are far beyond it.
        if token.len() < MIN_TOKEN_LEN {
            return Err(format!(
                "the token is {} characters; at least {MIN_TOKEN_LEN} are needed (for example `openssl rand -hex 32`)",
                token.len()
            ));
        }
        Ok(Token(token.as_bytes().to_vec()))
    }

    /// Reads a token file: at most a few kilobytes (`/dev/zero` is refused, not read to the
    /// end), and never one that every user of the machine can read.
    pub fn read_file(path: &std::path::Path) -> Result<String, String> {
        use std::io::Read;
        let file = std::fs::File::open(path)
            .map_err(|e| format!("cannot read it: {}", crate::io_reason(&e)))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = file
                .metadata()
                .map_err(|e| format!("cannot read it: {}", crate::io_reason(&e)))?;
            if meta.is_file() && meta.permissions().mode() & 0o004 != 0 {
                return Err(
                    "every user of this machine can read it: make it readable by the server's user alone (chmod 600)".into(),
                );
            }
        }
        let mut bytes = Vec::new();
        file.take(MAX_TOKEN_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read it: {}", crate::io_reason(&e)))?;
        if bytes.len() as u64 > MAX_TOKEN_FILE_BYTES {
            return Err(format!(
                "it is larger than {MAX_TOKEN_FILE_BYTES} bytes: a token file holds one line"
            ));
        }
        String::from_utf8(bytes).map_err(|_| "it is not text".into())
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
    // The token guards the JSON API: the probes and the patient's check-in pages are open
    // (a patient has no token; the pages show a person only their own answers).
    if !req.uri().path().starts_with("/v1") {
        return next.run(req).await;
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        // The scheme's name is case-insensitive (RFC 7235): "bearer" is "Bearer".
        .and_then(|v| {
            let v = v.as_bytes();
            (v.len() > 7 && v[..7].eq_ignore_ascii_case(b"bearer ")).then(|| &v[7..])
        });
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
        let t = Token::from_file_text("s3cret-clinic-token\n").unwrap();
        assert!(t.matches(b"s3cret-clinic-token"));
        for wrong in [
            &b""[..],
            b"s3cret",
            b"s3cret-clinic-token2",
            b"S3cret-clinic-token",
            b"s3cret-clinic-tokeN",
        ] {
            assert!(!t.matches(wrong), "{wrong:?}");
        }
    }

    #[test]
    fn an_empty_or_spaced_token_file_is_refused() {
        assert!(Token::from_file_text("\n").is_err());
        assert!(Token::from_file_text("two words").is_err());
        // One character, or any token shorter than 16, is guessed.
        assert!(Token::from_file_text("x").is_err());
        assert!(Token::from_file_text("abcdefghijklmno").is_err());
        let t = Token::from_file_text("abcdefghijklmnop").unwrap();
        assert!(format!("{t:?}").contains(".."));
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_can_read_or_without_end_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "s3cret-clinic-token\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(Token::read_file(&file).unwrap_err().contains("every user"));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(Token::read_file(&file).unwrap(), "s3cret-clinic-token\n");
        // A device with no end is read only as far as a token file can go.
        let zero = Token::read_file(std::path::Path::new("/dev/zero")).unwrap_err();
        assert!(zero.contains("larger than"), "{zero}");
    }
}
