//! Files written whole or not at all: to a temporary file in the same folder, flushed to
//! disk, then renamed over the target. A full disk or a read-only folder leaves no half file.
//! A record, which must never replace anything, is put in place with no-clobber instead
//! ([`write_new`]), and the folder is flushed after it, so that "saved" survives a power cut.

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
    // On failure the temporary file is removed when `tmp` drops.
    let tmp = filled_temporary(path, fill)?;
    tmp.persist(path)
        .map_err(|e| format!("{shown}: cannot write: {}", crate::io_reason(&e.error)))?;
    Ok(())
}

/// Writes `bytes` to `path`, which must not exist: whole or not at all, and never in place
/// of anything (a file, a symbolic link, a FIFO, a device). The temporary file is linked to
/// its name, which fails if the name is taken, even by a file made a moment before by
/// someone else; then the folder is flushed to disk.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_new_or_beside(path, bytes, 1).map(|_| ())
}

/// As [`write_new`], but when `path` is taken by the time the record is written (someone
/// saved to the same name meanwhile), the record goes beside it under the first free name
/// of `call-2.json`, `call-3.json`, ... (up to `names` names in all) rather than being lost.
/// Returns the name used.
pub fn write_new_or_beside(
    path: &Path,
    bytes: &[u8],
    names: usize,
) -> Result<std::path::PathBuf, String> {
    let shown = path.display();
    let dir = folder_of(path);
    let tmp = filled_temporary(path, |w| w.write_all(bytes))?;
    let mut used = None;
    for n in 1..=names.max(1) {
        let candidate = numbered(path, n);
        match place_new(tmp.path(), &candidate) {
            Ok(()) => {
                used = Some(candidate);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{shown}: cannot write: {}", crate::io_reason(&e))),
        }
    }
    let Some(used) = used else {
        return Err(format!(
            "{shown}: already exists; a record is never replaced"
        ));
    };
    // The temporary name goes when `tmp` drops; the record keeps its own link.
    drop(tmp);
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

/// Gives the file at `from` the name `to` without ever replacing what `to` names: a hard
/// link, or where the file system has none, a rename that refuses to replace (Linux).
fn place_new(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(link_error) => rename_no_replace(from, to).map_err(|e| {
            if e.kind() == std::io::ErrorKind::Unsupported {
                link_error
            } else {
                e
            }
        }),
    }
}

#[cfg(target_os = "linux")]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (from, to) = (c(from)?, c(to)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::EINVAL) || e.raw_os_error() == Some(libc::ENOSYS) {
            Err(std::io::ErrorKind::Unsupported.into())
        } else {
            Err(e)
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_no_replace(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
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
    fn a_record_never_replaces_a_file_a_link_or_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("call.json");
        write_new(&file, b"first call").unwrap();
        let e = write_new(&file, b"second call").unwrap_err();
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
            assert!(write_new(&link, b"x").is_err());
            assert!(
                !dir.path().join("elsewhere").exists(),
                "not written through"
            );
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            assert!(write_new(&fifo, b"x").is_err());
            assert!(std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo());
        }
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert!(names.iter().all(|n| !n.to_string_lossy().ends_with(".tmp")));
    }

    #[test]
    fn a_record_whose_name_was_taken_meanwhile_goes_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("call.json");
        write_new(&first, b"first nurse").unwrap();
        let used = write_new_or_beside(&first, b"second nurse", 100).unwrap();
        assert_eq!(used, dir.path().join("call-2.json"));
        let used = write_new_or_beside(&first, b"third nurse", 100).unwrap();
        assert_eq!(used, dir.path().join("call-3.json"));
        assert_eq!(std::fs::read(&first).unwrap(), b"first nurse");
        assert_eq!(
            std::fs::read(dir.path().join("call-2.json")).unwrap(),
            b"second nurse"
        );
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
