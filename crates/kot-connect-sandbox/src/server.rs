//! One loopback listener per service, each serving its fake's router behind
//! the shared middleware.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::faults::{Hub, Observed, observe};
use crate::{SandboxError, Service};

/// A running listener.
pub(crate) struct Server {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Server {
    /// Asks the server to stop (idempotent, non-blocking).
    pub(crate) fn signal(&self) {
        let _ = self.stop.send(true);
    }

    /// Stops the server, waiting at most `grace` for answers in flight.
    pub(crate) async fn stop(self, grace: Duration) {
        self.signal();
        let abort = self.task.abort_handle();
        if tokio::time::timeout(grace, self.task).await.is_err() {
            abort.abort();
        }
    }

    /// Ends the task at once.
    pub(crate) fn abort(&self) {
        self.task.abort();
    }
}

/// Binds `127.0.0.1:0`.
pub(crate) async fn bind(service: Service) -> Result<(TcpListener, SocketAddr), SandboxError> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|source| SandboxError::Bind { service, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SandboxError::Bind { service, source })?;
    Ok((listener, addr))
}

/// Serves `router` for `service`, behind the call-counting, latency and
/// fault middleware.
pub(crate) fn serve_http(
    service: Service,
    base_path: &'static str,
    listener: TcpListener,
    router: Router,
    hub: Arc<Hub>,
) -> Server {
    let observed = Observed {
        service,
        base_path,
        hub,
    };
    let app = router.layer(axum::middleware::from_fn_with_state(observed, observe));
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    });
    Server { stop, task }
}

/// Wraps a task that watches `stopped` itself (the SMTP sink).
pub(crate) fn custom(
    service: Service,
    run: impl FnOnce(watch::Receiver<bool>) -> JoinHandle<()>,
) -> Server {
    let (stop, stopped) = watch::channel(false);
    let _ = service;
    Server {
        stop,
        task: run(stopped),
    }
}
