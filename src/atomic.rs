//! Files written whole or not at all: to a temporary file in the same folder, flushed to
//! disk, then renamed over the target. A full disk or a read-only folder leaves no half file.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically. The error names the path and the reason.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".aftercare-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            format!(
                "{shown}: cannot write in {}: {}",
                dir.display(),
                crate::io_reason(&e)
            )
        })?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| format!("{shown}: cannot write: {}", crate::io_reason(&e)))?;
    // On failure the temporary file is removed when `tmp` drops.
    tmp.persist(path)
        .map_err(|e| format!("{shown}: cannot write: {}", crate::io_reason(&e.error)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("record.json");
        write_file(&target, b"{\"a\":1}").unwrap();
        write_file(&target, b"{\"a\":2}").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"{\"a\":2}");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("no/such/folder/record.json");
        let e = write_file(&target, b"x").unwrap_err();
        assert!(
            e.contains("record.json") && e.contains("cannot write"),
            "{e}"
        );
    }
}
