//! The accept loop: a bounded number of connections, a deadline for a request's headers
//! (which also closes an idle connection), and a graceful stop on SIGTERM or SIGINT.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::write_deadline::WriteDeadline;
use super::{routes, Shared};
use crate::error::{Error, ExitCode};

pub async fn serve(shared: Arc<Shared>) -> Result<ExitCode, Error> {
    let settings = shared.settings.clone();
    let listener = TcpListener::bind(settings.listen).await.map_err(|e| {
        Error::Io(format!(
            "cannot listen on {}: {}",
            settings.listen,
            crate::io_reason(&e)
        ))
    })?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::Io(crate::io_reason(&e)))?;
    let app = routes::router(shared.clone());
    let tidy = tokio::spawn(crate::web::keep_tidy(shared.web.clone()));
    // The signals are taken before the address is printed: whoever reads it may stop the
    // server at once.
    let mut stop = std::pin::pin!(stop_signal()?);
    crate::output::diagnostics::say(&format!(
        "aftercare: listening on http://{bound} ({} {}{})",
        shared.rules.name,
        shared.rules.version,
        if settings.token.is_some() {
            ", bearer token required"
        } else {
            ""
        }
    ));
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(settings.max_connections));
    // A connection that sends nothing is closed after a short first-byte time, well before
    // the header timeout: silent connections cannot hold every place for long.
    let first_byte = FIRST_BYTE.min(settings.body_timeout);
    // Until the stop signal, then (draining) until the drain period is over: not ready, but
    // still accepting, so that what a load balancer sent before it noticed is answered.
    let mut drained_at: Option<tokio::time::Instant> = None;
    loop {
        // A place, then a connection; dropped whole if a stop comes first (accept is
        // cancel-safe, and the place goes back).
        let next = async {
            let permit = connections.clone().acquire_owned().await;
            (permit, listener.accept().await)
        };
        let far = tokio::time::Instant::now() + Duration::from_secs(86_400);
        let (permit, accepted) = tokio::select! {
            got = next => got,
            () = &mut stop, if drained_at.is_none() => {
                start_draining(&shared, &settings);
                drained_at = Some(tokio::time::Instant::now() + settings.drain);
                continue;
            }
            () = tokio::time::sleep_until(drained_at.unwrap_or(far)), if drained_at.is_some() => break,
        };
        let Ok(permit) = permit else { break };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait a moment rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(settings.body_timeout)
            // While draining, each answer closes its connection (`Connection: close`), so
            // that clients move to a replica that stays.
            .keep_alive(drained_at.is_none());
        let app = app.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let mut byte = [0u8; 1];
            match tokio::time::timeout(first_byte, stream.peek(&mut byte)).await {
                Ok(Ok(n)) if n > 0 => {}
                // Nothing within the first-byte time, or closed: the place is given back.
                _ => return,
            }
            // A client must take a response as it must send a request: within the body
            // timeout.
            let io = TokioIo::new(WriteDeadline::new(stream, settings.body_timeout));
            let conn = builder.serve_connection(io, TowerToHyperService::new(app));
            let _ = watcher.watch(conn).await;
            drop(permit);
        });
    }
    drop(listener);
    tidy.abort();
    crate::output::diagnostics::say("aftercare: stopping: finishing the requests in flight");
    // A stream can go on; it gets as long as any request to answer, then the process ends.
    let grace = settings.request_timeout.max(settings.body_timeout);
    tokio::select! {
        () = graceful.shutdown() => {
            crate::output::diagnostics::say("aftercare: stopped");
            Ok(ExitCode::Success)
        }
        () = tokio::time::sleep(grace) => {
            crate::output::diagnostics::error(&format!(
                "requests still running after {} s were cut off",
                grace.as_secs_f64()
            ));
            Ok(ExitCode::Failure)
        }
    }
}

/// How long a new connection may stay silent before its first byte.
const FIRST_BYTE: Duration = Duration::from_secs(2);

/// The stop signal: not ready from now on (`/readyz` answers 503 "stopping"), still
/// accepting for the drain period.
fn start_draining(shared: &super::Shared, settings: &super::Settings) {
    shared.ready.store(false, Ordering::Relaxed);
    crate::output::diagnostics::say(&format!(
        "aftercare: stopping: not ready; still answering for {} s, then finishing the requests in flight",
        settings.drain.as_secs_f64()
    ));
}

/// SIGTERM (a service manager) or SIGINT (Ctrl-C): caught from the moment this returns.
#[cfg(unix)]
fn stop_signal() -> Result<impl std::future::Future<Output = ()>, Error> {
    use tokio::signal::unix::{signal, SignalKind};
    let caught = |kind| {
        signal(kind).map_err(|e| {
            Error::Io(format!(
                "cannot catch the stop signals: {}",
                crate::io_reason(&e)
            ))
        })
    };
    let mut term = caught(SignalKind::terminate())?;
    let mut int = caught(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    })
}

/// Ctrl-C where there are no Unix signals.
#[cfg(not(unix))]
fn stop_signal() -> Result<impl std::future::Future<Output = ()>, Error> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
