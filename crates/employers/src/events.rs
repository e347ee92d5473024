//! What other capabilities do when an employer changes, without this crate
//! knowing them: each registers a listener at start. The vacancies, for one,
//! withdraw a rejected employer's offers through their own state machine (so
//! the audit log and the board see it) and re-index a new name. Capabilities
//! talk through such public functions, never through each other's tables.

use crate::model::EmployerStatus;
use platform::web::Ctx;
use platform::AppState;
use std::sync::Arc;

#[async_trait::async_trait]
pub trait EmployerListener: Send + Sync {
    /// Its public details (name, address) changed.
    async fn changed(&self, st: &AppState, employer_id: i64) -> anyhow::Result<()>;
    /// A reviewer decided its status (rejected: it recruits no more).
    async fn decided(&self, st: &AppState, ctx: &Ctx, employer_id: i64, status: EmployerStatus) -> anyhow::Result<()>;
}

/// The listeners, registered as a service at start.
#[derive(Default)]
pub struct Listeners(pub Vec<Arc<dyn EmployerListener>>);

fn listeners(st: &AppState) -> Vec<Arc<dyn EmployerListener>> {
    st.services.get::<Listeners>().map(|l| l.0.clone()).unwrap_or_default()
}

pub(crate) async fn changed(st: &AppState, employer_id: i64) -> anyhow::Result<()> {
    for l in listeners(st) {
        l.changed(st, employer_id).await?;
    }
    Ok(())
}

pub(crate) async fn decided(st: &AppState, ctx: &Ctx, employer_id: i64, status: EmployerStatus) -> anyhow::Result<()> {
    for l in listeners(st) {
        l.decided(st, ctx, employer_id, status).await?;
    }
    Ok(())
}
