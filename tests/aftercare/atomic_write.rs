//! Records and outputs are written whole or not at all, tested on real file systems: a
//! small tmpfs that fills up and a read-only one, each mounted in a private mount namespace
//! (`unshare -m`) so nothing is left mounted. Mounting needs root (as in CI here); where it
//! is refused the test says so on the test run's own output (not the captured one, which a
//! passing test hides), and the unit tests in `src/atomic.rs` (a writer that fails
//! half-way, a folder where no file can be made) still cover the logic.

use std::path::{Path, PathBuf};
use std::process::Command;

use std::io::Write;

use aftercare::atomic::write_new_or_beside;

/// Where the inner test finds its file system, set by the outer one.
const MOUNT_ENV: &str = "AFTERCARE_TEST_MOUNT";

/// Runs the ignored test `inner` of this binary inside a private mount namespace with a
/// tmpfs mounted (with `options`) at a fresh folder. Returns false when that cannot be done.
fn run_in_small_fs(options: &str, inner: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c"])
        .arg(r#"mount -t tmpfs -o "$1" tmpfs "$2" || exit 99; shift 2; exec "$@""#)
        .arg("sh")
        .arg(options)
        .arg(dir.path())
        .arg(&exe)
        .args(["--exact", inner, "--ignored", "--test-threads=1"])
        .env(MOUNT_ENV, dir.path())
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            skipped(&format!(
                "{inner}: unshare is not available ({e}); not tested on a real file system"
            ));
            return false;
        }
    };
    if out.status.code() == Some(99) || (out.status.code() == Some(1) && out.stdout.is_empty()) {
        skipped(&format!(
            "{inner}: cannot mount a file system here ({}); not tested on a real file system",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
        return false;
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{inner} in a {options} tmpfs:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The mount was private to the namespace: the folder here is empty.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    true
}

/// Says that a test did not run, on the real standard error: the harness captures
/// `eprintln!` and shows it only when a test fails, so a skip would pass unseen.
fn skipped(why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// The folder the outer test mounted; none when an inner test is run on its own (with
/// `--ignored`), which then has nothing to test and says so.
fn mount_dir() -> Option<PathBuf> {
    let dir = std::env::var_os(MOUNT_ENV).map(PathBuf::from);
    if dir.is_none() {
        skipped("run on its own, with no file system mounted for it: nothing tested");
    }
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_full_disk_gives_a_clear_error_and_leaves_no_half_file() {
    run_in_small_fs("size=64k", "atomic_write::full_disk_inner");
}

#[test]
#[ignore = "run inside a private mount namespace by a_full_disk_gives_a_clear_error_and_leaves_no_half_file"]
fn full_disk_inner() {
    let Some(dir) = mount_dir() else { return };
    let target = dir.join("record.json");
    write_new_or_beside(&target, b"{\"old\":true}", 1).unwrap();
    // Far more than the 64 KiB file system holds, beside the record already there.
    let fresh = dir.join("new.json");
    let e = write_new_or_beside(&fresh, &vec![b'x'; 1024 * 1024], 1).unwrap_err();
    assert_eq!(
        e,
        format!("{}: cannot write: No space left on device", fresh.display())
    );
    assert!(!fresh.exists(), "no half record");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"{\"old\":true}",
        "the record already there is whole"
    );
    assert_eq!(files_in(&dir), ["record.json"], "no temporary file is left");
}

#[test]
fn a_read_only_folder_gives_a_clear_error_and_leaves_no_file() {
    run_in_small_fs("size=64k,ro", "atomic_write::read_only_inner");
}

#[test]
#[ignore = "run inside a private mount namespace by a_read_only_folder_gives_a_clear_error_and_leaves_no_file"]
fn read_only_inner() {
    let Some(dir) = mount_dir() else { return };
    let target = dir.join("record.json");
    let e = write_new_or_beside(&target, b"{}", 1).unwrap_err();
    assert_eq!(
        e,
        format!(
            "{}: cannot write in {}: Read-only file system",
            target.display(),
            dir.display()
        )
    );
    assert!(files_in(&dir).is_empty());
}
