//! The multidimensional standard's rule, explained; and how two reviews of a
//! household compare. Pure functions.

use platform::error::FieldError;
use platform::i18n::{fill, t, Lang, Tr};

use crate::model::*;
use crate::standard::Standard;

/// The class of a household (Decree 07/2021, Article 3; the same rule in
/// 351/2025 with its own lines): at or below the line, poor when lacking at
/// least `poor_min_lacking` indicators and near-poor otherwise; above it up
/// to `middle_factor` times, the average living standard.
pub fn class_of(s: &Standard, area: Area, income: i64, lacking: usize) -> Class {
    if income <= s.line(area) {
        if lacking >= s.poor_min_lacking {
            Class::Poor
        } else {
            Class::NearPoor
        }
    } else if income <= s.middle_line(area) {
        Class::Middle
    } else {
        Class::NotPoor
    }
}

/// The indicator codes as typed, checked against the standard and put in its
/// order (a code given twice counts once).
pub fn deprivations(s: &Standard, codes: &[String]) -> Result<Vec<String>, Vec<FieldError>> {
    let wanted: Vec<&str> = codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    if wanted.iter().any(|c| s.indicator(c).is_none()) {
        return Err(vec![FieldError::new("deprivations", "pov.err.indicator_unknown")]);
    }
    Ok(s.indicators.iter().filter(|i| wanted.contains(&i.code.as_str())).map(|i| i.code.clone()).collect())
}

/// An income typed by a person: whole VND, not negative.
pub fn income(x: Option<f64>) -> Result<i64, FieldError> {
    match x {
        None => Err(FieldError::new("income_per_person_month", "err.required")),
        Some(x) if !x.is_finite() || x < 0.0 => {
            Err(FieldError::new("income_per_person_month", "pov.err.income_negative"))
        }
        Some(x) if x > 1e12 => Err(FieldError::new("income_per_person_month", "pov.err.income_negative")),
        Some(x) => Ok(x.round() as i64),
    }
}

/// Classify and say why, in `lang`.
pub fn classify(
    s: &Standard,
    area: Area,
    income: i64,
    codes: &[String],
    lang: Lang,
) -> Result<Classified, Vec<FieldError>> {
    let deprivations = deprivations(s, codes)?;
    let class = class_of(s, area, income, deprivations.len());
    Ok(Classified {
        class,
        standard: s.id.clone(),
        income_line: s.line(area),
        middle_line: s.middle_line(area),
        lacking: deprivations.len(),
        reasons: explain(s, area, income, &deprivations, class, lang),
        deprivations,
    })
}

/// The reasons a person reads: the income against the line, the indicators
/// lacking against the threshold, and the conclusion.
pub fn explain(s: &Standard, area: Area, income: i64, lacking: &[String], class: Class, lang: Lang) -> Vec<String> {
    let tr = Tr::new(lang);
    let money = |v: i64| tr.int(v);
    let area_key = format!("pov.area.{}", area.code());
    let area_name = t(lang, &area_key);
    let args = [
        ("income", money(income)),
        ("line", money(s.line(area))),
        ("middle", money(s.middle_line(area))),
        ("area", area_name.to_owned()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut reasons = Vec::new();
    let income_key = if income <= s.line(area) {
        "pov.why.income_at_or_below"
    } else if income <= s.middle_line(area) {
        "pov.why.income_middle"
    } else {
        "pov.why.income_above"
    };
    reasons.push(fill(t(lang, income_key), &args));
    if lacking.is_empty() {
        reasons.push(t(lang, "pov.why.lacking_none").to_owned());
    } else {
        let names: Vec<&str> = lacking.iter().filter_map(|c| s.indicator(c)).map(|i| i.name(lang)).collect();
        reasons.push(fill(
            t(lang, "pov.why.lacking"),
            &[
                ("n", &lacking.len().to_string()),
                ("min", &s.poor_min_lacking.to_string()),
                ("names", &names.join(", ")),
            ],
        ));
    }
    reasons.push(fill(
        t(lang, "pov.why.conclusion"),
        &[("standard", s.name(lang)), ("class", t(lang, &format!("pov.class.{}", class.code())))],
    ));
    reasons
}

/// Counts of how households moved between two reviews.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moves {
    pub households: i64,
    pub left_poverty: i64,
    pub fell_into_poverty: i64,
    pub poor_to_near_poor: i64,
    pub near_poor_to_poor: i64,
    pub left_near_poverty: i64,
    pub fell_into_near_poverty: i64,
}

impl Moves {
    /// One household reviewed in both years.
    pub fn add(&mut self, from: Class, to: Class) {
        use Class::*;
        let poorish = |c: Class| matches!(c, Poor | NearPoor);
        self.households += 1;
        self.left_poverty += i64::from(from == Poor && to != Poor);
        self.fell_into_poverty += i64::from(from != Poor && to == Poor);
        self.poor_to_near_poor += i64::from(from == Poor && to == NearPoor);
        self.near_poor_to_poor += i64::from(from == NearPoor && to == Poor);
        self.left_near_poverty += i64::from(poorish(from) && !poorish(to));
        self.fell_into_near_poverty += i64::from(!poorish(from) && to == NearPoor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standard::Standards;

    fn std07() -> Standard {
        Standards::load(None).unwrap().named("07/2021").unwrap().clone()
    }
    fn codes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_decrees_rule_at_its_edges() {
        let s = std07();
        // Rural line 1,500,000: at the line is poor or near-poor.
        assert_eq!(class_of(&s, Area::Rural, 1_500_000, 3), Class::Poor);
        assert_eq!(class_of(&s, Area::Rural, 1_500_000, 2), Class::NearPoor);
        assert_eq!(class_of(&s, Area::Rural, 0, 0), Class::NearPoor);
        assert_eq!(class_of(&s, Area::Rural, 1_500_001, 12), Class::Middle, "above the line is never poor");
        assert_eq!(class_of(&s, Area::Rural, 2_250_000, 0), Class::Middle);
        assert_eq!(class_of(&s, Area::Rural, 2_250_001, 0), Class::NotPoor);
        // Urban line 2,000,000.
        assert_eq!(class_of(&s, Area::Urban, 1_800_000, 4), Class::Poor);
        assert_eq!(class_of(&s, Area::Urban, 2_000_001, 4), Class::Middle);
        assert_eq!(class_of(&s, Area::Urban, 3_000_000, 0), Class::Middle);
        assert_eq!(class_of(&s, Area::Urban, 3_000_001, 0), Class::NotPoor);
        // 351/2025: 2,200,000 rural.
        let new = Standards::load(None).unwrap().named("351/2025").unwrap().clone();
        assert_eq!(class_of(&new, Area::Rural, 2_000_000, 3), Class::Poor);
        assert_eq!(class_of(&s, Area::Rural, 2_000_000, 3), Class::Middle);
    }

    #[test]
    fn classification_is_explained_in_the_callers_language() {
        platform::i18n::install(&[crate::MESSAGES]);
        let s = std07();
        let c =
            classify(&s, Area::Rural, 1_200_000, &codes(&["telecom", "employment", "nutrition", "telecom"]), Lang::Vi)
                .unwrap();
        assert_eq!(c.class, Class::Poor);
        assert_eq!(c.lacking, 3);
        assert_eq!(c.deprivations, codes(&["employment", "nutrition", "telecom"]), "the standard's order, once");
        assert_eq!(c.income_line, 1_500_000);
        assert!(c.reasons[0].contains("1.200.000") && c.reasons[0].contains("1.500.000"), "{:?}", c.reasons);
        assert!(c.reasons[1].contains("Việc làm, Dinh dưỡng, Sử dụng dịch vụ viễn thông"), "{:?}", c.reasons);
        assert!(c.reasons[2].contains(": Hộ nghèo."), "{:?}", c.reasons);
        let en = classify(&s, Area::Urban, 2_500_000, &[], Lang::En).unwrap();
        assert_eq!(en.class, Class::Middle);
        assert!(en.reasons[0].contains("2,500,000") && en.reasons[0].contains("3,000,000"), "{:?}", en.reasons);
        let e = classify(&s, Area::Rural, 1, &codes(&["wealth"]), Lang::Vi).unwrap_err();
        assert_eq!(e[0].field, "deprivations");
        assert!(classify(&s, Area::Rural, 1, &codes(&["waste_treatment"]), Lang::Vi).is_err(), "not in 07/2021");
    }

    #[test]
    fn incomes_as_typed() {
        assert_eq!(income(Some(1_500_000.4)).unwrap(), 1_500_000);
        assert_eq!(income(Some(-1.0)).unwrap_err().field, "income_per_person_month");
        assert!(income(None).is_err());
        assert!(income(Some(f64::NAN)).is_err());
    }

    #[test]
    fn moves_between_two_reviews() {
        use Class::*;
        let mut m = Moves::default();
        m.add(Poor, NearPoor);
        m.add(Poor, NotPoor);
        m.add(Poor, Poor);
        m.add(NearPoor, Poor);
        m.add(Middle, Poor);
        m.add(NotPoor, NearPoor);
        m.add(NearPoor, Middle);
        assert_eq!(m.households, 7);
        assert_eq!(m.left_poverty, 2, "poor to near-poor counts as leaving poverty");
        assert_eq!(m.fell_into_poverty, 2);
        assert_eq!(m.poor_to_near_poor, 1);
        assert_eq!(m.near_poor_to_poor, 1);
        assert_eq!(m.left_near_poverty, 2);
        assert_eq!(m.fell_into_near_poverty, 1);
    }
}
