//! Files written whole or not at all: to a temporary file in the same folder, flushed to
//! disk, then renamed over the target. A full disk or a read-only folder leaves no half file.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically. The error names the path and the reason.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_with(path, |w| w.write_all(bytes))
}

/// Writes what `fill` writes to `path` atomically: if `fill` (or flushing to disk) fails,
/// the target is left as it was and the temporary file is removed.
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
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
    fill(&mut tmp)
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
    fn a_failure_half_way_leaves_the_old_file_and_no_temporary_file() {
        // A full disk fails a write part of the way through; so does this writer.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("record.json");
        write_file(&target, b"old and whole").unwrap();
        let e = write_with(&target, |w| {
            w.write_all(b"half of the new")?;
            Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "No space left on device",
            ))
        })
        .unwrap_err();
        assert_eq!(
            e,
            format!(
                "{}: cannot write: No space left on device",
                target.display()
            )
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"old and whole");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
    }

    #[test]
    fn a_folder_where_no_file_can_be_made_is_a_clear_error() {
        // Not even root can create a file in /proc: a folder that refuses every write.
        let target = Path::new("/proc/aftercare-record.json");
        let e = write_file(target, b"x").unwrap_err();
        assert!(
            e.starts_with("/proc/aftercare-record.json: cannot write in /proc: "),
            "{e}"
        );
        assert!(!target.exists());
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
