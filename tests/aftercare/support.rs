//! Small helpers shared by the integration tests.

use std::path::PathBuf;

use assert_cmd::Command;

/// A fixed assessment time, so that no test depends on the clock.
pub const NOW: &str = "2026-11-21T09:00:00Z";

// The one way the tests run the binary: `aftercare*` for a run with its input given at
// once (assert_cmd), `process*` for a child fed and read while it runs (std's Command); both
// with colour off, no inherited width, and the clock fixed unless a test reads the real one.

/// Where the built binary is.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_aftercare"))
}

/// The binary, with colour off and a fixed clock.
pub fn aftercare() -> Command {
    aftercare_at(NOW)
}

/// The binary, with colour off and the clock at `now`.
pub fn aftercare_at(now: &str) -> Command {
    let mut cmd = aftercare_on_the_clock();
    cmd.arg("--now").arg(now);
    cmd
}

/// The binary, with colour off, reading the real clock.
pub fn aftercare_on_the_clock() -> Command {
    let mut cmd = Command::new(binary());
    cmd.env("NO_COLOR", "1").env_remove("COLUMNS");
    cmd
}

/// The binary as a child process to feed and read while it runs, with colour off and the
/// clock at `now`; the caller chooses its pipes.
pub fn process_at(now: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(binary());
    cmd.env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .arg("--now")
        .arg(now);
    cmd
}

pub fn repo_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The acceptance cases of the public files (1.0, 1.1 and 1.2): the shared files when the
/// checkout sits beside them, which must then be identical to the copies kept in
/// `tests/cases/` (so that a change there is not missed).
pub fn public_cases() -> Vec<serde_json::Value> {
    ["public.jsonl", "public-1.1.jsonl", "public-1.2.jsonl"]
        .into_iter()
        .flat_map(cases_of)
        .collect()
}

fn cases_of(name: &str) -> Vec<serde_json::Value> {
    let vendored = std::fs::read_to_string(repo_path(&format!("tests/cases/{name}")))
        .unwrap_or_else(|e| panic!("tests/cases/{name} is readable: {e}"));
    if let Ok(shared) = std::fs::read_to_string(repo_path(&format!("../shared/cases/{name}"))) {
        assert_eq!(
            shared, vendored,
            "../shared/cases/{name} changed: copy it to tests/cases/{name}"
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
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "aftercare panicked: {stderr}");
    (value, out.status.code().expect("exit code"), stderr)
}

/// The built-in rule set, parsed once for the whole test binary.
pub fn rules() -> &'static aftercare_core::RuleSet {
    static RULES: std::sync::OnceLock<aftercare_core::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(aftercare_core::RuleSet::built_in)
}

/// A reported symptom with everything given.
pub fn symptom(
    id: &str,
    severity: aftercare_core::Severity,
    trend: aftercare_core::Trend,
    started_day: f64,
) -> aftercare_core::ReportedSymptom {
    aftercare_core::ReportedSymptom {
        id: id.to_string(),
        severity,
        trend,
        started_day,
        description: None,
    }
}

/// A case on `day` with these symptoms and no repeat contact.
pub fn case_on(day: f64, symptoms: Vec<aftercare_core::ReportedSymptom>) -> aftercare_core::Case {
    aftercare_core::Case::on_day(day, symptoms)
}

/// Every rule id that fired in an assessment: each finding's deciding rule and its others.
pub fn fired_rules(a: &aftercare_core::Assessment) -> Vec<String> {
    a.findings
        .iter()
        .flat_map(|f| std::iter::once(f.rule.clone()).chain(f.also.iter().map(|h| h.rule.clone())))
        .collect()
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Standard output as JSON values, one per line.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
            .collect()
    }

    /// Standard output as exactly one JSON object.
    pub fn json(&self) -> serde_json::Value {
        let lines = self.json_lines();
        assert_eq!(lines.len(), 1, "one JSON line out: {:?}", self.stdout);
        lines.into_iter().next().unwrap()
    }

    /// The one line of standard error (every error is one line).
    pub fn error_line(&self) -> &str {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line on stderr: {:?}", self.stderr);
        lines[0]
    }
}

/// Runs the binary (with the fixed clock and no colour) on `args`, feeding `stdin`; fails the
/// test if it panicked.
pub fn run(args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
    run_at(NOW, args, stdin)
}

/// `run` with the clock at `now`.
pub fn run_at(now: &str, args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
    let out = aftercare_at(now)
        .args(args)
        .write_stdin(stdin.into())
        .output()
        .expect("aftercare runs");
    let run = Run {
        code: out.status.code().expect("exited with a code, not a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "aftercare {args:?} panicked: {}",
        run.stderr
    );
    run
}

/// `aftercare check --input - --format FORMAT` on `stdin`.
pub fn check(format: &str, stdin: impl Into<Vec<u8>>) -> Run {
    run(&["check", "--input", "-", "--format", format], stdin)
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

/// A clinic's rule file in a temporary folder (kept while the folder lives).
pub fn clinic_file(content: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.toml");
    std::fs::write(&path, content).unwrap();
    (dir, path)
}

/// Rule-file text without its `[[example]]` tables (they come last): a clinic file edited to
/// change an answer would otherwise be refused for the examples it no longer passes.
pub fn without_examples(text: &str) -> String {
    match text.find("\n[[example]]") {
        Some(at) => text[..at + 1].to_string(),
        None => text.to_string(),
    }
}

/// The binary as a long-running process (for `serve`), with colour off and the clock at
/// `NOW`; the caller adds the command and its options.
pub fn aftercare_process() -> std::process::Command {
    use assert_cmd::cargo::CommandCargoExt;
    let mut cmd = std::process::Command::cargo_bin("aftercare").expect("the binary is built");
    cmd.env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .arg("--now")
        .arg(NOW);
    cmd
}

/// A symptom with a severity and a trend, there since the treatment.
pub fn report(
    id: &str,
    severity: aftercare_core::Severity,
    trend: aftercare_core::Trend,
) -> aftercare_core::ReportedSymptom {
    symptom(id, severity, trend, 0.0)
}

/// A symptom with the defaults for everything but its id.
pub fn plain(id: &str) -> aftercare_core::ReportedSymptom {
    aftercare_core::ReportedSymptom::new(id)
}

/// A case on `day` with these symptoms and risk factors.
pub fn with_risks(
    day: f64,
    symptoms: Vec<aftercare_core::ReportedSymptom>,
    risks: &[&str],
) -> aftercare_core::Case {
    let mut case = case_on(day, symptoms);
    case.risk_factors = risks.iter().map(|r| r.to_string()).collect();
    case
}

/// A case's disposition and every rule that fired for it.
pub fn fired(case: &aftercare_core::Case) -> (aftercare_core::Disposition, Vec<String>) {
    let a = aftercare_core::assess(case, rules());
    (a.disposition, fired_rules(&a))
}
