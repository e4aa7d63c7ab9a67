//! Nurse accounts: names, passwords hashed with Argon2id (the OWASP choice), and the keys
//! under which sign-in sessions are stored. The store keeps only hashes: neither a password
//! nor a session's cookie is ever written down.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

/// The shortest password accepted: long enough to resist guessing at the slowed rate of
/// sign-in, short enough to type on a clinic's shared keyboard (NIST SP 800-63B asks 8 at
/// least; a password manager fills longer ones).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest: Argon2 takes any length, but a megabyte "password" is a denial of service.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A nurse's name as the sign-in form takes it: 1 to 64 letters, digits, `.`, `_`, `-` or
/// `@` (an e-mail address works), so that it prints plainly in the audit trail.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.chars().count() > 64 {
        return Err("a name is 1 to 64 characters".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
    {
        return Err(format!(
            "a name holds letters, digits, '.', '_', '-' or '@', not {c:?}"
        ));
    }
    Ok(())
}

pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password has {n} characters; at least {MIN_PASSWORD_CHARS} are needed"
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(format!(
            "the password is longer than {MAX_PASSWORD_CHARS} characters"
        ));
    }
    Ok(())
}

/// The password's Argon2id hash in the PHC string form (salt and parameters inside).
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no random bytes for a salt: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// A hash of no one's password, checked when the name is unknown, so that a wrong name
/// takes as long to refuse as a wrong password (the answer must not tell which it was).
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password("not the password of anyone at all")
            .unwrap_or_else(|_| "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into())
    })
}

/// Whether `password` matches `hash`; with no hash (no such user, or disabled), the work
/// of a check is done all the same and the answer is no.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let stored = hash.unwrap_or_else(|| decoy_hash());
    let matches = PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    matches && hash.is_some()
}

/// The key a session is stored under: the SHA-256 of its cookie, so that a copy of the
/// store does not hold usable sessions.
pub fn session_key(cookie_value: &str) -> String {
    Sha256::digest(cookie_value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_matches_its_hash_only() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&h)));
        assert!(!verify_password("correct horse batterY", Some(&h)));
        assert!(!verify_password("correct horse battery", None));
        assert_ne!(h, hash_password("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn names_and_passwords_are_checked() {
        assert!(check_name("nurse.kim@clinic").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("kim lee").is_err());
        assert!(check_name(&"a".repeat(65)).is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("twelve chars").is_ok());
    }

    #[test]
    fn session_keys_are_hashes_of_the_cookie() {
        let k = session_key("abc");
        assert_eq!(k.len(), 64);
        assert_ne!(k, session_key("abd"));
    }
}
