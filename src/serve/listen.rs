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
use crate::error::{exit, Error};

pub async fn serve(shared: Arc<Shared>) -> Result<i32, Error> {
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
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(settings.body_timeout);
        // A client must take a response as it must send a request: within the body timeout.
        let io = TokioIo::new(WriteDeadline::new(stream, settings.body_timeout));
        let conn = builder.serve_connection(io, TowerToHyperService::new(app.clone()));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    tidy.abort();
    shared.ready.store(false, Ordering::Relaxed);
    crate::output::diagnostics::say("aftercare: stopping: finishing the requests in flight");
    // A stream can go on; it gets as long as any request to answer, then the process ends.
    let grace = settings.request_timeout.max(settings.body_timeout);
    tokio::select! {
        () = graceful.shutdown() => {
            crate::output::diagnostics::say("aftercare: stopped");
            Ok(exit::SUCCESS)
        }
        () = tokio::time::sleep(grace) => {
            crate::output::diagnostics::error(&format!(
                "requests still running after {} s were cut off",
                grace.as_secs_f64()
            ));
            Ok(exit::FAILURE)
        }
    }
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
