//! The batch benchmark: `cargo bench --bench batch`.
//!
//! Generates typical check-ins deterministically (no input files in the repository) and
//! prints the figures the batch targets are stated in:
//!
//! - throughput of `check --format compact` on one core, through `aftercare::batch::run`
//!   in this process, and its ratio to reading and writing the same JSON Lines with
//!   serde_json alone (same buffering, same run);
//! - growth: the time for ten times the cases over ten times the time for one;
//! - start-up of the release binary, process start to exit, for `--version` and for one
//!   case from a file, beside a serde_json echo of the same file (this benchmark's own
//!   executable, started again to read, parse and write it): the target is at most twice the
//!   echo's;
//! - peak resident memory of the release binary over a stream of a million cases.
//!
//! Timings are medians of a few rounds; triage and baseline take turns so that a slower or
//! faster stretch of the machine falls on both.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aftercare::batch::{self, BatchOptions};
use aftercare::output::Format;
use aftercare_core::{RuleSet, Severity, Trend};
use chrono::DateTime;
use serde::{Deserialize, Serialize};

/// Cases in the large run; the small run for the growth ratio is a tenth of it.
const CASES: usize = 1_000_000;
const ROUNDS: usize = 5;
const STARTUP_RUNS: usize = 200;
/// The same buffers the command uses (src/app.rs).
const BUFFER: usize = 64 * 1024;
const SEED: u64 = 2026;

const TARGET_CASES_PER_SECOND: f64 = 500_000.0;
const TARGET_RATIO: f64 = 1.5;
/// Start-up at most this many times a serde_json echo's, started the same way.
const TARGET_STARTUP_RATIO: f64 = 2.0;
/// Set in the environment of this executable started again as the echo baseline.
const ECHO: &str = "AFTERCARE_BENCH_ECHO";
const TARGET_PEAK_MIB: f64 = 20.0;
const TARGET_GROWTH: f64 = 0.15;

fn main() {
    // Started again as the start-up baseline: read the file, parse it, write it, exit.
    if let Some(path) = std::env::var_os(ECHO) {
        echo_case_file(&path);
        return;
    }
    let rules = RuleSet::built_in();
    let started = Instant::now();
    let bin = env!("CARGO_BIN_EXE_aftercare");

    // The binary's memory over a stream: the cases are generated straight into its pipe.
    let peak_tenth = peak_memory(bin, &rules, CASES / 10);
    let peak_all = peak_memory(bin, &rules, CASES);

    let (input, tenth) = generated_cases(&rules);
    print_input(&rules, &input);
    report_throughput(&rules, &input, tenth);
    report_process(bin, &input, (peak_tenth, peak_all));
    println!();
    println!("benchmark took {:.1} s", started.elapsed().as_secs_f64());
}

/// The start-up baseline: the case file read, parsed as JSON and written back.
fn echo_case_file(path: &std::ffi::OsStr) {
    let text = std::fs::read(path).expect("the case file");
    let value: serde_json::Value = serde_json::from_slice(&text).expect("JSON");
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, &value).expect("writes");
    writeln!(out).expect("writes");
}

/// The cases as JSON Lines in memory, and the length of the first tenth of them.
fn generated_cases(rules: &RuleSet) -> (Vec<u8>, usize) {
    let mut input = Vec::with_capacity(CASES * 320);
    generate(rules, CASES, &mut input).expect("generates in memory");
    let tenth = input
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(CASES / 10 - 1)
        .map(|(i, _)| i + 1)
        .expect("a tenth of the cases");
    (input, tenth)
}

/// What is measured: the rule set and the cases.
fn print_input(rules: &RuleSet, input: &[u8]) {
    println!(
        "aftercare batch benchmark: rule set {} {}, release build",
        rules.name, rules.version
    );
    println!(
        "input: {} typical cases (day 0-30, 3-5 symptoms), {:.1} MB of JSON Lines, generated with seed {SEED}",
        group(CASES),
        input.len() as f64 / 1e6
    );
    println!();
}

/// In process, one thread: the real stream code, and the serde_json baseline, over all the
/// cases and over the first tenth (`tenth` bytes) for the growth. The figures use the
/// thread's CPU time, so that other work on the machine does not count; the wall time is
/// shown beside it.
fn report_throughput(rules: &RuleSet, input: &[u8], tenth: usize) {
    let small = &input[..tenth];
    let mut triage_all = Vec::new();
    let mut triage_tenth = Vec::new();
    let mut baseline_all = Vec::new();
    for _ in 0..ROUNDS {
        triage_all.push(time_triage(rules, input, CASES));
        baseline_all.push(time_baseline(input, CASES));
        triage_tenth.push(time_triage(rules, small, CASES / 10));
    }
    let (t_all, b_all, t_tenth) = (
        Timing::median(&triage_all),
        Timing::median(&baseline_all),
        Timing::median(&triage_tenth),
    );
    let rate = CASES as f64 / t_all.cpu.as_secs_f64();
    let ratio = t_all.cpu.as_secs_f64() / b_all.cpu.as_secs_f64();
    let growth = t_all.cpu.as_secs_f64() / (10.0 * t_tenth.cpu.as_secs_f64());

    println!(
        "throughput on one core: `check --format compact` through aftercare::batch::run, median of {ROUNDS}"
    );
    println!(
        "  triage:                    {:>9} cases/s  {}  {}",
        group(rate as usize),
        t_all.show(CASES),
        verdict(rate >= TARGET_CASES_PER_SECOND, "target >= 500,000")
    );
    println!(
        "  serde_json read and write: {:>9} cases/s  {}",
        group((CASES as f64 / b_all.cpu.as_secs_f64()) as usize),
        b_all.show(CASES),
    );
    println!(
        "  ratio triage / baseline:   {ratio:>9.2}  {}",
        verdict(ratio <= TARGET_RATIO, "target <= 1.5")
    );
    println!("growth");
    println!("  {}", t_tenth.show(CASES / 10));
    println!("  {}", t_all.show(CASES));
    println!(
        "  time for 10x the cases / 10x the time for 1x: {growth:.3}  {}",
        verdict((growth - 1.0).abs() <= TARGET_GROWTH, "target 1 within 15%")
    );
}

/// The release binary as a process: its start-up beside the echo's, and its peak memory
/// over a stream of a tenth of the cases and of all of them (`peak`, measured first).
fn report_process(bin: &str, input: &[u8], peak: (Option<u64>, Option<u64>)) {
    let (echo, version, check) = startup(bin, input);
    println!("process: {bin}");
    println!("  start-up, process start to exit, median and best of {STARTUP_RUNS} runs each, taking turns:");
    println!(
        "    serde_json echo of the case file: {:.2} ms, best {:.2} ms",
        ms(echo.0),
        ms(echo.1)
    );
    for (what, t) in [
        ("--version", version),
        ("check, one case from a file", check),
    ] {
        let ratio = t.0.as_secs_f64() / echo.0.as_secs_f64();
        println!(
            "    {what}: {:.2} ms, best {:.2} ms, {ratio:.2} times the echo  {}",
            ms(t.0),
            ms(t.1),
            verdict(ratio <= TARGET_STARTUP_RATIO, "target <= 2 times the echo")
        );
    }
    match peak {
        (Some(tenth), Some(all)) => println!(
            "  peak resident memory, stream on standard input: {} cases {:.1} MiB, {} cases {:.1} MiB  {}",
            group(CASES / 10),
            mib(tenth),
            group(CASES),
            mib(all),
            verdict(mib(all) < TARGET_PEAK_MIB, "target < 20 MiB")
        ),
        _ => println!("  peak resident memory: not measured (no /proc on this system)"),
    }
}

/// Deterministic, so every run measures the same input (splitmix64).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// `count` typical check-ins as JSON Lines: a day between 0 and 30, three to five different
/// symptoms, mostly expected reactions with now and then a warning sign. The first cases are
/// the same whatever the count.
fn generate<W: Write>(rules: &RuleSet, count: usize, out: &mut W) -> io::Result<()> {
    let reactions: Vec<&str> = rules.reactions.iter().map(|r| r.id.as_str()).collect();
    let signs: Vec<&str> = rules.warning_signs.iter().map(|w| w.id.as_str()).collect();
    let severities = ["mild", "moderate", "severe"];
    let trends = ["improving", "stable", "worsening"];
    let mut rng = Random(SEED);
    for n in 0..count {
        let day = rng.below(31);
        write!(
            out,
            "{{\"id\":\"case-{n:07}\",\"days_since_treatment\":{day},\"symptoms\":["
        )?;
        let mut chosen: Vec<&str> = Vec::new();
        let wanted = 3 + rng.below(3);
        while chosen.len() < wanted {
            let id = if rng.chance(8) {
                signs[rng.below(signs.len())]
            } else {
                reactions[rng.below(reactions.len())]
            };
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        for (i, id) in chosen.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            write!(
                out,
                "{{\"id\":\"{id}\",\"severity\":\"{}\",\"trend\":\"{}\"",
                severities[rng.below(3)],
                trends[rng.below(3)]
            )?;
            if rng.chance(20) {
                write!(out, ",\"started_day\":{}", rng.below(day + 1))?;
            }
            out.write_all(b"}")?;
        }
        out.write_all(b"]}\n")?;
    }
    out.flush()
}

/// Counts what is written, so that the output is produced in full but not kept.
struct CountingSink(usize);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How long a run took: CPU time of this thread, and wall-clock time.
#[derive(Clone, Copy)]
struct Timing {
    cpu: Duration,
    wall: Duration,
}

impl Timing {
    fn start() -> (Instant, Duration) {
        (Instant::now(), thread_cpu_time())
    }

    fn since((wall, cpu): (Instant, Duration)) -> Timing {
        Timing {
            cpu: thread_cpu_time() - cpu,
            wall: wall.elapsed(),
        }
    }

    fn median(runs: &[Timing]) -> Timing {
        Timing {
            cpu: median(runs.iter().map(|t| t.cpu).collect()),
            wall: median(runs.iter().map(|t| t.wall).collect()),
        }
    }

    fn show(self, cases: usize) -> String {
        format!(
            "{:>9} cases: {:.3} s CPU, {:.3} s wall",
            group(cases),
            self.cpu.as_secs_f64(),
            self.wall.as_secs_f64()
        )
    }
}

/// CPU time used by the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
fn thread_cpu_time() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(r, 0, "clock_gettime: {}", io::Error::last_os_error());
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn time_triage(rules: &RuleSet, input: &[u8], cases: usize) -> Timing {
    let opts = BatchOptions {
        format: Format::Compact,
        now: DateTime::UNIX_EPOCH.fixed_offset(),
        clock: None,
        input_name: "benchmark".into(),
        style: aftercare::output::text::Style {
            color: false,
            width: 80,
        },
    };
    let start = Timing::start();
    let mut reader = BufReader::with_capacity(BUFFER, input);
    let mut out = BufWriter::with_capacity(BUFFER, CountingSink(0));
    let summary = batch::run(&mut reader, &mut out, rules, &opts).expect("the stream runs");
    let elapsed = Timing::since(start);
    assert_eq!(summary.cases, cases, "every case answered");
    assert_eq!(summary.errors, 0, "no bad line");
    assert!(out.get_ref().0 > cases * 100, "a result line per case");
    elapsed
}

/// The same shape as a case, read and written by serde_json with nothing else done. Severity
/// and trend are the model's enums, as a program that knows the schema would read them.
#[derive(Deserialize, Serialize)]
struct BaselineCase {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    days_since_treatment: f64,
    symptoms: Vec<BaselineSymptom>,
}

#[derive(Deserialize, Serialize)]
struct BaselineSymptom {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<Severity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trend: Option<Trend>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_day: Option<f64>,
}

fn time_baseline(input: &[u8], cases: usize) -> Timing {
    let start = Timing::start();
    let mut reader = BufReader::with_capacity(BUFFER, input);
    let mut out = BufWriter::with_capacity(BUFFER, CountingSink(0));
    let mut line = Vec::new();
    let mut count = 0;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).expect("reads") == 0 {
            break;
        }
        let case: BaselineCase = serde_json::from_slice(&line).expect("a case");
        serde_json::to_writer(&mut out, &case).expect("writes");
        out.write_all(b"\n").expect("writes");
        count += 1;
    }
    out.flush().expect("writes");
    let elapsed = Timing::since(start);
    assert_eq!(count, cases);
    elapsed
}

/// Process start to exit, median and best: the serde_json echo of a one-case file, the
/// binary's `--version`, and `check` of that file with the built-in rules. The three take
/// turns, so that a slower stretch of the machine falls on each.
type Startup = (Duration, Duration);
fn startup(bin: &str, input: &[u8]) -> (Startup, Startup, Startup) {
    let first_line = input.split(|&b| b == b'\n').next().expect("a case");
    let path = std::env::temp_dir().join(format!("aftercare-bench-{}.json", std::process::id()));
    std::fs::write(&path, first_line).expect("writes the case file");
    let me = std::env::current_exe().expect("this benchmark's executable");
    let mut times: [Vec<Duration>; 3] = Default::default();
    for run in 0..STARTUP_RUNS + 10 {
        let mut echo = Command::new(&me);
        echo.env(ECHO, &path);
        let mut version = Command::new(bin);
        version.arg("--version");
        let mut check = Command::new(bin);
        check
            .args(["check", "--format", "compact", "--input"])
            .arg(&path);
        for (i, cmd) in [echo, version, check].iter_mut().enumerate() {
            let start = Instant::now();
            let out = cmd.stdin(Stdio::null()).output().expect("the process runs");
            let elapsed = start.elapsed();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            // The first runs only warm the file cache.
            if run >= 10 {
                times[i].push(elapsed);
            }
        }
    }
    let _ = std::fs::remove_file(&path);
    let [echo, version, check] = times.map(|t| {
        let best = *t.iter().min().expect("runs");
        (median(t), best)
    });
    (echo, version, check)
}

/// The child's peak resident memory (`VmHWM`) in bytes over a stream of `cases` generated
/// cases on its standard input, read when every result is out and the input is still open,
/// while the child waits for more. (wait4's `ru_maxrss` would be simpler, but Linux counts
/// in it the memory of the process that started the child: here the benchmark's own.)
fn peak_memory(bin: &str, rules: &RuleSet, cases: usize) -> Option<u64> {
    let mut child = Command::new(bin)
        .args(["check", "--format", "compact", "--input", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary runs");
    let stdin = BufWriter::with_capacity(BUFFER, child.stdin.take().expect("stdin"));
    let mut stdout = child.stdout.take().expect("stdout");
    let status_file = format!("/proc/{}/status", child.id());
    let peak = std::thread::scope(|s| {
        let feeding = s.spawn(move || {
            let mut stdin = stdin;
            generate(rules, cases, &mut stdin).expect("feeds the cases");
            stdin
        });
        let mut buf = vec![0u8; BUFFER];
        let mut lines = 0;
        while lines < cases {
            let n = stdout.read(&mut buf).expect("reads the results");
            assert!(n > 0, "the results end after {lines} of {cases} cases");
            lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
        }
        let peak = vm_hwm(&status_file);
        drop(feeding.join().expect("feeder"));
        peak
    });
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).expect("reads the end");
    assert!(rest.is_empty(), "a result line per case and no more");
    assert!(child.wait().expect("waits").success(), "the stream exits 0");
    peak
}

/// `VmHWM`, the peak resident memory, from a /proc status file.
fn vm_hwm(status_file: &str) -> Option<u64> {
    let status = std::fs::read_to_string(status_file).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn verdict(met: bool, target: &str) -> String {
    format!("[{}: {target}]", if met { "met" } else { "NOT MET" })
}

/// 1234567 as "1,234,567".
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
