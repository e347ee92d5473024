//! The vacancies' side of an employer's changes ([`employers::events`]):
//! a rejected employer's open vacancies are withdrawn through the state
//! machine, each audited; a renamed employer's are indexed again.

use crate::model::Status;
use crate::rules::{self, Actor, Transition};
use crate::service::Board;
use employers::events::EmployerListener;
use employers::model::EmployerStatus;
use platform::audit::{self, Action};
use platform::web::Ctx;
use platform::AppState;

pub struct FollowEmployers;

#[async_trait::async_trait]
impl EmployerListener for FollowEmployers {
    async fn changed(&self, st: &AppState, employer_id: i64) -> anyhow::Result<()> {
        crate::store::touch_employer(&st.db, &st.settings.province_code, employer_id).await?;
        st.service::<Board>().sync().await?;
        Ok(())
    }

    async fn decided(&self, st: &AppState, ctx: &Ctx, employer_id: i64, status: EmployerStatus) -> anyhow::Result<()> {
        if status != EmployerStatus::Rejected {
            return Ok(());
        }
        let province = &st.settings.province_code;
        // A rejected employer recruits no more: its open vacancies leave the board.
        for (id, from) in crate::store::open_of_employer(&st.db, province, employer_id).await? {
            let to: Status =
                rules::transition(from, Transition::Withdraw, Actor::Staff, false).map_err(anyhow::Error::msg)?;
            crate::store::set_status(&st.db, province, id, to, None).await?;
            let id = id.to_string();
            audit::by_request(
                &st.db,
                province,
                ctx,
                Action::Update,
                "vacancy",
                Some(&id),
                Some("withdrawn: employer rejected"),
            )
            .await?;
        }
        st.service::<Board>().sync().await?;
        Ok(())
    }
}
