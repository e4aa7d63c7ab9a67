//! Expectations typed by hand from shared/clinical-reference.md, not computed from the rule
//! data: if the built-in rules or the evaluation drift from the reference, these fail.

use aftercare_core::{assess, Disposition, Severity, Trend};

use crate::support::*;

use Disposition::*;
use Severity::*;
use Trend::*;

const ED: Disposition = GoToEdNow;
const TODAY: Disposition = SeeToday;
const D3: Disposition = SeeWithin3Days;
const W2: Disposition = SeeWithin2Weeks;
const HOME: Disposition = HomeCare;
const EMERGENCY: Disposition = CallEmergencyNow;

/// (symptom, day, severity, trend, started_day, expected disposition, deciding rule)
type Row = (
    &'static str,
    f64,
    Severity,
    Trend,
    f64,
    Disposition,
    &'static str,
);

#[rustfmt::skip]
const WINDOW_CASES: &[Row] = &[
    // redness: normal until 3, ok if improving until 7, past 3D, worse after 2 TODAY,
    // severe after 2 TODAY, starts after 2 3D
    ("redness", 0.0, Moderate, Stable, 0.0, HOME, "redness.window"),
    ("redness", 3.0, Moderate, Stable, 0.0, HOME, "redness.window"),
    ("redness", 3.01, Moderate, Stable, 0.0, D3, "redness.not_improving"),
    ("redness", 3.01, Mild, Improving, 0.0, HOME, "redness.improving"),
    ("redness", 7.0, Mild, Improving, 0.0, HOME, "redness.improving"),
    ("redness", 7.01, Mild, Improving, 0.0, D3, "redness.past_window"),
    // [1.2] worse after 1 -> 3D; 2 -> TODAY
    ("redness", 1.0, Moderate, Worsening, 0.0, HOME, "redness.window"),
    ("redness", 1.01, Moderate, Worsening, 0.0, D3, "redness.worse_after"),
    ("redness", 2.0, Moderate, Worsening, 0.0, D3, "redness.worse_after"),
    ("redness", 2.01, Moderate, Worsening, 0.0, TODAY, "redness.worse_after"),
    ("redness", 5.0, Moderate, Worsening, 0.0, TODAY, "redness.worse_after"),
    ("redness", 2.0, Severe, Stable, 0.0, HOME, "redness.window"),
    ("redness", 2.01, Severe, Stable, 0.0, TODAY, "redness.severe_after"),
    ("redness", 2.5, Mild, Stable, 2.0, HOME, "redness.window"),
    ("redness", 2.5, Mild, Stable, 2.01, D3, "redness.starts_after"),
    // [1.1] severe and worse after 1 -> TODAY
    ("redness", 1.0, Severe, Worsening, 0.0, HOME, "redness.window"),
    ("redness", 1.01, Severe, Worsening, 0.0, TODAY, "redness.severe_and_worse_after"),
    ("redness", 1.5, Severe, Stable, 0.0, HOME, "redness.window"),
    ("redness", 1.5, Moderate, Worsening, 0.0, D3, "redness.worse_after"),
    // swelling: 2, 7, 3D, worse after 2 TODAY, severe after 1 TODAY, starts after 2 TODAY
    ("swelling", 2.0, Moderate, Stable, 0.0, HOME, "swelling.window"),
    ("swelling", 2.01, Moderate, Stable, 0.0, D3, "swelling.not_improving"),
    ("swelling", 2.01, Mild, Improving, 0.0, HOME, "swelling.improving"),
    ("swelling", 7.01, Mild, Improving, 0.0, D3, "swelling.past_window"),
    ("swelling", 1.0, Severe, Stable, 0.0, HOME, "swelling.window"),
    ("swelling", 1.01, Severe, Stable, 0.0, TODAY, "swelling.severe_after"),
    ("swelling", 2.01, Moderate, Worsening, 0.0, TODAY, "swelling.worse_after"),
    ("swelling", 3.0, Mild, Improving, 2.01, TODAY, "swelling.starts_after"),
    // [1.1] severe and worse after 0.5 -> TODAY (P-20: 18 hours)
    ("swelling", 0.5, Severe, Worsening, 0.0, HOME, "swelling.window"),
    ("swelling", 0.51, Severe, Worsening, 0.0, TODAY, "swelling.severe_and_worse_after"),
    ("swelling", 0.75, Severe, Stable, 0.0, HOME, "swelling.window"),
    ("swelling", 0.75, Moderate, Worsening, 0.0, HOME, "swelling.window"),
    // pinpoint_bleeding: 0.5, 1, TODAY, starts after 0.5 TODAY
    ("pinpoint_bleeding", 0.5, Moderate, Stable, 0.0, HOME, "pinpoint_bleeding.window"),
    ("pinpoint_bleeding", 0.51, Moderate, Stable, 0.0, TODAY, "pinpoint_bleeding.not_improving"),
    ("pinpoint_bleeding", 0.51, Mild, Improving, 0.0, HOME, "pinpoint_bleeding.improving"),
    ("pinpoint_bleeding", 1.0, Mild, Improving, 0.0, HOME, "pinpoint_bleeding.improving"),
    ("pinpoint_bleeding", 1.01, Mild, Improving, 0.0, TODAY, "pinpoint_bleeding.past_window"),
    ("pinpoint_bleeding", 0.6, Mild, Improving, 0.51, TODAY, "pinpoint_bleeding.starts_after"),
    // [1.1] worse after 0 -> TODAY, severe after 0 -> TODAY: heavy or increasing bleeding
    // [1.2] after 0 includes day 0 itself
    ("pinpoint_bleeding", 0.0, Severe, Worsening, 0.0, TODAY, "pinpoint_bleeding.worse_after"),
    ("pinpoint_bleeding", 0.0, Mild, Stable, 0.0, HOME, "pinpoint_bleeding.window"),
    ("pinpoint_bleeding", 0.01, Mild, Worsening, 0.0, TODAY, "pinpoint_bleeding.worse_after"),
    ("pinpoint_bleeding", 0.3, Severe, Improving, 0.0, TODAY, "pinpoint_bleeding.severe_after"),
    ("pinpoint_bleeding", 0.3, Moderate, Stable, 0.0, HOME, "pinpoint_bleeding.window"),
    // bruising: 7, 10, 3D, worse after 2 3D, starts after 1 3D
    ("bruising", 7.0, Moderate, Stable, 0.0, HOME, "bruising.window"),
    ("bruising", 7.01, Moderate, Stable, 0.0, D3, "bruising.not_improving"),
    ("bruising", 10.0, Mild, Improving, 0.0, HOME, "bruising.improving"),
    ("bruising", 10.01, Mild, Improving, 0.0, D3, "bruising.past_window"),
    // [1.1] worse after 1 -> 3D, severe after 0.5 -> 3D
    ("bruising", 1.0, Mild, Worsening, 0.0, HOME, "bruising.window"),
    ("bruising", 1.01, Mild, Worsening, 0.0, D3, "bruising.worse_after"),
    ("bruising", 2.0, Mild, Stable, 1.01, D3, "bruising.starts_after"),
    ("bruising", 0.5, Severe, Stable, 0.0, HOME, "bruising.window"),
    ("bruising", 0.51, Severe, Stable, 0.0, D3, "bruising.severe_after"),
    ("bruising", 6.0, Severe, Improving, 1.0, D3, "bruising.severe_after"),
    // petechiae: 4, 7, 3D
    ("petechiae", 4.0, Moderate, Stable, 0.0, HOME, "petechiae.window"),
    ("petechiae", 4.01, Moderate, Stable, 0.0, D3, "petechiae.not_improving"),
    ("petechiae", 7.0, Mild, Improving, 0.0, HOME, "petechiae.improving"),
    // peeling: 7, 14, 3D, worse after 7, starts after 7; gets worse on days 2-5 normally
    ("peeling", 5.0, Moderate, Worsening, 2.0, HOME, "peeling.window"),
    ("peeling", 7.0, Moderate, Worsening, 3.0, HOME, "peeling.window"),
    ("peeling", 7.01, Moderate, Stable, 3.0, D3, "peeling.not_improving"),
    ("peeling", 14.0, Mild, Improving, 3.0, HOME, "peeling.improving"),
    ("peeling", 14.01, Mild, Improving, 3.0, D3, "peeling.past_window"),
    ("peeling", 8.0, Mild, Improving, 7.01, D3, "peeling.starts_after"),
    // crusting: 5, 10, 3D, worse after 5, starts after 3
    ("crusting", 5.0, Moderate, Stable, 1.0, HOME, "crusting.window"),
    ("crusting", 5.01, Moderate, Stable, 1.0, D3, "crusting.not_improving"),
    ("crusting", 4.0, Mild, Stable, 3.01, D3, "crusting.starts_after"),
    ("crusting", 4.0, Mild, Stable, 3.0, HOME, "crusting.window"),
    // [1.2] itching: 7, 14, 3D, worse after 3 3D, severe after 1 3D, severe and worse
    // after 0 TODAY, starts after 5 3D
    ("itching", 7.0, Moderate, Stable, 0.0, HOME, "itching.window"),
    ("itching", 7.01, Moderate, Stable, 0.0, D3, "itching.not_improving"),
    ("itching", 14.0, Mild, Improving, 0.0, HOME, "itching.improving"),
    ("itching", 14.01, Mild, Improving, 0.0, D3, "itching.past_window"),
    ("itching", 3.0, Mild, Worsening, 0.0, HOME, "itching.window"),
    ("itching", 3.01, Mild, Worsening, 0.0, D3, "itching.worse_after"),
    ("itching", 1.0, Severe, Stable, 0.0, HOME, "itching.window"),
    ("itching", 1.01, Severe, Stable, 0.0, D3, "itching.severe_after"),
    ("itching", 0.0, Severe, Worsening, 0.0, TODAY, "itching.severe_and_worse_after"),
    ("itching", 6.0, Mild, Improving, 5.0, HOME, "itching.window"),
    ("itching", 6.0, Mild, Improving, 5.01, D3, "itching.starts_after"),
    // burning: 1, 3, 3D
    ("burning", 1.0, Moderate, Stable, 0.0, HOME, "burning.window"),
    ("burning", 1.01, Moderate, Stable, 0.0, D3, "burning.not_improving"),
    ("burning", 3.0, Mild, Improving, 0.0, HOME, "burning.improving"),
    ("burning", 3.01, Mild, Improving, 0.0, D3, "burning.past_window"),
    // [1.1] severe after 0.5 -> 3D
    ("burning", 0.5, Severe, Improving, 0.0, HOME, "burning.window"),
    ("burning", 0.51, Severe, Improving, 0.0, D3, "burning.severe_after"),
    // [1.2] tightness 7, 14, worse after 3 3D, severe after 3 3D, starts after 5 3D;
    // sensitivity 4, 7
    ("tightness", 7.0, Moderate, Stable, 0.0, HOME, "tightness.window"),
    ("tightness", 7.01, Moderate, Stable, 0.0, D3, "tightness.not_improving"),
    ("tightness", 3.0, Severe, Stable, 0.0, HOME, "tightness.window"),
    ("tightness", 3.01, Severe, Stable, 0.0, D3, "tightness.severe_after"),
    ("tightness", 6.0, Mild, Improving, 5.01, D3, "tightness.starts_after"),
    // [1.2] severe and still growing from the treatment day on
    ("burning", 0.0, Severe, Worsening, 0.0, TODAY, "burning.severe_and_worse_after"),
    ("pain", 0.0, Severe, Worsening, 0.0, TODAY, "pain.severe_and_worse_after"),
    ("bruising", 0.0, Severe, Worsening, 0.0, TODAY, "bruising.severe_and_worse_after"),
    // [1.2] headache 2, 3, 3D; worse 0 TODAY, severe 0 TODAY, severe and worse 0 ED
    ("headache", 0.0, Mild, Stable, 0.0, HOME, "headache.window"),
    ("headache", 2.0, Mild, Stable, 0.0, HOME, "headache.window"),
    ("headache", 2.01, Mild, Stable, 0.0, D3, "headache.not_improving"),
    ("headache", 3.0, Mild, Improving, 0.0, HOME, "headache.improving"),
    ("headache", 3.01, Mild, Improving, 0.0, D3, "headache.past_window"),
    ("headache", 0.0, Mild, Worsening, 0.0, TODAY, "headache.worse_after"),
    ("headache", 0.0, Severe, Stable, 0.0, TODAY, "headache.severe_after"),
    ("headache", 0.0, Severe, Worsening, 0.0, ED, "headache.severe_and_worse_after"),
    ("headache", 2.5, Mild, Improving, 2.01, D3, "headache.starts_after"),
    // [1.2] blood_draw_bruise 10, 14, 3D
    ("blood_draw_bruise", 10.0, Moderate, Stable, 0.0, HOME, "blood_draw_bruise.window"),
    ("blood_draw_bruise", 10.01, Moderate, Stable, 0.0, D3, "blood_draw_bruise.not_improving"),
    ("blood_draw_bruise", 3.01, Mild, Worsening, 0.0, D3, "blood_draw_bruise.worse_after"),
    ("blood_draw_bruise", 0.0, Severe, Stable, 0.0, D3, "blood_draw_bruise.severe_after"),
    ("blood_draw_bruise", 0.0, Severe, Worsening, 0.0, TODAY, "blood_draw_bruise.severe_and_worse_after"),
    // [1.2] hair_shedding 84, 90, 2W
    ("hair_shedding", 84.0, Moderate, Stable, 0.0, HOME, "hair_shedding.window"),
    ("hair_shedding", 84.01, Moderate, Stable, 0.0, W2, "hair_shedding.not_improving"),
    ("hair_shedding", 42.01, Mild, Worsening, 0.0, W2, "hair_shedding.worse_after"),
    ("hair_shedding", 1.0, Severe, Stable, 0.0, D3, "hair_shedding.severe_after"),
    ("sensitivity", 4.0, Moderate, Stable, 0.0, HOME, "sensitivity.window"),
    ("sensitivity", 4.01, Moderate, Stable, 0.0, D3, "sensitivity.not_improving"),
    // pain: 2, 4, 3D, worse after 1 TODAY, severe after 0.5 TODAY, starts after 2 TODAY
    // [1.1] worse after 0.5 -> TODAY, severe after 0.25 -> TODAY
    ("pain", 0.25, Severe, Stable, 0.0, HOME, "pain.window"),
    ("pain", 0.26, Severe, Stable, 0.0, TODAY, "pain.severe_after"),
    ("pain", 0.5, Moderate, Worsening, 0.0, HOME, "pain.window"),
    ("pain", 0.51, Moderate, Worsening, 0.0, TODAY, "pain.worse_after"),
    ("pain", 2.0, Moderate, Stable, 0.0, HOME, "pain.window"),
    ("pain", 2.01, Moderate, Stable, 0.0, D3, "pain.not_improving"),
    ("pain", 4.0, Mild, Improving, 0.0, HOME, "pain.improving"),
    ("pain", 4.01, Mild, Improving, 0.0, D3, "pain.past_window"),
    ("pain", 2.5, Mild, Stable, 2.01, TODAY, "pain.starts_after"),
    // warmth: 1, 2, TODAY
    ("warmth", 1.0, Moderate, Stable, 0.0, HOME, "warmth.window"),
    ("warmth", 1.01, Moderate, Stable, 0.0, TODAY, "warmth.not_improving"),
    ("warmth", 2.0, Mild, Improving, 0.0, HOME, "warmth.improving"),
    ("warmth", 2.01, Mild, Improving, 0.0, TODAY, "warmth.past_window"),
    ("warmth", 1.01, Mild, Worsening, 0.0, TODAY, "warmth.not_improving"),
    // breakouts: 10, 14, 2W, worse after 7 3D, starts after 10 2W
    ("breakouts", 10.0, Moderate, Stable, 3.0, HOME, "breakouts.window"),
    ("breakouts", 10.01, Moderate, Stable, 3.0, W2, "breakouts.not_improving"),
    ("breakouts", 7.01, Moderate, Worsening, 3.0, D3, "breakouts.worse_after"),
    ("breakouts", 11.0, Mild, Improving, 10.01, W2, "breakouts.starts_after"),
    // milia: 14, 14, 2W: no improving stretch
    ("milia", 14.0, Mild, Stable, 5.0, HOME, "milia.window"),
    ("milia", 14.01, Mild, Improving, 5.0, W2, "milia.past_window"),
    ("milia", 30.0, Severe, Worsening, 5.0, W2, "milia.past_window"),
    // firm_bumps: 7, 14, 3D
    ("firm_bumps", 7.0, Moderate, Stable, 3.0, HOME, "firm_bumps.window"),
    ("firm_bumps", 7.01, Moderate, Stable, 3.0, D3, "firm_bumps.not_improving"),
    ("firm_bumps", 14.0, Mild, Improving, 3.0, HOME, "firm_bumps.improving"),
    ("firm_bumps", 9.0, Mild, Improving, 7.01, D3, "firm_bumps.starts_after"),
    // [1.1] worse after 3 -> 3D, severe after 3 -> 3D
    ("firm_bumps", 3.0, Severe, Worsening, 1.0, HOME, "firm_bumps.window"),
    ("firm_bumps", 3.01, Mild, Worsening, 1.0, D3, "firm_bumps.worse_after"),
    ("firm_bumps", 3.01, Severe, Improving, 1.0, D3, "firm_bumps.severe_after"),
    // darkening: 7, 14, 2W; roughness: 7, 14, 2W
    ("darkening", 7.0, Moderate, Stable, 2.0, HOME, "darkening.window"),
    ("darkening", 7.01, Moderate, Stable, 2.0, W2, "darkening.not_improving"),
    ("darkening", 14.0, Mild, Improving, 2.0, HOME, "darkening.improving"),
    ("roughness", 7.01, Moderate, Stable, 2.0, W2, "roughness.not_improving"),
    ("roughness", 14.01, Mild, Improving, 2.0, W2, "roughness.past_window"),
    // swollen_glands: 3, 7, 3D, worse after 2 TODAY
    ("swollen_glands", 3.0, Moderate, Stable, 0.0, HOME, "swollen_glands.window"),
    ("swollen_glands", 3.01, Moderate, Stable, 0.0, D3, "swollen_glands.not_improving"),
    ("swollen_glands", 2.01, Moderate, Worsening, 0.0, TODAY, "swollen_glands.worse_after"),
    ("swollen_glands", 7.0, Mild, Improving, 0.0, HOME, "swollen_glands.improving"),
    // [1.1] starts after 3 -> 3D
    ("swollen_glands", 3.5, Mild, Improving, 3.0, HOME, "swollen_glands.improving"),
    ("swollen_glands", 3.5, Mild, Improving, 3.01, D3, "swollen_glands.starts_after"),
];

#[test]
fn the_reference_windows_give_the_reference_dispositions() {
    let mut wrong = Vec::new();
    for &(id, day, severity, trend, started, expected, rule) in WINDOW_CASES {
        let a = assess(
            &case_on(day, vec![symptom(id, severity, trend, started)]),
            rules(),
        );
        let got = (a.disposition, a.findings[0].rule.as_str());
        if got != (expected, rule) {
            wrong.push(format!(
                "{id} day {day} {severity:?} {trend:?} started {started}: expected {expected} by {rule}, got {} by {}",
                got.0, got.1
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The table of section 3 as typed from the reference: (id, normal until, ok if improving
/// until, past window, worse after, severe after, severe and worse after, starts after).
type Window = (
    &'static str,
    f64,
    f64,
    Disposition,
    Steps,
    Steps,
    Steps,
    Steps,
);

/// A threshold column as the reference table writes it: its steps, day and disposition.
type Steps = &'static [(f64, Disposition)];

#[rustfmt::skip]
const REFERENCE_WINDOWS: &[Window] = &[
    ("redness", 3.0, 7.0, D3, &[(1.0, D3), (2.0, TODAY)], &[(2.0, TODAY)], &[(1.0, TODAY)], &[(2.0, D3)]),
    ("swelling", 2.0, 7.0, D3, &[(2.0, TODAY)], &[(1.0, TODAY)], &[(0.5, TODAY)], &[(2.0, TODAY)]),
    ("pinpoint_bleeding", 0.5, 1.0, TODAY, &[(0.0, TODAY)], &[(0.0, TODAY)], &[], &[(0.5, TODAY)]),
    ("bruising", 7.0, 10.0, D3, &[(1.0, D3)], &[(0.5, D3)], &[(0.0, TODAY)], &[(1.0, D3)]),
    ("petechiae", 4.0, 7.0, D3, &[(2.0, D3)], &[], &[], &[(1.0, D3)]),
    ("peeling", 7.0, 14.0, D3, &[(7.0, D3)], &[], &[], &[(7.0, D3)]),
    ("crusting", 5.0, 10.0, D3, &[(5.0, D3)], &[], &[], &[(3.0, D3)]),
    ("itching", 7.0, 14.0, D3, &[(3.0, D3)], &[(1.0, D3)], &[(0.0, TODAY)], &[(5.0, D3)]),
    ("burning", 1.0, 3.0, D3, &[(1.0, D3)], &[(0.5, D3)], &[(0.0, TODAY)], &[(1.0, D3)]),
    ("tightness", 7.0, 14.0, D3, &[(3.0, D3)], &[(3.0, D3)], &[], &[(5.0, D3)]),
    ("sensitivity", 4.0, 7.0, D3, &[(3.0, D3)], &[], &[], &[(2.0, D3)]),
    ("pain", 2.0, 4.0, D3, &[(0.5, TODAY)], &[(0.25, TODAY)], &[(0.0, TODAY)], &[(2.0, TODAY)]),
    ("warmth", 1.0, 2.0, TODAY, &[(1.0, TODAY)], &[], &[], &[(1.0, TODAY)]),
    ("breakouts", 10.0, 14.0, W2, &[(7.0, D3)], &[], &[], &[(10.0, W2)]),
    ("milia", 14.0, 14.0, W2, &[], &[], &[], &[]),
    ("firm_bumps", 7.0, 14.0, D3, &[(3.0, D3)], &[(3.0, D3)], &[], &[(7.0, D3)]),
    ("darkening", 7.0, 14.0, W2, &[(7.0, W2)], &[], &[], &[(14.0, W2)]),
    ("roughness", 7.0, 14.0, W2, &[], &[], &[], &[]),
    ("swollen_glands", 3.0, 7.0, D3, &[(2.0, TODAY)], &[], &[], &[(3.0, D3)]),
    ("headache", 2.0, 3.0, D3, &[(0.0, TODAY)], &[(0.0, TODAY)], &[(0.0, ED)], &[(2.0, D3)]),
    ("blood_draw_bruise", 10.0, 14.0, D3, &[(3.0, D3)], &[(0.0, D3)], &[(0.0, TODAY)], &[(3.0, D3)]),
    ("hair_shedding", 84.0, 90.0, W2, &[(42.0, W2)], &[(0.0, D3)], &[], &[]),
];

#[test]
fn the_built_in_windows_are_those_of_the_reference() {
    let rules = rules();
    let ids: Vec<&str> = rules.reactions.iter().map(|r| r.id.as_str()).collect();
    let expected_ids: Vec<&str> = REFERENCE_WINDOWS.iter().map(|w| w.0).collect();
    assert_eq!(ids, expected_ids);
    let pair = |t: &aftercare_core::rules::Steps| -> Vec<(f64, Disposition)> {
        t.steps().iter().map(|t| (t.day, t.disposition)).collect()
    };
    for &(id, normal, ok, past, worse, severe, severe_and_worse, starts) in REFERENCE_WINDOWS {
        let r = rules.reaction(id).unwrap();
        assert_eq!(
            (
                r.normal_until,
                r.ok_if_improving_until,
                r.past_window,
                pair(&r.worse_after),
                pair(&r.severe_after),
                pair(&r.severe_and_worse_after),
                pair(&r.starts_after)
            ),
            (
                normal,
                ok,
                past,
                worse.to_vec(),
                severe.to_vec(),
                severe_and_worse.to_vec(),
                starts.to_vec()
            ),
            "{id}"
        );
    }
}

/// Section 4 as typed from the reference.
#[rustfmt::skip]
pub const WARNING_SIGNS: &[(&str, Disposition)] = &[
    ("difficulty_breathing", EMERGENCY),
    ("throat_swelling", EMERGENCY),
    ("fainting", EMERGENCY),
    ("confusion", EMERGENCY),
    ("seizure", EMERGENCY),
    ("blue_lips", EMERGENCY),
    ("stroke_signs", EMERGENCY),
    ("vision_loss", EMERGENCY),
    ("numbing_cream_reaction", EMERGENCY),
    ("sudden_severe_headache", EMERGENCY),
    ("red_streaks", ED),
    ("cold_pale_hand", ED),
    ("rapidly_spreading_swelling", ED),
    ("eye_pain", ED),
    ("vision_change", ED),
    ("light_sensitivity", ED),
    ("eyelid_blisters", ED),
    ("widespread_blisters", ED),
    ("bleeding_wont_stop", ED),
    ("dusky_skin", ED),
    ("stiff_neck", ED),
    ("fever", TODAY),
    ("chills", TODAY),
    ("spreading_redness", TODAY),
    ("pus", TODAY),
    ("blood_draw_arm", TODAY),
    ("honey_crusts", TODAY),
    ("weeping", TODAY),
    ("blisters", TODAY),
    ("grouped_blisters", TODAY),
    ("cold_sore_tingling", TODAY),
    ("hives", TODAY),
    ("widespread_rash", TODAY),
    ("purple_spots", TODAY),
    ("bruising_elsewhere", TODAY),
    ("bleeding_gums", TODAY),
    ("numbness", TODAY),
    ("eye_redness", TODAY),
    ("vomiting", TODAY),
    ("very_unwell", TODAY),
    ("track_marks", W2),
    ("dent", W2),
    ("patchy_hair_loss", D3),
];

#[test]
fn the_built_in_warning_signs_are_those_of_the_reference() {
    let got: Vec<(&str, Disposition)> = rules()
        .warning_signs
        .iter()
        .map(|w| (w.id.as_str(), w.disposition))
        .collect();
    assert_eq!(got, WARNING_SIGNS);
}
