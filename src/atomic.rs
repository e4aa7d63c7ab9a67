//! Records and saved results are written whole or not at all, and never in place of
//! anything: to a temporary file in the same folder, flushed to disk, then given its name
//! with no-clobber (a hard link or `renameat2(RENAME_NOREPLACE)`, as `tempfile` does it), and
//! the folder is flushed after it, so that "saved" survives a power cut. A full disk or a
//! read-only folder leaves no half file.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path`, which must not exist: whole or not at all, and never in place
/// of anything (a file, a symbolic link, a FIFO, a device). When `path` is taken by the time
/// the record is written (someone saved to the same name meanwhile), the record goes beside
/// it under the first free name of `call-2.json`, `call-3.json`, ... (up to `names` names in
/// all) rather than being lost. Returns the name used.
pub fn write_new_or_beside(
    path: &Path,
    bytes: &[u8],
    names: usize,
) -> Result<std::path::PathBuf, String> {
    write_new_with(path, |w| w.write_all(bytes), names)
}

/// As [`write_new_or_beside`], with what `fill` writes: if `fill` (or flushing to disk)
/// fails, nothing is left, not even the temporary file.
fn write_new_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    names: usize,
) -> Result<std::path::PathBuf, String> {
    let shown = path.display();
    let dir = folder_of(path);
    // On failure the temporary file is removed when it drops.
    let mut tmp = filled_temporary(path, fill)?;
    let mut used = None;
    for n in 1..=names.max(1) {
        let candidate = numbered(path, n);
        match tmp.persist_noclobber(&candidate) {
            Ok(_) => {
                used = Some(candidate);
                break;
            }
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => {
                return Err(format!(
                    "{shown}: cannot write: {}",
                    crate::io_reason(&e.error)
                ))
            }
        }
    }
    let Some(used) = used else {
        return Err(format!(
            "{shown}: already exists; a record is never replaced"
        ));
    };
    sync_folder(dir).map_err(|e| {
        format!(
            "{}: written, but {} could not be flushed to disk: {}",
            used.display(),
            dir.display(),
            crate::io_reason(&e)
        )
    })?;
    Ok(used)
}

/// A temporary file in the folder of `path`, holding what `fill` writes, flushed to disk.
fn filled_temporary(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<tempfile::NamedTempFile, String> {
    let shown = path.display();
    let dir = folder_of(path);
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
    Ok(tmp)
}

/// `call.json` for 1, `call-2.json` for 2, ...
fn numbered(path: &Path, n: usize) -> std::path::PathBuf {
    if n == 1 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

/// The folder a file goes in (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Flushes a folder's entries to disk, so that a new name in it survives a power cut.
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("record.json");
        let used = write_new_or_beside(&target, b"{\"a\":1}", 1).unwrap();
        assert_eq!(used, target);
        assert_eq!(std::fs::read(&target).unwrap(), b"{\"a\":1}");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_failure_half_way_leaves_no_file_and_no_temporary_file() {
        // A full disk fails a write part of the way through; so does this writer.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("record.json");
        let e = write_new_with(
            &target,
            |w| {
                w.write_all(b"half of the new")?;
                Err(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "No space left on device",
                ))
            },
            1,
        )
        .unwrap_err();
        assert_eq!(
            e,
            format!(
                "{}: cannot write: No space left on device",
                target.display()
            )
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_folder_where_no_file_can_be_made_is_a_clear_error() {
        // Not even root can create a file in /proc: a folder that refuses every write.
        let target = Path::new("/proc/aftercare-record.json");
        let e = write_new_or_beside(target, b"x", 1).unwrap_err();
        assert!(
            e.starts_with("/proc/aftercare-record.json: cannot write in /proc: "),
            "{e}"
        );
        assert!(!target.exists());
    }

    #[test]
    fn a_record_never_replaces_a_file_a_link_or_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("call.json");
        write_new_or_beside(&file, b"first call", 1).unwrap();
        let e = write_new_or_beside(&file, b"second call", 1).unwrap_err();
        assert!(
            e.ends_with("already exists; a record is never replaced"),
            "{e}"
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"first call");
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
            assert!(write_new_or_beside(&link, b"x", 1).is_err());
            assert!(
                !dir.path().join("elsewhere").exists(),
                "not written through"
            );
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            assert!(write_new_or_beside(&fifo, b"x", 1).is_err());
            assert!(std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo());
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(names.iter().all(|n| !n.to_string_lossy().ends_with(".tmp")));
    }

    #[test]
    fn a_record_whose_name_was_taken_meanwhile_goes_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("call.json");
        write_new_or_beside(&first, b"first nurse", 1).unwrap();
        let used = write_new_or_beside(&first, b"second nurse", 100).unwrap();
        assert_eq!(used, dir.path().join("call-2.json"));
        let used = write_new_or_beside(&first, b"third nurse", 100).unwrap();
        assert_eq!(used, dir.path().join("call-3.json"));
        assert_eq!(std::fs::read(&first).unwrap(), b"first nurse");
        assert_eq!(
            std::fs::read(dir.path().join("call-2.json")).unwrap(),
            b"second nurse"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 3, "no temporary file is left");
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("no/such/folder/record.json");
        let e = write_new_or_beside(&target, b"x", 1).unwrap_err();
        assert!(
            e.contains("record.json") && e.contains("cannot write"),
            "{e}"
        );
    }
}
