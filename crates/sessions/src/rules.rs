//! The sessions' rules as pure functions: what a valid session and
//! registration are, tickets, and the report computed from the records.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use platform::error::FieldError;
use platform::types::{Cccd, PhoneNumber};
use platform::validate::Checker;
use rand::Rng;

use crate::model::*;

/// A date and time as organisers write it: `2026-12-15T08:00`, `2026-12-15 08:00`
/// or `15/12/2026 08:00` (seconds allowed), Vietnam time.
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    const FORMATS: [&str; 6] = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %Hh%M",
    ];
    FORMATS.iter().find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// Check a planned session. `ward_ok` says whether a commune code is one of
/// this province's (2025 units).
pub fn session(input: &SessionInput, ward_ok: impl Fn(&str) -> bool) -> Result<Session, Vec<FieldError>> {
    let mut c = Checker::new();
    let title = c.required("title", &input.title, 200);
    let kind = Kind::parse(&input.kind);
    if kind.is_none() {
        c.fail("kind", if input.kind.trim().is_empty() { "err.required" } else { "err.code.unknown" });
    }
    let mut when = |field: &str, v: &str| {
        if v.trim().is_empty() {
            c.fail(field, "err.required");
            None
        } else {
            let t = parse_datetime(v);
            if t.is_none() {
                c.fail(field, "sess.err.datetime");
            }
            t
        }
    };
    let starts_at = when("starts_at", &input.starts_at);
    let ends_at = when("ends_at", &input.ends_at);
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            c.fail("ends_at", "sess.err.ends_before");
        }
    }
    let venue_needed = kind.is_some_and(Kind::has_venue);
    let ward_code = c.text("ward_code", &input.ward_code, 5);
    match &ward_code {
        Some(w) if !ward_ok(w) => c.fail("ward_code", "err.ward.unknown"),
        None if venue_needed && !c.errors.iter().any(|e| e.field == "ward_code") => c.fail("ward_code", "err.required"),
        _ => {}
    }
    let venue = c.text("venue", &input.venue, 300);
    if venue.is_none() && venue_needed && !c.errors.iter().any(|e| e.field == "venue") {
        c.fail("venue", "err.required");
    }
    let organisers = c.text("organisers", &input.organisers, 500);
    let target_employers = c.number("target_employers", &input.target_employers, 0, 100_000);
    let target_positions = c.number("target_positions", &input.target_positions, 0, 10_000_000);
    let target_seekers = c.number("target_seekers", &input.target_seekers, 0, 10_000_000);
    let (Some(kind), Some(starts_at), Some(ends_at)) = (kind, starts_at, ends_at) else {
        return Err(c.errors);
    };
    c.finish(Session {
        title,
        kind,
        starts_at,
        ends_at,
        // An online session has no venue, whatever the form still held.
        ward_code: ward_code.filter(|_| kind.has_venue()),
        venue: venue.filter(|_| kind.has_venue()),
        organisers,
        target_employers,
        target_positions,
        target_seekers,
    })
}

/// Check a registration (the public form, the API, a walk-in at the door).
pub fn registration(input: &RegistrationInput, today: NaiveDate) -> Result<Registration, Vec<FieldError>> {
    let mut c = Checker::new();
    let full_name = c.required("full_name", &input.full_name, 100);
    let full_name = full_name.split_whitespace().collect::<Vec<_>>().join(" ");
    let phone = c.parse("phone", &input.phone, PhoneNumber::parse_lenient);
    if phone.is_none() && input.phone.trim().is_empty() {
        c.fail("phone", "err.required");
    }
    let cccd = c.parse("cccd", &input.cccd, Cccd::parse);
    let birth_date = if input.birth_date.trim().is_empty() {
        None
    } else {
        match platform::i18n::parse_date(&input.birth_date) {
            Some(d) if d <= today && age(d, today) <= 100 => Some(d),
            _ => {
                c.fail("birth_date", "err.date.invalid");
                None
            }
        }
    };
    let mut booth_ids = input.booth_ids.clone();
    booth_ids.sort_unstable();
    booth_ids.dedup();
    let Some(phone) = phone else {
        return Err(c.errors);
    };
    c.finish(Registration { full_name, phone, cccd, birth_date, booth_ids })
}

fn age(birth: NaiveDate, on: NaiveDate) -> i32 {
    on.years_since(birth).map_or(0, |y| y as i32)
}

/// Letters and digits no one confuses when reading a ticket aloud (no 0/O, 1/I/L).
const TICKET_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const TICKET_LEN: usize = 10;

/// A new ticket code: 10 characters, about 50 bits, so a ticket's page (which
/// shows whose it is) cannot be found by trying codes.
pub fn new_ticket() -> String {
    let mut rng = rand::thread_rng();
    (0..TICKET_LEN).map(|_| TICKET_ALPHABET[rng.gen_range(0..TICKET_ALPHABET.len())] as char).collect()
}

/// A ticket code as scanned or typed: upper case, spaces and dashes ignored;
/// `None` when it cannot be one.
pub fn normalise_ticket(s: &str) -> Option<String> {
    let t: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).flat_map(char::to_uppercase).collect();
    // A scanned QR code carries the ticket's whole address: its last segment.
    let t = t.rsplit('/').next().unwrap_or_default().to_owned();
    (t.len() == TICKET_LEN && t.bytes().all(|b| TICKET_ALPHABET.contains(&b))).then_some(t)
}

/// The ticket shown to people: two groups of five.
pub fn ticket_display(t: &str) -> String {
    if t.len() == TICKET_LEN && t.is_ascii() {
        format!("{}-{}", &t[..5], &t[5..])
    } else {
        t.to_owned()
    }
}

/// Of the people sharing a phone (a household's), the one a registration is:
/// the only one, or the only one with the same name (diacritics ignored).
pub fn same_person_by_phone(full_name: &str, candidates: &[(i64, String)]) -> Option<i64> {
    match candidates {
        [] => None,
        [(id, _)] => Some(*id),
        many => {
            let want = platform::fold::fold(full_name);
            let same: Vec<i64> =
                many.iter().filter(|(_, n)| platform::fold::fold(n) == want).map(|(id, _)| *id).collect();
            (same.len() == 1).then(|| same[0])
        }
    }
}

/// What the report counts, as read from the records.
#[derive(Debug, Default)]
pub struct Records {
    /// Booths: employer and the vacancies brought.
    pub booths: Vec<(i64, i64, Vec<i64>)>,
    /// Vacancies at the booths: id → (ISCO code, positions).
    pub vacancies: HashMap<i64, (String, i64)>,
    /// Registrations: id and whether checked in.
    pub registrations: Vec<(i64, bool)>,
    pub interviews: Vec<InterviewRow>,
}

#[derive(Debug, Clone)]
pub struct InterviewRow {
    pub registration_id: i64,
    pub booth_id: i64,
    pub vacancy_id: Option<i64>,
    pub mode: Mode,
    pub outcome: Option<Outcome>,
}

/// The session report, exactly from the records. Attended in person =
/// checked in; online = had an online interview without checking in.
/// Shortlisted and hired count people, and a hire is also shortlisted. An
/// interview counts under its vacancy's occupation group, or under the
/// booth's only vacancy's when none was named.
pub fn report(r: &Records, group_name: impl Fn(&str) -> String) -> Report {
    let checked_in: HashSet<i64> = r.registrations.iter().filter(|(_, c)| *c).map(|(id, _)| *id).collect();
    let online: HashSet<i64> = r
        .interviews
        .iter()
        .filter(|i| i.mode == Mode::Online && !checked_in.contains(&i.registration_id))
        .map(|i| i.registration_id)
        .collect();
    let people = |pred: &dyn Fn(&InterviewRow) -> bool| -> HashSet<i64> {
        r.interviews.iter().filter(|i| pred(i)).map(|i| i.registration_id).collect()
    };
    let shortlisted = people(&|i| matches!(i.outcome, Some(Outcome::Shortlisted | Outcome::Hired)));
    let hired = people(&|i| i.outcome == Some(Outcome::Hired));

    let vacancy_ids: HashSet<i64> = r.booths.iter().flat_map(|(_, _, v)| v.iter().copied()).collect();
    let employers: HashSet<i64> = r.booths.iter().map(|(_, e, _)| *e).collect();
    let group_of = |vacancy: i64| r.vacancies.get(&vacancy).map(|(isco, _)| isco.chars().take(1).collect::<String>());

    type Acc = (GroupLine, HashSet<i64>, HashSet<i64>);
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    fn line<'a>(groups: &'a mut BTreeMap<String, Acc>, g: String, name: &dyn Fn(&str) -> String) -> &'a mut Acc {
        groups.entry(g).or_insert_with_key(|g| {
            (GroupLine { group: g.clone(), name: name(g), ..Default::default() }, HashSet::new(), HashSet::new())
        })
    }
    for v in &vacancy_ids {
        let entry = line(&mut groups, group_of(*v).unwrap_or_default(), &group_name);
        entry.0.vacancies += 1;
        entry.0.positions += r.vacancies.get(v).map_or(0, |(_, n)| *n);
    }
    let only_vacancy: HashMap<i64, i64> =
        r.booths.iter().filter(|(_, _, v)| v.len() == 1).map(|(b, _, v)| (*b, v[0])).collect();
    for i in &r.interviews {
        let vacancy = i.vacancy_id.or_else(|| only_vacancy.get(&i.booth_id).copied());
        let entry = line(&mut groups, vacancy.and_then(group_of).unwrap_or_default(), &group_name);
        entry.0.interviews += 1;
        if matches!(i.outcome, Some(Outcome::Shortlisted | Outcome::Hired)) {
            entry.1.insert(i.registration_id);
        }
        if i.outcome == Some(Outcome::Hired) {
            entry.2.insert(i.registration_id);
        }
    }
    let by_occupation_group = groups
        .into_values()
        .map(|(mut l, s, h)| {
            l.shortlisted = s.len() as i64;
            l.hired = h.len() as i64;
            l
        })
        .collect();
    Report {
        employers: employers.len() as i64,
        vacancies: vacancy_ids.len() as i64,
        positions: vacancy_ids.iter().filter_map(|v| r.vacancies.get(v)).map(|(_, n)| n).sum(),
        registered: r.registrations.len() as i64,
        attended: (checked_in.len() + online.len()) as i64,
        attended_in_person: checked_in.len() as i64,
        attended_online: online.len() as i64,
        interviews: r.interviews.len() as i64,
        shortlisted: shortlisted.len() as i64,
        hired: hired.len() as i64,
        by_occupation_group,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str) -> SessionInput {
        SessionInput {
            title: " Phiên giao dịch việc làm xã Vạn Thọ ".into(),
            kind: kind.into(),
            starts_at: "2026-12-15T08:00".into(),
            ends_at: "15/12/2026 11:30".into(),
            ward_code: "22504".into(),
            venue: "Nhà văn hóa xã".into(),
            target_positions: "1.200".into(),
            ..Default::default()
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<(String, String)> {
        e.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_session_at_a_venue_needs_its_commune_and_place_an_online_one_none() {
        let s = session(&input("hybrid"), |w| w == "22504").unwrap();
        assert_eq!(s.title, "Phiên giao dịch việc làm xã Vạn Thọ");
        assert_eq!(s.ends_at.format("%d/%m %H:%M").to_string(), "15/12 11:30");
        assert_eq!(s.target_positions, Some(1200));
        let online = session(&input("online"), |_| true).unwrap();
        assert_eq!((online.ward_code, online.venue), (None, None));
        let bare = SessionInput { ward_code: String::new(), venue: String::new(), ..input("in_person") };
        let e = fields(session(&bare, |_| true).unwrap_err());
        assert!(e.contains(&("ward_code".into(), "err.required".into())), "{e:?}");
        assert!(e.contains(&("venue".into(), "err.required".into())), "{e:?}");
        assert_eq!(
            fields(session(&input("in_person"), |_| false).unwrap_err()),
            vec![("ward_code".to_string(), "err.ward.unknown".to_string())]
        );
    }

    #[test]
    fn a_session_ends_after_it_starts_and_names_a_known_kind() {
        let back = SessionInput { ends_at: "2026-12-15T07:00".into(), ..input("online") };
        assert_eq!(
            fields(session(&back, |_| true).unwrap_err()),
            vec![("ends_at".into(), "sess.err.ends_before".into())]
        );
        let e = fields(session(&SessionInput { starts_at: "mai".into(), ..input("fair") }, |_| true).unwrap_err());
        assert_eq!(
            e,
            vec![("kind".into(), "err.code.unknown".into()), ("starts_at".into(), "sess.err.datetime".into())]
        );
    }

    #[test]
    fn a_registration_needs_a_name_and_a_phone_the_rest_is_optional_but_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let ok = registration(
            &RegistrationInput {
                full_name: "  Nguyễn   Văn Đào ".into(),
                phone: "0905 123 456".into(),
                booth_ids: vec![3, 1, 3],
                ..Default::default()
            },
            today,
        )
        .unwrap();
        assert_eq!(ok.full_name, "Nguyễn Văn Đào");
        assert_eq!(ok.phone.as_str(), "0905123456");
        assert_eq!(ok.booth_ids, vec![1, 3]);
        let e = fields(
            registration(
                &RegistrationInput { cccd: "123".into(), birth_date: "31/02/2000".into(), ..Default::default() },
                today,
            )
            .unwrap_err(),
        );
        let names: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, vec!["full_name", "phone", "cccd", "birth_date"]);
    }

    #[test]
    fn tickets_read_back_however_they_are_typed_or_scanned() {
        let t = new_ticket();
        assert_eq!(t.len(), TICKET_LEN);
        assert_eq!(normalise_ticket(&ticket_display(&t).to_lowercase()), Some(t.clone()));
        assert_eq!(normalise_ticket(&format!("https://vieclam.khanhhoa.gov.vn/sessions/4/tickets/{t}")), Some(t));
        assert_eq!(normalise_ticket("ABCDE-FGHI0"), None, "0 is never in a ticket");
        assert_eq!(normalise_ticket("ABC"), None);
    }

    #[test]
    fn a_shared_phone_finds_a_person_only_when_the_name_tells_them_apart() {
        let home = vec![(1, "Trần Thị Mai".to_string()), (2, "Trần Văn Nam".to_string())];
        assert_eq!(same_person_by_phone("tran van nam", &home), Some(2));
        assert_eq!(same_person_by_phone("Lê Văn Tám", &home), None);
        assert_eq!(same_person_by_phone("Lê Văn Tám", &home[..1]), Some(1));
    }

    #[test]
    fn the_report_counts_people_once_and_a_hire_as_shortlisted() {
        let row = |registration_id, booth_id, vacancy_id, mode, outcome| InterviewRow {
            registration_id,
            booth_id,
            vacancy_id,
            mode,
            outcome,
        };
        let r = Records {
            booths: vec![(10, 100, vec![1]), (11, 101, vec![2, 3])],
            vacancies: [(1, ("7212".into(), 5)), (2, ("8211".into(), 20)), (3, ("2512".into(), 2))].into(),
            registrations: vec![(1, true), (2, true), (3, false), (4, false)],
            interviews: vec![
                // Person 1 at both booths: hired at one, shortlisted at the other.
                row(1, 10, None, Mode::InPerson, Some(Outcome::Hired)),
                row(1, 11, Some(2), Mode::InPerson, Some(Outcome::Shortlisted)),
                row(2, 11, None, Mode::InPerson, Some(Outcome::NotSuitable)),
                // Person 3 only online: attended online.
                row(3, 11, Some(3), Mode::Online, Some(Outcome::Shortlisted)),
            ],
        };
        let rep = report(&r, |g| format!("group {g}"));
        assert_eq!(
            (rep.employers, rep.vacancies, rep.positions, rep.registered),
            (2, 3, 27, 4),
            "employers, vacancies, positions, registered"
        );
        assert_eq!((rep.attended, rep.attended_in_person, rep.attended_online), (3, 2, 1));
        assert_eq!((rep.interviews, rep.shortlisted, rep.hired), (4, 2, 1));
        let groups: Vec<(&str, i64, i64, i64, i64, i64)> = rep
            .by_occupation_group
            .iter()
            .map(|g| (g.group.as_str(), g.vacancies, g.positions, g.interviews, g.shortlisted, g.hired))
            .collect();
        assert_eq!(
            groups,
            vec![("", 0, 0, 1, 0, 0), ("2", 1, 2, 1, 1, 0), ("7", 1, 5, 1, 1, 1), ("8", 1, 20, 1, 1, 0)]
        );
    }
}

/// Minutes of an online interview's time slot.
pub const SLOT_MINUTES: i64 = 15;

/// A session's time slots: from its start, every [`SLOT_MINUTES`], each
/// ending by the session's end.
pub fn slots(starts: NaiveDateTime, ends: NaiveDateTime) -> Vec<NaiveDateTime> {
    let step = chrono::Duration::minutes(SLOT_MINUTES);
    let mut out = Vec::new();
    let mut t = starts;
    while t + step <= ends && out.len() < 200 {
        out.push(t);
        t += step;
    }
    out
}

#[cfg(test)]
mod slot_tests {
    use super::*;

    #[test]
    fn slots_fill_the_session_and_none_runs_past_its_end() {
        let at = |h, m| NaiveDate::from_ymd_opt(2026, 12, 15).unwrap().and_hms_opt(h, m, 0).unwrap();
        let s = slots(at(8, 0), at(9, 10));
        assert_eq!(s, vec![at(8, 0), at(8, 15), at(8, 30), at(8, 45)]);
        assert!(slots(at(8, 0), at(8, 10)).is_empty());
    }
}
