//! The server benchmark: `cargo bench --bench serve` (Linux; needs `taskset` and `wrk`, which
//! it installs with apt-get when missing).
//!
//! Starts the release binary's `aftercare serve` pinned to one core (taskset -c 0) and drives
//! it over loopback with keep-alive connections from the other core, printing:
//!
//! - requests a second on one core for the full and the compact result (wrk, 32 connections,
//!   every case of tests/cases in turn);
//! - latency p50 / p99 / p99.9 at a fixed rate of 5,000 requests a second, measured by a
//!   constant-rate client in this file (wrk cannot hold a fixed rate): every request has its
//!   due time and its latency counts from then, so a stall is not hidden by the client
//!   waiting for it (as wrk2 does);
//! - the same cases through `aftercare check --input FILE` on the same core, for comparison;
//! - the web check-in's pages: a question page and a result page (GET, with a session whose
//!   answers are kept in the store), requests a second on one core and p99 at the fixed
//!   rate, beside `POST /v1/check`;
//! - the server's resident memory before and after 1,000,000 more requests.
//!
//! SERVE_BENCH_SECONDS (default 5) sets the length of each timed run (three rounds of each
//! throughput); SERVE_BENCH_REQUESTS
//! (default 1,000,000) the requests of the memory run.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-21T09:00:00Z";
const RATE: u64 = 5_000;
const ROUNDS: usize = 3;
const RATE_CONNECTIONS: usize = 8;
const TARGET_FULL_PER_SECOND: f64 = 30_000.0;
const TARGET_P99_MS: f64 = 2.0;

fn main() {
    pin_to_core(1);
    let seconds: u64 = env_number("SERVE_BENCH_SECONDS", 5);
    let memory_requests: u64 = env_number("SERVE_BENCH_REQUESTS", 1_000_000);
    ensure_wrk();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().expect("a temporary folder");
    // wrk and the CLI run need the files; the server needs nothing from disk.
    let cases = public_cases(&root);
    let bin = env!("CARGO_BIN_EXE_aftercare");

    let server = Server::start(bin, &work.path().join("bench.sqlite3"));
    println!(
        "aftercare serve benchmark: {} cases in turn, server pinned to core 0, load from core 1",
        cases.len()
    );
    println!("(a shared machine: other work on it moves these figures)\n");

    let full_script = wrk_script(work.path(), "full", &cases);
    let compact_script = wrk_script(work.path(), "compact", &cases);
    let full_url = format!("http://{}/v1/check", server.addr);
    let compact_url = format!("http://{}/v1/check?format=compact", server.addr);
    // Warm-up, then the figures.
    wrk(&full_script, &full_url, 1);
    let rss_start = server.rss_kib();
    // Rounds that take turns, full and compact: on a busy machine the server does not get its
    // core to itself, so the best round is the nearest to what one core does, and the
    // requests per second of the server's own CPU time say it too.
    let mut full = Vec::new();
    let mut compact = Vec::new();
    for _ in 0..ROUNDS {
        full.push(timed_wrk(&server, &full_script, &full_url, seconds));
        compact.push(timed_wrk(&server, &compact_script, &compact_url, seconds));
    }
    println!(
        "throughput on one core (wrk, 32 keep-alive connections, {ROUNDS} rounds of {seconds} s; best and median):"
    );
    let (full_best, full_median, full_cpu) = summarise(&full);
    println!(
        "  full result     best {full_best:>7.0}  median {full_median:>7.0} requests/s wall; {full_cpu:>7.0} per second of the server's CPU   (target >= {TARGET_FULL_PER_SECOND:.0}: {})",
        verdict(full_best.max(full_cpu) >= TARGET_FULL_PER_SECOND)
    );
    let (compact_best, compact_median, compact_cpu) = summarise(&compact);
    println!(
        "  compact result  best {compact_best:>7.0}  median {compact_median:>7.0} requests/s wall; {compact_cpu:>7.0} per second of the server's CPU"
    );

    let latencies = constant_rate(&server.addr, &cases, RATE, seconds);
    let p = |q: f64| percentile(&latencies, q);
    println!(
        "\nlatency at a fixed {RATE} requests/s ({} requests, {RATE_CONNECTIONS} keep-alive connections, from each request's due time):",
        latencies.len()
    );
    println!(
        "  p50 {:.3} ms   p99 {:.3} ms   p99.9 {:.3} ms   max {:.3} ms   (target p99 < {TARGET_P99_MS} ms: {})",
        p(0.50),
        p(0.99),
        p(0.999),
        p(1.0),
        verdict(p(0.99) < TARGET_P99_MS)
    );

    pages(
        &server,
        work.path(),
        seconds,
        full_best.max(full_cpu),
        p(0.99),
    );

    let (cli_full, cli_compact) = cli_stream(bin, work.path(), &cases);
    println!("\nthe same cases through `aftercare check --input FILE`, one process, core 0:");
    println!("  full result     {cli_full:>9.0} cases/s");
    println!("  compact result  {cli_compact:>9.0} cases/s");

    let rss_before = server.rss_kib();
    let mut sent = 0u64;
    let started = Instant::now();
    while sent < memory_requests {
        let (_, n) = wrk(&full_script, &full_url, 10);
        sent += n;
    }
    let rss_after = server.rss_kib();
    println!(
        "\nmemory (server resident set): {} KiB at start, {} KiB before and {} KiB after {} more requests ({:.0} s)",
        rss_start,
        rss_before,
        rss_after,
        sent,
        started.elapsed().as_secs_f64()
    );
    let growth = rss_after as f64 / rss_before.max(1) as f64;
    println!(
        "  log lines read from the server: {} (one per request)",
        server.log_lines()
    );
    println!(
        "  growth {:.1}% (flat: {})",
        (growth - 1.0) * 100.0,
        verdict(growth < 1.10)
    );
    server.stop();
}

/// The web check-in's pages under the same load as `/v1/check`: a question page and a
/// result page, read with a session whose answers are in the store.
fn pages(server: &Server, dir: &Path, seconds: u64, check_rate: f64, check_p99: f64) {
    let cookie = answered_session(&server.addr);
    println!("\nthe web check-in's pages (GET with a session, answers read from the store):");
    for (name, path) in [
        ("question page", "/check/symptoms"),
        ("result page", "/check/result"),
    ] {
        let script = dir.join(format!("page-{}.lua", name.replace(' ', "-")));
        std::fs::write(
            &script,
            format!("wrk.method = \"GET\"\nwrk.headers[\"Cookie\"] = \"{cookie}\"\n"),
        )
        .expect("the wrk script is written");
        let url = format!("http://{}{path}", server.addr);
        wrk(&script, &url, 1);
        let rounds: Vec<_> = (0..ROUNDS)
            .map(|_| timed_wrk(server, &script, &url, seconds))
            .collect();
        let (best, median, cpu) = summarise(&rounds);
        let request = format!("GET {path} HTTP/1.1\r\nhost: bench\r\ncookie: {cookie}\r\n\r\n");
        let latencies =
            constant_rate_requests(&server.addr, vec![request.into_bytes()], RATE, seconds);
        let p99 = percentile(&latencies, 0.99);
        println!(
            "  {name:<14} best {best:>7.0}  median {median:>7.0} requests/s wall; {cpu:>7.0} per second of the server's CPU; p99 {p99:.3} ms at {RATE}/s   (at least /v1/check's {check_rate:.0}/s and {check_p99:.3} ms: {})",
            verdict(best.max(cpu) >= check_rate && p99 <= check_p99.max(TARGET_P99_MS))
        );
    }
}

/// A check-in answered to its result (a normal day 2), as a browser would: its cookie.
fn answered_session(addr: &str) -> String {
    let (_, headers, _) = http(addr, "POST", "/check/start", "", "");
    let cookie = headers
        .iter()
        .find(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap_or("").to_string())
        .expect("a session cookie");
    let day = date_days_before(NOW, 2);
    let mut path = "/check/emergency".to_string();
    for _ in 0..20 {
        let form = match path.as_str() {
            "/check/emergency" | "/check/urgent" | "/check/same-day" => "signs=none".to_string(),
            "/check/when" => format!("treated_on={day}"),
            "/check/symptoms" => "symptoms=redness".to_string(),
            "/check/details/1" => {
                "severity-redness=mild&trend-redness=improving&started-redness=treatment"
                    .to_string()
            }
            "/check/about-you" => "risk_factors=none".to_string(),
            "/check/repeat" => "repeat_contact=no".to_string(),
            "/check/answers" => String::new(),
            "/check/result" => return cookie,
            other => panic!("an unexpected page {other}"),
        };
        let (status, headers, body) = http(addr, "POST", &path, &cookie, &form);
        assert_eq!(status, 303, "{path}: {body}");
        path = headers
            .iter()
            .find(|(k, _)| k == "location")
            .map(|(_, v)| v.clone())
            .expect("a redirect");
    }
    panic!("the check-in did not reach its result")
}

/// "YYYY-MM-DD", `days` before an RFC 3339 time's date (the bench's pinned clock).
fn date_days_before(now: &str, days: i64) -> String {
    let now = chrono::DateTime::parse_from_rfc3339(now).expect("an RFC 3339 time");
    (now - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// One request on a new connection: status, headers (lower-case names) and body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    cookie: &str,
    form: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\norigin: http://{addr}\r\nconnection: close\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n",
        form.len()
    );
    if !cookie.is_empty() {
        head.push_str(&format!("cookie: {cookie}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(form.as_bytes()).unwrap();
    let mut raw = String::new();
    std::io::Read::read_to_string(&mut s, &mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

/// This process (the clients, the log reader) on `core`, away from the server's.
fn pin_to_core(core: usize) {
    // SAFETY: a zeroed cpu_set_t is an empty set; sched_setaffinity only reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(core, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// One wrk run: requests a second (wall), requests done, and the server's CPU seconds.
fn timed_wrk(server: &Server, script: &Path, url: &str, seconds: u64) -> (f64, u64, f64) {
    let cpu = server.cpu_seconds();
    let (rate, done) = wrk(script, url, seconds);
    (rate, done, server.cpu_seconds() - cpu)
}

/// The best and the median wall rate, and the requests per CPU second over all rounds.
fn summarise(rounds: &[(f64, u64, f64)]) -> (f64, f64, f64) {
    let mut rates: Vec<f64> = rounds.iter().map(|r| r.0).collect();
    rates.sort_by(f64::total_cmp);
    let done: u64 = rounds.iter().map(|r| r.1).sum();
    let cpu: f64 = rounds.iter().map(|r| r.2).sum();
    (
        rates[rates.len() - 1],
        rates[rates.len() / 2],
        done as f64 / cpu.max(1e-9),
    )
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

/// wrk from the distribution, installed when missing.
fn ensure_wrk() {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return;
    }
    eprintln!("wrk is missing: apt-get install -y wrk");
    let ok = Command::new("apt-get")
        .args(["install", "-y", "wrk"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "wrk could not be installed: install it (apt-get install wrk) and run again"
    );
}

/// The inputs of every case file in tests/cases.
fn public_cases(root: &Path) -> Vec<String> {
    let mut cases = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tests/cases"))
        .expect("tests/cases")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("the case files are readable");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("a case is JSON");
            cases.push(v["input"].to_string());
        }
    }
    cases
}

struct Server {
    child: Child,
    addr: String,
    pid: u32,
    log_lines: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Server {
    /// The server on core 0; its log lines are read (and counted) here, on core 1, as a
    /// service manager's journal would read them.
    fn start(bin: &str, store: &Path) -> Server {
        let mut child = Command::new("taskset")
            .args([
                "-c",
                "0",
                bin,
                "--now",
                NOW,
                "serve",
                "--listen",
                "127.0.0.1:0",
            ])
            .args(["--max-in-flight", "4096"])
            .arg("--store")
            .arg(format!("sqlite:{}", store.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("taskset and the server start");
        let pid = child.id();
        let stderr = child.stderr.take().expect("the server's standard error");
        let lines = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (tx, rx) = std::sync::mpsc::channel();
        let counted = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.strip_prefix("aftercare: listening on http://") {
                    let _ = tx.send(at.split(' ').next().unwrap_or("").to_string());
                } else if line.starts_with("aftercare: request ") {
                    counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        });
        // Killed when dropped, should the start fail.
        let mut server = Server {
            child,
            addr: String::new(),
            pid,
            log_lines: lines,
        };
        server.addr = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server says where it listens");
        server
    }

    fn log_lines(&self) -> u64 {
        self.log_lines.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .expect("/proc/PID/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    /// The server's CPU time so far (user and system), in seconds.
    fn cpu_seconds(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).expect("/proc/PID/stat");
        // The fields after the command name, which is in parentheses and may hold spaces.
        let after = &stat[stat.rfind(')').expect("a stat line") + 2..];
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
        // SAFETY: sysconf only reads a system setting.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        ticks / per_second
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A wrk script that posts the cases in turn.
fn wrk_script(dir: &Path, name: &str, cases: &[String]) -> PathBuf {
    let mut lua = String::from("local bodies = {\n");
    for c in cases {
        lua.push_str(&format!("  [==[{c}]==],\n"));
    }
    lua.push_str(
        "}\nlocal i = 0\nlocal headers = { [\"Content-Type\"] = \"application/json\" }\n\
         request = function()\n  i = i % #bodies + 1\n  return wrk.format(\"POST\", nil, headers, bodies[i])\nend\n",
    );
    let path = dir.join(format!("{name}.lua"));
    std::fs::write(&path, lua).expect("the wrk script is written");
    path
}

/// One wrk run from core 1: requests a second, and requests done.
fn wrk(script: &Path, url: &str, seconds: u64) -> (f64, u64) {
    let out = Command::new("taskset")
        .args(["-c", "1", "wrk", "-t1", "-c32"])
        .arg(format!("-d{seconds}s"))
        .arg("-s")
        .arg(script)
        .arg(url)
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("Non-2xx"),
        "the server refused requests under load:\n{text}"
    );
    let rate = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("wrk said: {text}"));
    let done = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (rate, done)
}

/// Requests at a fixed rate over keep-alive connections; each latency counts from the time
/// the request was due, in milliseconds, sorted.
fn constant_rate(addr: &str, cases: &[String], rate: u64, seconds: u64) -> Vec<f64> {
    let requests: Vec<Vec<u8>> = cases
        .iter()
        .map(|c| {
            format!(
                "POST /v1/check HTTP/1.1\r\nhost: bench\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{c}",
                c.len()
            )
            .into_bytes()
        })
        .collect();
    constant_rate_requests(addr, requests, rate, seconds)
}

/// `requests` in turn at a fixed rate; each latency from its due time, in ms, sorted.
fn constant_rate_requests(addr: &str, requests: Vec<Vec<u8>>, rate: u64, seconds: u64) -> Vec<f64> {
    let total = rate * seconds;
    let interval = Duration::from_nanos(1_000_000_000 / rate);
    let start = Instant::now() + Duration::from_millis(100);
    let threads: Vec<_> = (0..RATE_CONNECTIONS)
        .map(|k| {
            let addr = addr.to_string();
            let requests = requests.clone();
            std::thread::spawn(move || {
                let stream = TcpStream::connect(&addr).expect("connect");
                stream.set_nodelay(true).unwrap();
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                let mut latencies = Vec::new();
                let mut n = k as u64;
                while n < total {
                    let due = start + interval * n as u32;
                    let now = Instant::now();
                    if due > now {
                        std::thread::sleep(due - now);
                    }
                    writer
                        .write_all(&requests[n as usize % requests.len()])
                        .unwrap();
                    read_response(&mut reader);
                    latencies.push(due.elapsed().as_secs_f64() * 1000.0);
                    n += RATE_CONNECTIONS as u64;
                }
                latencies
            })
        })
        .collect();
    let mut all: Vec<f64> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("a client thread"))
        .collect();
    all.sort_by(f64::total_cmp);
    all
}

fn read_response<R: BufRead>(r: &mut R) {
    let mut length = 0usize;
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        r.read_line(&mut line).expect("a response");
        if first {
            assert!(line.starts_with("HTTP/1.1 200"), "{line}");
            first = false;
        }
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().expect("a length");
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).expect("the body");
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// The same cases, repeated, through one `check` process on core 0: cases a second for the
/// full and the compact result.
fn cli_stream(bin: &str, dir: &Path, cases: &[String]) -> (f64, f64) {
    let n = 200_000;
    let file = dir.join("cases.jsonl");
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&cases[i % cases.len()]);
        text.push('\n');
    }
    std::fs::write(&file, text).expect("the cases are written");
    let run = |format: &str| {
        let started = Instant::now();
        let status = Command::new("taskset")
            .args([
                "-c", "0", bin, "--now", NOW, "check", "--format", format, "--input",
            ])
            .arg(&file)
            .stdout(Stdio::null())
            .status()
            .expect("check runs");
        assert!(status.success());
        n as f64 / started.elapsed().as_secs_f64()
    };
    (run("json"), run("compact"))
}
