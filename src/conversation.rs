//! The conversation: every question the tool puts in its own words, stated once, and the
//! order in which each side is asked them. The rule file words its own questions (each
//! warning sign, symptom and risk factor); what is around them is here.
//!
//! The patient's questionnaire and the nurse's call walk [`Mode::parts`] and ask each
//! question by its id in these words; the FHIR Questionnaire is generated from the same
//! parts in the same order, with the same words; the record's schema, the record's FHIR
//! answers and the SBAR note name the nurse's background by [`BACKGROUND`]. A question is
//! changed here, and every one of them follows.
//!
//! Help lines about keys (Space to tick, Enter when done) belong to the terminal that draws
//! the question, not to the question.

use serde::{Deserialize, Serialize};

/// Who is answering: the wording and the order of the questions differ, the evaluation not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The person at home, reading the questions.
    Patient,
    /// The clinic's nurse, asking them on the telephone.
    Nurse,
}

impl Mode {
    /// As the record and the FHIR urls name it.
    pub fn key(self) -> &'static str {
        match self {
            Mode::Patient => "patient",
            Mode::Nurse => "nurse",
        }
    }

    /// The parts of the conversation in the order this side is asked them.
    pub fn parts(self) -> &'static [Part] {
        match self {
            Mode::Patient => PATIENT,
            Mode::Nurse => NURSE,
        }
    }
}

/// A part of the conversation: a question, or questions asked together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Who calls, for whom, the callback number and the complaint (the nurse's call
    /// record; not a clinical question, so not in the FHIR Questionnaire).
    CallDetails,
    /// The danger signs, first: the patient's two checklists, the nurse's one by one. A
    /// positive one ends the questions but for the treatment's date on the nurse's call.
    DangerSigns,
    /// When the treatment was.
    Treatment,
    /// The signs to be seen the same day, on a list of their own (the nurse; the patient
    /// finds them among the symptoms).
    SameDaySigns,
    /// The symptom list, with the details of each one ticked; for the patient, then the
    /// risk factors that could change the answer (asked only then, as follow-ups).
    Symptoms,
    /// A repeat contact about the same problem, or a very worried person.
    RepeatContact,
    /// The computed disposition, given to the caller as soon as the symptoms are in.
    Disposition,
    /// Every risk factor of the rule set, once, by its own question (the nurse, while the
    /// background is taken).
    RiskFactors,
    /// The background for the record: [`BACKGROUND`].
    Background,
    /// The nurse's override of the disposition, the advice given and the end of the call.
    EndOfCall,
}

/// The patient's order: the danger signs before anything else, so that a person in danger
/// is not made to type a date.
pub const PATIENT: &[Part] = &[
    Part::DangerSigns,
    Part::Treatment,
    Part::Symptoms,
    Part::RepeatContact,
];

/// The nurse's order, by acuity: the danger signs one by one, the treatment, the same-day
/// signs, the symptoms; the disposition said to the caller at once; then the background
/// for the record, and the end of the call.
pub const NURSE: &[Part] = &[
    Part::CallDetails,
    Part::DangerSigns,
    Part::Treatment,
    Part::SameDaySigns,
    Part::Symptoms,
    Part::RepeatContact,
    Part::Disposition,
    Part::RiskFactors,
    Part::Background,
    Part::EndOfCall,
];

/// The patient on the web check-in: a page a question (the pages of the web contract),
/// the same-day signs on a page of their own, and the risk factors that could change the
/// answer on a page after the symptoms' details.
pub const PATIENT_ON_THE_WEB: &[Part] = &[
    Part::DangerSigns,
    Part::Treatment,
    Part::SameDaySigns,
    Part::Symptoms,
    Part::RiskFactors,
    Part::RepeatContact,
];

/// Words as each side says them; empty where that side is not asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    pub patient: &'static str,
    pub nurse: &'static str,
}

impl Words {
    pub fn of(self, mode: Mode) -> &'static str {
        match mode {
            Mode::Patient => self.patient,
            Mode::Nurse => self.nurse,
        }
    }
}

/// One question the tool words itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    /// How the prompts, the FHIR Questionnaire (its `linkId`) and the record know it. A
    /// symptom's details are known by `symptom.{symptom}.{id}`.
    pub id: &'static str,
    /// The question as it is put.
    pub asked: Words,
    /// Its name where the answers are summed up (the patient's review, the SBAR note);
    /// empty where none names it.
    pub named: Words,
}

impl Question {
    /// The question as `mode` is asked it.
    pub fn asked(&self, mode: Mode) -> &'static str {
        self.asked.of(mode)
    }

    /// The question's name in a summary for `mode`.
    pub fn named(&self, mode: Mode) -> &'static str {
        self.named.of(mode)
    }
}

/// The name of a question no summary names (its answer is said in a sentence of its own,
/// or not said apart from the question).
const UNNAMED: Words = words("", "");

const fn words(patient: &'static str, nurse: &'static str) -> Words {
    Words { patient, nurse }
}

/// The emergency signs, the patient's first checklist.
pub const DANGER_EMERGENCY: Question = Question {
    id: "danger.emergency",
    asked: words(
        "First, the danger signs. Do you have any of these right now?",
        "",
    ),
    named: words("Danger signs", "Danger signs"),
};

/// The signs to go to the emergency department, the patient's second checklist.
pub const DANGER_ED: Question = Question {
    id: "danger.ed",
    asked: words("And any of these?", ""),
    named: UNNAMED,
};

/// After a danger sign, the signs that could make it more urgent in combination.
pub const DANGER_MORE: Question = Question {
    id: "danger.more",
    asked: words(
        "One more question before you go: do you also have any of these?",
        "",
    ),
    named: UNNAMED,
};

/// When the treatment was.
pub const TREATMENT: Question = Question {
    id: "treatment",
    asked: words("When was your treatment?", "Treatment date?"),
    named: words("Treatment", "Treatment"),
};

/// The treatment's day, picked on a calendar.
pub const TREATMENT_DAY: Question = Question {
    id: "treatment.calendar",
    asked: words("On which day was your treatment?", "Treatment day?"),
    named: UNNAMED,
};

/// The treatment's time of day, when known.
pub const TREATMENT_TIME: Question = Question {
    id: "treatment.time",
    asked: words("At about what time? (for example 14:30)", "Time? (14:30)"),
    named: UNNAMED,
};

/// The same-day signs on their own list (the nurse).
pub const SAME_DAY: Question = Question {
    id: "same_day",
    asked: words("", "Same-day signs?"),
    named: UNNAMED,
};

/// The symptom list.
pub const SYMPTOMS: Question = Question {
    id: "symptoms",
    asked: words(
        "What do you notice now? Tick all that apply.",
        "Symptoms now?",
    ),
    named: words("Symptoms", "Reports"),
};

/// "Something else", in the person's own words (`symptom.{other}.description`).
pub const OTHER_WORDS: Question = Question {
    id: "description",
    asked: words(
        "Something else: what is it, in a few words?",
        "Something else: in the caller's words?",
    ),
    named: UNNAMED,
};

/// A ticked symptom's severity, after its name ("Redness: how bad is it now?").
pub const SEVERITY: Question = Question {
    id: "severity",
    asked: words("how bad is it now?", "severity?"),
    named: UNNAMED,
};

/// A ticked symptom's trend over the last day, which is what the rules look for: a
/// flare-up after a good spell is "worse".
pub const TREND: Question = Question {
    id: "trend",
    asked: words(
        "in the last day, is it better, the same or worse?",
        "trend over the last day?",
    ),
    named: UNNAMED,
};

/// The trend on day 0, when there is no last day to speak of yet: since the treatment is
/// the same span, in words that fit it.
pub const TREND_ON_DAY_0: Question = Question {
    id: "trend",
    asked: words(
        "since the treatment, is it getting better, staying the same or getting worse?",
        "trend since the treatment?",
    ),
    named: UNNAMED,
};

/// The day a ticked symptom began, day 0 being the treatment day.
pub const STARTED: Question = Question {
    id: "started",
    asked: words("when did it start?", "started on day?"),
    named: UNNAMED,
};

/// The risk factors that could change the patient's answer, as one checklist (the nurse
/// asks each by the rule file's own question).
pub const RISK_FACTORS: Question = Question {
    id: "risk_factors",
    asked: words(
        "A few questions about you and the treatment: do any of these apply?",
        "",
    ),
    named: UNNAMED,
};

/// A repeat contact about the same problem, or a very worried person.
pub const REPEAT_CONTACT: Question = Question {
    id: "repeat_contact",
    asked: words(
        "Have you already asked the clinic about this, or are you very worried?",
        "Repeat call about this problem, or caller very worried?",
    ),
    named: words(
        "Asked the clinic before, or very worried",
        "Repeat call or very worried",
    ),
};

/// The nurse's background for the record, as a group.
pub const BACKGROUND_GROUP: Question = Question {
    id: "background",
    asked: words("", "Background, for the record"),
    named: UNNAMED,
};

/// The call's own questions (the nurse): who calls and for whom, then the end of the
/// call, in the order asked. The record keeps each answer in its `call` under the
/// question's id, and the prompt is `call.{id}`.
pub const CALL: [Question; 10] = [
    CALLER_NAME,
    CALLER,
    PATIENT_NAME,
    PATIENT_BIRTH_DATE,
    CALLBACK,
    COMPLAINT,
    ADVICE_GIVEN,
    UNDERSTOOD,
    NOTES,
    NURSE_NAME,
];

const fn call(id: &'static str, nurse: &'static str, named: &'static str) -> Question {
    Question {
        id,
        asked: words("", nurse),
        named: words("", named),
    }
}

pub const CALLER_NAME: Question = call("caller_name", "Caller's name or patient id?", "Caller");
pub const CALLER: Question = call("caller", "Who is calling?", "");
pub const PATIENT_NAME: Question = call("patient_name", "Patient's name or id?", "Patient");
pub const PATIENT_BIRTH_DATE: Question = call(
    "patient_birth_date",
    "Patient's date of birth? (1980-04-23, or 23 Apr 1980)",
    "Born",
);
pub const CALLBACK: Question = call("callback", "Callback number?", "");
pub const COMPLAINT: Question = call(
    "complaint",
    "The complaint, in the caller's words?",
    "In the caller's words",
);
pub const ADVICE_GIVEN: Question = call(
    "advice_given",
    "Advice given? (tick what was said)",
    "Advice given",
);
pub const UNDERSTOOD: Question = call(
    "understood",
    "Caller understood and agrees?",
    "Caller understood and agrees",
);
pub const NOTES: Question = call("notes", "Notes?", "Notes");
pub const NURSE_NAME: Question = call("nurse", "Your name or initials?", "Nurse");

/// The nurse's change of the computed disposition (the record's `override`).
pub const OVERRIDE: Question = Question {
    id: "override",
    asked: words("", "Disposition?"),
    named: UNNAMED,
};

/// Why a disposition was made less urgent: required.
pub const LOWERING_REASON: Question = Question {
    id: "override.reason",
    asked: words("", "Reason for the less urgent disposition?"),
    named: UNNAMED,
};

/// Why a disposition was made more urgent: optional.
pub const RAISING_REASON: Question = Question {
    id: "override.reason",
    asked: words("", "Reason? (optional)"),
    named: UNNAMED,
};

/// How a background question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordAnswer {
    /// Boxes to tick, in their own words; none ticked is not recorded.
    Ticked(&'static [&'static str]),
    /// A line of text, with an example; an empty line is recorded as `unanswered`.
    Text {
        example: &'static str,
        unanswered: &'static str,
    },
    /// A session number of the series, from 1 to 100; an empty line is `unanswered`.
    SessionNumber { unanswered: &'static str },
}

/// One question of the nurse's background: not a risk factor of the rule set (those are
/// the rule file's own questions, and count in the triage), kept for the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordQuestion {
    /// The question; its id is the record's field (`background.{id}` for the prompt and
    /// the FHIR `linkId`).
    pub question: Question,
    pub answer: RecordAnswer,
    /// Whether every record of a call that took the background holds it (a question added
    /// later is missing from older records).
    pub in_every_record: bool,
}

/// The nurse's background questions, in the order asked. The fields of the record's
/// `background` are these ids (a test holds the two together).
pub const BACKGROUND: [RecordQuestion; 5] = [
    RecordQuestion {
        question: Question {
            id: "treated_areas",
            asked: words("", "Treated areas?"),
            named: words("", "Treated areas"),
        },
        answer: RecordAnswer::Ticked(&[
            "face",
            "around the eyes",
            "lips",
            "neck",
            "chest",
            "scalp",
            "hands",
            "other body area",
        ]),
        in_every_record: true,
    },
    RecordQuestion {
        // The person's own blood (PRP) is a risk factor, asked as one: not offered again
        // here, where an unticked box could read as its denial.
        question: Question {
            id: "products",
            asked: words("", "Products applied on or after the day?"),
            named: words("", "Products"),
        },
        answer: RecordAnswer::Ticked(&[
            "none",
            "hyaluronic acid serum",
            "vitamin C serum",
            "growth factors or exosomes",
            "other serum or product",
        ]),
        in_every_record: true,
    },
    RecordQuestion {
        // Some people put a numbing cream on at home before or after the appointment:
        // over a large area it can be toxic (clinical reference 1.2, section 5).
        question: Question {
            id: "numbing_products",
            asked: words(
                "",
                "Any numbing product put on before or after the appointment, at the clinic or at home? Which, and where?",
            ),
            named: words("", "Numbing products"),
        },
        answer: RecordAnswer::Text {
            example: "e.g. lidocaine cream on the whole face at home; 'none'",
            unanswered: "not recorded",
        },
        in_every_record: false,
    },
    RecordQuestion {
        question: Question {
            id: "allergies",
            asked: words("", "Allergies?"),
            named: words("", "Allergies"),
        },
        answer: RecordAnswer::Text {
            example: "e.g. lidocaine; 'none' if none known",
            unanswered: "not recorded",
        },
        in_every_record: true,
    },
    RecordQuestion {
        question: Question {
            id: "session",
            asked: words("", "Which session of the series?"),
            named: words("", "Session"),
        },
        answer: RecordAnswer::SessionNumber {
            unanswered: "not known",
        },
        in_every_record: true,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every question a side walks to is worded for that side: an empty question would be
    /// put to a person as nothing at all.
    #[test]
    fn each_side_is_asked_in_words_of_its_own() {
        for q in [DANGER_EMERGENCY, DANGER_ED, DANGER_MORE, RISK_FACTORS] {
            assert!(!q.asked(Mode::Patient).is_empty(), "{}", q.id);
        }
        for q in [SAME_DAY, BACKGROUND_GROUP] {
            assert!(!q.asked(Mode::Nurse).is_empty(), "{}", q.id);
        }
        for q in [
            TREATMENT,
            TREATMENT_DAY,
            TREATMENT_TIME,
            SYMPTOMS,
            OTHER_WORDS,
            SEVERITY,
            TREND,
            TREND_ON_DAY_0,
            STARTED,
            REPEAT_CONTACT,
        ] {
            for mode in [Mode::Patient, Mode::Nurse] {
                assert!(!q.asked(mode).is_empty(), "{} for the {mode:?}", q.id);
            }
        }
        for b in &BACKGROUND {
            assert!(
                !b.question.asked(Mode::Nurse).is_empty(),
                "{}",
                b.question.id
            );
            assert!(
                !b.question.named(Mode::Nurse).is_empty(),
                "{}",
                b.question.id
            );
        }
    }

    /// The record's background fields are the questions' ids, each set and read back by
    /// its id: a question added here without its field (or the other way) fails.
    #[test]
    fn the_record_background_is_these_questions() {
        use crate::questionnaire::Background;
        let mut b = Background::default();
        for (n, q) in BACKGROUND.iter().enumerate() {
            let answer = match q.answer {
                RecordAnswer::Ticked(options) => {
                    vec![options[0].to_string(), options[1].to_string()]
                }
                _ => vec![format!("answer {n}")],
            };
            b.set(q.question.id, answer.clone());
            assert_eq!(b.answer(q.question.id), Some(answer), "{}", q.question.id);
        }
        let json = serde_json::to_value(&b).unwrap();
        let fields: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut ids: Vec<&str> = BACKGROUND.iter().map(|q| q.question.id).collect();
        ids.sort_unstable();
        assert_eq!(fields, ids);
    }

    /// The call's questions are the record's call fields, each described in the schema.
    #[test]
    fn the_record_call_is_asked_by_these_questions() {
        let rules = crate::built_in_rules_for_tests();
        let schema = crate::output::schema::record(rules, "aftercare-record-1");
        let fields = &schema["properties"]["call"]["properties"];
        for q in &CALL {
            let field = &fields[q.id];
            assert!(
                field.is_object(),
                "{} is no field of the record's call",
                q.id
            );
            assert!(field["description"].is_string(), "{}", q.id);
        }
    }

    /// The danger signs come first for the patient, and before the treatment for both;
    /// each part comes once.
    #[test]
    fn the_orders_put_danger_first_and_each_part_once() {
        assert_eq!(PATIENT[0], Part::DangerSigns);
        for parts in [PATIENT, NURSE, PATIENT_ON_THE_WEB] {
            let at = |p: Part| parts.iter().position(|x| *x == p);
            assert!(at(Part::DangerSigns) < at(Part::Treatment));
            for (i, p) in parts.iter().enumerate() {
                assert!(!parts[i + 1..].contains(p), "{p:?} twice");
            }
        }
    }
}
