//! `aftercare serve`: the same triage over HTTP, for patient portals and the clinic's
//! intranet. A front door like the others: a request becomes the same case, goes through the
//! same per-case path as `check` ([`crate::batch::Answers`]) and comes back as the same JSON.
//!
//! No TLS here: a reverse proxy in front does that (README).

mod auth;
mod limits;
mod listen;
mod logging;
mod problem;
mod routes;
mod stream;
mod write_deadline;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Local};

use crate::error::{Error, ExitCode};
use aftercare_core::rules::RuleSet;

pub use auth::Token;

/// How the server runs, decided at start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    /// The bearer token every `/v1` request must carry, if any.
    pub token: Option<Token>,
    /// Time to answer a request once its headers are read.
    pub request_timeout: Duration,
    /// Time for the headers, a whole single case, or each line of a stream to arrive.
    pub body_timeout: Duration,
    pub max_in_flight: usize,
    pub max_connections: usize,
    /// The longest a stream may last, however steadily its lines come.
    pub max_stream_time: Duration,
    /// After SIGTERM: not ready, but still accepting and answering for this long (each answer
    /// closing its connection), before the requests in flight are finished.
    pub drain: Duration,
    /// Whether each log line says the disposition found (then the log holds health data).
    pub log_dispositions: bool,
    /// The assessment time of every request, when pinned (`--now`).
    pub pinned_now: Option<DateTime<FixedOffset>>,
    /// Where the web check-in keeps drafts and sent check-ins.
    pub store: crate::store::StoreSpec,
    /// Whether `--store` named it: then it is opened (and created) at start, so that a
    /// wrong path stops the start; the default file is created on first use.
    pub store_named: bool,
    /// How long the check-in's unsent answers are kept after the last page answered.
    pub draft_lifetime: chrono::Duration,
    /// How long a sent check-in is kept.
    pub keep_checkins: chrono::Duration,
}

/// What every request can see: the rules (loaded and checked once), the settings, and the
/// server's own state.
pub(crate) struct Shared {
    pub rules: std::sync::Arc<RuleSet>,
    /// The web check-in's pages, on the same rules.
    pub web: std::sync::Arc<crate::web::Web>,
    pub settings: Settings,
    /// False once shutting down: a load balancer stops sending here.
    pub ready: AtomicBool,
    pub in_flight: std::sync::Arc<tokio::sync::Semaphore>,
    /// The places of `in_flight` that streams may take: the rest are kept for single cases
    /// and the other routes, so that long streams cannot turn away a single emergency.
    pub stream_places: std::sync::Arc<tokio::sync::Semaphore>,
    /// Bytes of streamed answers that may wait for their clients, across all streams.
    pub waiting_output: std::sync::Arc<tokio::sync::Semaphore>,
    /// Request ids: a prefix for this run and a counter, so that ids do not repeat across
    /// restarts in one log.
    run_prefix: u32,
    next_request: AtomicU64,
}

impl Shared {
    /// The clock is read for each request, unless pinned.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.settings
            .pinned_now
            .unwrap_or_else(|| Local::now().fixed_offset())
    }

    /// For a stream: the clock read for each case without `assessed_at`, as `check` does,
    /// unless pinned (then `now()` holds for every case).
    pub fn clock(&self) -> Option<fn() -> DateTime<FixedOffset>> {
        match self.settings.pinned_now {
            Some(_) => None,
            None => Some(crate::cli::system_now),
        }
    }

    pub fn next_request_id(&self) -> String {
        let n = self.next_request.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{:08x}-{n}", self.run_prefix)
    }
}

/// How many of `max_in_flight` places streams may hold: all but a quarter (at least one),
/// except when there is a single place, which both share.
pub(crate) fn stream_places(max_in_flight: usize) -> usize {
    if max_in_flight < 2 {
        max_in_flight
    } else {
        max_in_flight - (max_in_flight / 4).max(1)
    }
}

/// Runs the server until SIGTERM or SIGINT; returns the exit code. The rules are already
/// validated, their examples run and their lint shown.
pub fn run(rules: RuleSet, settings: Settings) -> Result<ExitCode, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Io(format!("cannot start the server: {}", crate::io_reason(&e))))?;
    let run_prefix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| {
            d.subsec_nanos() ^ (d.as_secs() as u32).rotate_left(16)
        });
    let rules = std::sync::Arc::new(rules);
    let store = if settings.store_named {
        let store = runtime
            .block_on(crate::store::Store::connect(&settings.store))
            .map_err(|e| Error::Usage(format!("--store {}: {e}", settings.store)))?;
        crate::web::StoreSlot::open_now(settings.store.clone(), store)
    } else {
        crate::web::StoreSlot::on_first_use(settings.store.clone())
    };
    let web = std::sync::Arc::new(crate::web::Web::new(
        rules.clone(),
        store,
        crate::web::WebSettings {
            pinned_now: settings.pinned_now,
            draft_lifetime: settings.draft_lifetime,
            keep_checkins: settings.keep_checkins,
        },
    ));
    let shared = std::sync::Arc::new(Shared {
        web,
        in_flight: std::sync::Arc::new(tokio::sync::Semaphore::new(settings.max_in_flight)),
        stream_places: std::sync::Arc::new(tokio::sync::Semaphore::new(stream_places(
            settings.max_in_flight,
        ))),
        waiting_output: std::sync::Arc::new(tokio::sync::Semaphore::new(stream::WAITING_OUTPUT)),
        rules,
        settings,
        ready: AtomicBool::new(true),
        run_prefix,
        next_request: AtomicU64::new(0),
    });
    runtime.block_on(listen::serve(shared))
}
