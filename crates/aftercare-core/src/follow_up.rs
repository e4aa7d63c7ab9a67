//! What is still worth asking: for a partial case (what has been answered so far), which
//! warning signs and risk factors not yet answered could still raise the result, through a
//! combination or on their own. Part of the evaluation layer: a pure function of (case,
//! rules, answered ids), computed directly from the rules rather than by trying answers.

use crate::evaluate::{known_states, triage};
use crate::model::{Case, Disposition};
use crate::rules::{MemberRef, MemberState, RuleSet, SymptomRef};

/// What kind of question an open id is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenKind {
    WarningSign,
    RiskFactor,
}

/// A warning sign or risk factor not yet answered whose answer could raise the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenQuestion {
    pub id: String,
    pub kind: OpenKind,
    /// The most urgent result a "yes" could bring, with what is known so far.
    pub could_give: Disposition,
    /// Whether a combination (rather than the sign alone) is how it could raise the result.
    pub through_combination: bool,
}

/// What is known of one alternative of a combination member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Reported (or named), with what the report says.
    Reported(MemberState),
    /// Answered "no", or a symptom of the case that cannot change now.
    Absent,
    /// Not answered: a question that could still be asked.
    Open,
    /// An expected reaction not reported yet: it may still be, with any qualifier. It is
    /// not itself a question here (the symptoms are asked elsewhere), so it only keeps a
    /// combination possible.
    Unknown,
}

/// The open warning signs and risk factors that could still raise the result of `case`,
/// in rule-file order (combinations first, then signs on their own). `answered` holds every
/// id already asked, whatever the answer; an id in the case counts as answered.
///
/// A "yes" to an open id raises the result through a combination more urgent than the
/// result so far exactly when the combination has a member that is not yet met and that
/// the id can meet, and every other member is met or can still be met (by an open or
/// unknown alternative): the direct form of "some set of answers fires it with the id and
/// not without it".
pub fn could_still_raise<S: AsRef<str>>(
    case: &Case,
    rules: &RuleSet,
    answered: &[S],
) -> Vec<OpenQuestion> {
    let asked = Asked::of(rules, answered.iter().map(AsRef::as_ref));
    could_still_raise_above(case, rules, triage(case, rules).disposition, &asked)
}

/// [`could_still_raise`] for a caller that has triaged the case already (`current` is its
/// disposition) and knows what was asked by table position: a web page asks this on every
/// request, and a second triage and a lookup for each id asked cost more than the rest.
pub fn could_still_raise_above(
    case: &Case,
    rules: &RuleSet,
    current: Disposition,
    asked: &Asked,
) -> Vec<OpenQuestion> {
    let states = known_states(case, rules);
    // Every risk factor named, by table position, looked up once: the combinations below
    // ask about each alternative several times.
    let named = Asked::of(rules, case.risk_factors.iter().map(String::as_str));
    let known = |r: MemberRef| -> Known {
        match r {
            MemberRef::Symptom(s) => {
                let st = states.get(s);
                if st.present {
                    Known::Reported(st)
                } else if asked.has(r) {
                    Known::Absent
                } else if matches!(s, SymptomRef::Reaction(_)) {
                    Known::Unknown
                } else {
                    Known::Open
                }
            }
            MemberRef::RiskFactor(_) => {
                if named.has(r) {
                    Known::Reported(MemberState {
                        present: true,
                        ..MemberState::default()
                    })
                } else if asked.has(r) {
                    Known::Absent
                } else {
                    Known::Open
                }
            }
        }
    };
    let mut out: Vec<OpenQuestion> = Vec::new();
    let add = |out: &mut Vec<OpenQuestion>, id: &str, kind, d: Disposition, combo: bool| match out
        .iter_mut()
        .find(|q| q.id == id)
    {
        Some(q) => {
            q.could_give = q.could_give.max(d);
            q.through_combination |= combo;
        }
        None => out.push(OpenQuestion {
            id: id.to_string(),
            kind,
            could_give: d,
            through_combination: combo,
        }),
    };
    for c in rules
        .combinations
        .iter()
        // A combination that holds only until a day is no question once the day has passed.
        .filter(|c| c.disposition > current && c.holds_on(case.days_since_treatment))
    {
        let met = |m: &crate::rules::Member| {
            m.refs()
                .iter()
                .any(|r| matches!(known(*r), Known::Reported(st) if st.satisfies(m)))
        };
        let possible = |m: &crate::rules::Member| {
            met(m)
                || m.refs()
                    .iter()
                    .any(|r| matches!(known(*r), Known::Open | Known::Unknown))
        };
        if !c.members.iter().all(possible) {
            continue;
        }
        for m in c.members.iter().filter(|m| !met(m)) {
            for (id, &r) in m.any_of.iter().zip(m.refs()) {
                if known(r) != Known::Open {
                    continue;
                }
                let kind = match r {
                    MemberRef::RiskFactor(_) => OpenKind::RiskFactor,
                    MemberRef::Symptom(_) => OpenKind::WarningSign,
                };
                add(&mut out, id, kind, c.disposition, true);
            }
        }
    }
    for (i, w) in rules.warning_signs.iter().enumerate() {
        let sign = MemberRef::Symptom(SymptomRef::WarningSign(i));
        if w.disposition > current && known(sign) == Known::Open {
            add(&mut out, &w.id, OpenKind::WarningSign, w.disposition, false);
        }
    }
    out
}

/// A set of ids (asked, whatever the answer, or named), by table position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    reactions: Vec<bool>,
    warning_signs: Vec<bool>,
    other: bool,
    risk_factors: Vec<bool>,
}

impl Asked {
    /// Nothing asked yet.
    pub fn none(rules: &RuleSet) -> Asked {
        Asked {
            reactions: vec![false; rules.reactions.len()],
            warning_signs: vec![false; rules.warning_signs.len()],
            other: false,
            risk_factors: vec![false; rules.risk_factors.len()],
        }
    }

    /// These ids; an id the rule set does not know is left out.
    pub fn of<'a>(rules: &RuleSet, ids: impl Iterator<Item = &'a str>) -> Asked {
        let mut set = Asked::none(rules);
        for id in ids {
            set.add(rules, id);
        }
        set
    }

    /// One more id (an id the rule set does not know is left out).
    pub fn add(&mut self, rules: &RuleSet, id: &str) {
        // Symptoms and risk factors share one name space of ids (the rule file's
        // validation refuses a second use), so an id found among the symptoms is no risk
        // factor.
        match rules.lookup(id) {
            Some(symptom) => self.add_symptom(symptom),
            None => {
                if let Some((i, _)) = rules.risk_factor(id) {
                    self.risk_factors[i] = true;
                }
            }
        }
    }

    /// One more symptom, already looked up ([`RuleSet::lookup`]).
    pub fn add_symptom(&mut self, symptom: SymptomRef) {
        match symptom {
            SymptomRef::Reaction(i) => self.reactions[i] = true,
            SymptomRef::WarningSign(i) => self.warning_signs[i] = true,
            SymptomRef::Other => self.other = true,
        }
    }

    /// Every expected reaction: a list of symptoms that offered them all was answered, and
    /// one not ticked was answered "no".
    pub fn every_reaction(&mut self) {
        self.reactions.fill(true);
    }

    fn has(&self, r: MemberRef) -> bool {
        match r {
            MemberRef::Symptom(SymptomRef::Reaction(i)) => self.reactions[i],
            MemberRef::Symptom(SymptomRef::WarningSign(i)) => self.warning_signs[i],
            MemberRef::Symptom(SymptomRef::Other) => self.other,
            MemberRef::RiskFactor(i) => self.risk_factors[i],
        }
    }
}

/// The most urgent result a set of warning signs gives on its own: each sign's disposition
/// and every combination they (with the risk factors among the ids) make without any
/// expected reaction.
pub fn most_urgent_of_signs(rules: &RuleSet, ids: &[&str]) -> Disposition {
    let present = |r: MemberRef| -> bool {
        match r {
            MemberRef::Symptom(s) => ids.iter().any(|id| rules.lookup(id) == Some(s)),
            MemberRef::RiskFactor(i) => ids.contains(&rules.risk_factors[i].id.as_str()),
        }
    };
    let of_signs = ids
        .iter()
        .filter_map(|id| rules.warning_sign(id).map(|w| w.disposition));
    let of_combinations = rules
        .combinations
        .iter()
        .filter(|c| {
            // Without a time, a combination that holds only until a day cannot be judged.
            c.until_day.is_none()
                && c.fires(|r| MemberState {
                    present: present(r),
                    // A sign has no window and no trend here: a qualified member is not met.
                    ..MemberState::default()
                })
        })
        .map(|c| c.disposition);
    of_signs.chain(of_combinations).max().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ReportedSymptom, Trend};

    fn rules() -> RuleSet {
        RuleSet::built_in_without_examples()
    }

    fn signs(day: f64, ids: &[&str]) -> Case {
        Case::on_day(
            day,
            ids.iter().map(|id| ReportedSymptom::new(*id)).collect(),
        )
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn open(q: &[OpenQuestion]) -> Vec<&str> {
        q.iter().map(|q| q.id.as_str()).collect()
    }

    #[test]
    fn asked_by_table_position_is_asked_by_id() {
        let r = rules();
        let (sign, factor) = (
            r.warning_signs[0].id.as_str(),
            r.risk_factors[0].id.as_str(),
        );
        let mut by_position = Asked::of(&r, [sign, factor, "no_such_id"].into_iter());
        by_position.every_reaction();
        let every_id = [sign, factor]
            .into_iter()
            .chain(r.reactions.iter().map(|x| x.id.as_str()));
        assert_eq!(by_position, Asked::of(&r, every_id));
        assert_ne!(by_position, Asked::none(&r));
        // A risk factor is found among the risk factors, a sign among the signs.
        assert!(Asked::of(&r, [factor].into_iter()).risk_factors[0]);
        assert!(Asked::of(&r, [sign].into_iter()).warning_signs[0]);
    }

    #[test]
    fn an_emergency_leaves_nothing_to_ask() {
        let r = rules();
        let case = signs(1.0, &["difficulty_breathing"]);
        assert!(could_still_raise(&case, &r, &ids(&["difficulty_breathing"])).is_empty());
    }

    #[test]
    fn fever_opens_its_partners_and_a_no_closes_them() {
        let r = rules();
        let case = signs(1.0, &["fever"]);
        let q = could_still_raise(&case, &r, &ids(&["fever"]));
        let found = open(&q);
        for id in [
            "purple_spots",
            "stiff_neck",
            "spreading_redness",
            "red_streaks",
            "very_unwell",
            "blisters",
        ] {
            assert!(found.contains(&id), "{id} in {found:?}");
        }
        let purple = q.iter().find(|q| q.id == "purple_spots").unwrap();
        assert_eq!(purple.could_give, Disposition::CallEmergencyNow);
        assert!(purple.through_combination);
        // Chills is another way to meet the member fever already meets: no question.
        assert!(!found.contains(&"chills"), "{found:?}");
        // The immune system: a risk factor that turns fever into go_to_ed_now.
        let immune = q.iter().find(|q| q.id == "immunosuppressed").unwrap();
        assert_eq!(immune.kind, OpenKind::RiskFactor);
        assert_eq!(immune.could_give, Disposition::GoToEdNow);
    }

    #[test]
    fn a_combination_whose_member_was_denied_asks_nothing_more() {
        let r = rules();
        let case = signs(1.0, &["purple_spots"]);
        let with_fever_open = could_still_raise(&case, &r, &ids(&["purple_spots"]));
        assert!(open(&with_fever_open).contains(&"fever"));
        let denied = could_still_raise(&case, &r, &ids(&["purple_spots", "fever", "chills"]));
        assert!(!open(&denied).contains(&"fever"));
        // What is still open through an emergency combination comes from combinations
        // without purple spots (hives with vomiting, something injected with eye signs).
        let others: Vec<&str> = r
            .combinations
            .iter()
            .filter(|c| {
                !c.members
                    .iter()
                    .any(|m| m.any_of.iter().any(|a| a == "purple_spots"))
            })
            .flat_map(|c| {
                c.members
                    .iter()
                    .flat_map(|m| m.any_of.iter().map(String::as_str))
            })
            .collect();
        assert!(
            denied
                .iter()
                .all(|q| q.could_give < Disposition::CallEmergencyNow
                    || !q.through_combination
                    || others.contains(&q.id.as_str())),
            "{denied:?}"
        );
    }

    #[test]
    fn a_qualified_reaction_counts_only_when_it_meets_the_qualifier() {
        let r = rules();
        // Hives with swelling that is not worsening: the swelling member is not met and
        // cannot be any more (it was reported), so nothing opens through that combination.
        // (Vomiting denied: hives with vomiting is another combination of hives.)
        let mut case = signs(1.0, &["swelling"]);
        case.symptoms[0].trend = Trend::Improving;
        let q = could_still_raise(&case, &r, &ids(&["swelling", "vomiting"]));
        let hives = q.iter().find(|q| q.id == "hives").unwrap();
        assert!(!hives.through_combination, "{hives:?}");
        // Worsening swelling: hives would make it go_to_ed_now.
        case.symptoms[0].trend = Trend::Worsening;
        let q = could_still_raise(&case, &r, &ids(&["swelling", "vomiting"]));
        let hives = q.iter().find(|q| q.id == "hives").unwrap();
        assert!(hives.through_combination);
        assert_eq!(hives.could_give, Disposition::GoToEdNow);
    }

    #[test]
    fn a_sign_on_its_own_is_open_when_more_urgent_than_the_result() {
        let r = rules();
        let q = could_still_raise(&signs(1.0, &[]), &r, &[] as &[&str]);
        let breathing = q.iter().find(|q| q.id == "difficulty_breathing").unwrap();
        assert_eq!(breathing.could_give, Disposition::CallEmergencyNow);
        assert!(!breathing.through_combination);
        // A see_today sign is not more urgent than a see_today result on its own.
        let q = could_still_raise(&signs(1.0, &["fever"]), &r, &ids(&["fever"]));
        assert!(
            q.iter().all(|q| q.id != "pus" || q.through_combination),
            "{q:?}"
        );
    }

    #[test]
    fn the_most_urgent_of_signs_counts_their_combinations() {
        let r = rules();
        assert_eq!(most_urgent_of_signs(&r, &[]), Disposition::HomeCare);
        assert_eq!(most_urgent_of_signs(&r, &["fever"]), Disposition::SeeToday);
        assert_eq!(
            most_urgent_of_signs(&r, &["chills", "purple_spots"]),
            Disposition::CallEmergencyNow
        );
        assert_eq!(
            most_urgent_of_signs(&r, &["grouped_blisters", "eczema"]),
            Disposition::GoToEdNow
        );
    }

    #[test]
    fn a_thousand_combinations_of_many_alternatives_are_answered_at_once() {
        // Trying every subset of open signs took 14.6 s for this; the direct form is linear.
        let many = [
            "fever",
            "chills",
            "pus",
            "hives",
            "weeping",
            "blisters",
            "vomiting",
            "numbness",
            "purple_spots",
            "very_unwell",
            "eye_redness",
            "honey_crusts",
        ];
        let mut text = crate::rules::DEFAULT_RULES
            .split("\n[[example]]")
            .next()
            .unwrap()
            .to_string();
        for i in 0..1000 {
            let a = many[i % many.len()];
            let group: Vec<String> = many
                .iter()
                .filter(|s| **s != a)
                .map(|s| format!("{s:?}"))
                .collect();
            text.push_str(&format!(
                "\n[[combination]]\nid = \"many_{i}\"\nmembers = [{{ any_of = [{a:?}] }}, {{ any_of = [{}] }}]\ndisposition = \"call_emergency_now\"\nreason = \"r\"\nsources = [\"proposed\"]\n",
                group.join(", ")
            ));
        }
        let r = RuleSet::parse(&text, "many.toml").unwrap();
        let started = std::time::Instant::now();
        let q = could_still_raise(&signs(0.0, &["fever"]), &r, &ids(&["fever"]));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert!(q
            .iter()
            .any(|q| q.id == "pus" && q.could_give == Disposition::CallEmergencyNow));
    }
}
