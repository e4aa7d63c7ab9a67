//! Standard output's state at start.

/// Whether standard output was closed when the program started (`aftercare check >&-`). The
/// Rust runtime then opens `/dev/null` read-write in its place, so every answer would be
/// lost while the exit code said all went well. A shell's `> /dev/null` opens it write-only:
/// that is a choice, and is left alone.
#[cfg(unix)]
// `st_rdev` is a u64 here and a u32 on some unix systems.
#[allow(clippy::unnecessary_cast)]
pub fn stdout_was_closed() -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: fstat and fcntl only read the state of file descriptor 1 into `st`.
    let (st, flags) = unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstat(1, &mut st) != 0 {
            return true;
        }
        (st, libc::fcntl(1, libc::F_GETFL))
    };
    let Ok(null) = std::fs::metadata("/dev/null") else {
        return false;
    };
    flags >= 0
        && flags & libc::O_ACCMODE == libc::O_RDWR
        && st.st_rdev as u64 == null.rdev()
        && st.st_mode & libc::S_IFMT == libc::S_IFCHR
}

#[cfg(not(unix))]
pub fn stdout_was_closed() -> bool {
    false
}
