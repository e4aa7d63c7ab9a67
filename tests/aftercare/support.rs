//! Small helpers shared by the integration tests.

use std::path::PathBuf;

use assert_cmd::Command;

/// A fixed assessment time, so that no test depends on the clock.
pub const NOW: &str = "2026-11-21T09:00:00Z";

/// The binary, with colour off and a fixed clock.
pub fn aftercare() -> Command {
    let mut cmd = Command::cargo_bin("aftercare").expect("the aftercare binary is built");
    cmd.env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .arg("--now")
        .arg(NOW);
    cmd
}

pub fn repo_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The acceptance cases: the shared file when the checkout sits beside it, which must then be
/// identical to the copy kept in `tests/cases/` (so that a change there is not missed).
pub fn public_cases() -> Vec<serde_json::Value> {
    let vendored = std::fs::read_to_string(repo_path("tests/cases/public.jsonl"))
        .expect("tests/cases/public.jsonl is readable");
    if let Ok(shared) = std::fs::read_to_string(repo_path("../shared/cases/public.jsonl")) {
        assert_eq!(
            shared, vendored,
            "../shared/cases/public.jsonl changed: copy it to tests/cases/public.jsonl"
        );
    }
    vendored
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("each acceptance case is JSON"))
        .collect()
}

/// Runs `aftercare check --input - --format json` on one JSON text; returns the parsed
/// output, the exit code and standard error.
pub fn check_json(input: &str) -> (serde_json::Value, i32, String) {
    let out = aftercare()
        .args(["check", "--input", "-", "--format", "json"])
        .write_stdin(input)
        .output()
        .expect("aftercare runs");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let value = serde_json::from_str(stdout.trim()).unwrap_or(serde_json::Value::Null);
    (
        value,
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A table of named test cases (JSON Lines: id, title, input, expect, expect_rules).
pub fn test_cases(rel: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(repo_path(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{rel}: {e}: {l}")))
        .collect()
}
