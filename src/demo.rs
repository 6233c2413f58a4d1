//! The demo: every integration once, against the sandbox.

use kot_connect_sandbox::Sandbox;

use crate::run::{Outcome, RunOptions};
use crate::senselink::Day;
use crate::{Error, Services, cyzen, malion, senselink, wowtalk};

/// What the demo did.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// One outcome per connector job, in the order run.
    pub outcomes: Vec<Outcome>,
    /// The MaLion link import: rows stored.
    pub malion_links: usize,
    /// The WowTalk ID-link import: インポート完了 / インポート失敗.
    pub wowtalk_import: wowtalk_api::idlink::ImportSummary,
    /// The chat replayed to the bot: (sender, text, the bot's reply).
    pub chat: Vec<(String, String, String)>,
}

/// The employee who clocked in by hand in KOT yesterday, at the same
/// minute the face recognition saw them: the sync finds the punch there
/// and reports 「既に打刻済みです」 instead of doubling it.
pub const HAND_PUNCHED: &str = "0036";

fn hand_punch(sandbox: &Sandbox) -> Result<(), Error> {
    use kot_connect_sandbox::senselink::{senselink_late_leaver, senselink_schedule};
    let yesterday = sandbox
        .clock()
        .today()
        .pred_opt()
        .ok_or_else(|| Error::Sandbox("the sandbox clock is at the start of time".into()))?;
    let [morning, ..] = senselink_schedule(36, senselink_late_leaver(36, "3000"), yesterday);
    let jst = kot_connect_core::time::jst();
    let at = morning
        .and_local_timezone(jst)
        .single()
        .ok_or_else(|| Error::Sandbox("no such JST time".into()))?;
    sandbox
        .kot()
        .add_punch(HAND_PUNCHED, at, 1)
        .map_err(|e| Error::Sandbox(e.to_string()))?;
    Ok(())
}

/// Runs, after one punch made by hand in KOT ([`HAND_PUNCHED`]), in order: SenseLink 社員情報連携 and 勤怠連携 (前日), cyzen
/// (the month so far), MaLion (link export → import → sync), WowTalk (ID
/// link import, then a short chat with the bot).
///
/// # Errors
/// A job cannot be set up (a failing run is a FAILURE outcome instead).
pub async fn run(
    sandbox: &Sandbox,
    services: &Services,
    options: &RunOptions,
) -> Result<DemoReport, Error> {
    hand_punch(sandbox)?;
    let mut outcomes = vec![
        senselink::employees(services, options).await?,
        senselink::attendance(services, Day::Configured, options).await?,
        cyzen::attendance(services, options).await?,
    ];

    let csv = malion::link_export(services, malion_api::link::CsvEncoding::Utf8WithBom).await?;
    let malion_links = malion::link_import(services, &csv)?.rows;
    outcomes.push(malion::sync(services, options).await?);

    let members = wowtalk::sandbox::members(sandbox);
    let import =
        wowtalk::link_import(services, &wowtalk::sandbox::link_csv(sandbox)?, &members).await?;
    let (chat, bot) =
        wowtalk::sandbox::replay(sandbox, services, options, &wowtalk::sandbox::CHAT).await?;
    outcomes.extend(bot);
    Ok(DemoReport {
        outcomes,
        malion_links,
        wowtalk_import: import.summary,
        chat,
    })
}
