//! An I/O error in the words a person reads: the rules say why a rule file could not be read,
//! and the application's errors carry the same words.

/// An I/O error's reason without the "(os error 2)" noise.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
