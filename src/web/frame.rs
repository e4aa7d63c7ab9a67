//! What the pages say that follows from the words and the rule file alone: the footers,
//! every checklist's boxes and the list of danger signs. Put together once, when the
//! server starts; a page borrows it rather than building the same words on every request.

use super::flow::{emergency_signs, same_day_signs, symptom_choices, urgent_signs, Step};
use super::form::box_id;
use super::pages::{CheckItem, Footers};
use super::words::{fill, Words};
use crate::output::text::capitalise;
use crate::questionnaire::{sign_words, symptom_words};
use aftercare_core::rules::RuleSet;

/// One box of a checklist: its element id, its value and its words.
pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
}

impl Choice {
    /// The box on a page, ticked or not.
    pub fn item(&self, checked: bool) -> CheckItem<'_> {
        CheckItem {
            id: &self.id,
            value: &self.value,
            label: &self.label,
            checked,
        }
    }

    fn new(field: &str, value: &str, label: String) -> Choice {
        Choice {
            id: box_id(field, value),
            value: value.to_string(),
            label,
        }
    }
}

pub struct Frame {
    pub footers: Footers,
    /// Every danger sign of the rule set, in a person's words (the result page's folded
    /// list).
    pub safety_net: Vec<String>,
    pub emergency: Vec<Choice>,
    pub urgent: Vec<Choice>,
    pub same_day: Vec<Choice>,
    /// The expected reactions, then "something else".
    pub symptoms: Vec<Choice>,
    /// Every risk factor, in the rule file's order.
    pub risk_factors: Vec<Choice>,
    /// "Something else" as a sign to tick, for a rule file whose combinations name it.
    other_sign: Option<Choice>,
}

impl Frame {
    pub fn new(w: &Words, rules: &RuleSet) -> Frame {
        let emergency = rules.clinic.emergency_words();
        let signs = |ids: Vec<&str>| -> Vec<Choice> {
            ids.into_iter()
                .map(|id| Choice::new("signs", id, sign_words(rules, id)))
                .collect()
        };
        Frame {
            footers: Footers {
                emergency: fill(&w.emergency_footer, &[("emergency", &emergency)]).into(),
                help: fill(&w.help_footer, &[("clinic", &rules.clinic.clinic_words())]).into(),
            },
            safety_net: aftercare_core::rules::advice_words::safety_net(rules),
            emergency: signs(emergency_signs(rules)),
            urgent: signs(urgent_signs(rules)),
            same_day: signs(same_day_signs(rules)),
            symptoms: symptom_choices(rules)
                .into_iter()
                .map(|id| {
                    let label = match rules.other.as_ref().filter(|o| o.id == id) {
                        Some(o) => capitalise(&o.description),
                        None => symptom_words(rules, id, 80),
                    };
                    Choice::new("symptoms", id, label)
                })
                .collect(),
            risk_factors: rules
                .risk_factors
                .iter()
                .map(|r| Choice::new("risk_factors", &r.id, capitalise(&r.description)))
                .collect(),
            other_sign: rules
                .other
                .as_ref()
                .map(|o| Choice::new("signs", &o.id, sign_words(rules, &o.id))),
        }
    }

    /// The boxes of a page of signs.
    pub fn signs_of(&self, step: Step) -> &[Choice] {
        match step {
            Step::Emergency => &self.emergency,
            Step::Urgent => &self.urgent,
            _ => &self.same_day,
        }
    }

    /// The box of a warning sign (on whichever page of signs it is), or of "something
    /// else": every symptom that is not an expected reaction.
    pub fn sign(&self, id: &str) -> Option<&Choice> {
        self.emergency
            .iter()
            .chain(&self.urgent)
            .chain(&self.same_day)
            .chain(&self.other_sign)
            .find(|c| c.value == id)
    }

    /// The box of a risk factor.
    pub fn risk_factor(&self, id: &str) -> Option<&Choice> {
        self.risk_factors.iter().find(|c| c.value == id)
    }
}
