//! What a search typed into a list of choices finds: the same on the terminal, in a script
//! and in a test, so that what a person finds and what the tests expect cannot differ.

/// How well `typed` matches `label`: 0 at the start of the label, 1 at the start of a word,
/// 2 anywhere else; `None` for no match. "burn" is the start of "Burning or stinging" but
/// only inside "Redness, like a sunburn": the one meant comes first, where Space ticks it.
pub fn rank(label: &str, typed: &str) -> Option<u8> {
    let label = label.to_lowercase();
    let typed = typed.to_lowercase();
    if typed.is_empty() || label.starts_with(&typed) {
        return Some(0);
    }
    let word_start = label
        .match_indices(&typed)
        .any(|(at, _)| !label[..at].ends_with(char::is_alphanumeric));
    if word_start {
        Some(1)
    } else {
        label.contains(&typed).then_some(2)
    }
}

/// The positions of the choices that `typed` matches, best first, then in the list's order.
pub fn matches(choices: &[super::prompt::Choice], typed: &str) -> Vec<usize> {
    // A person types "can't" with a curly or a straight apostrophe.
    let typed = typed.replace('\u{2019}', "'");
    let mut found: Vec<(u8, usize)> = choices
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            // The words shown rank first; the other words a choice is found by come after.
            let by_label = rank(&c.label, &typed);
            let by_alias = c
                .search
                .iter()
                .filter_map(|w| rank(w, &typed))
                .min()
                .map(|r| r + 1);
            by_label.into_iter().chain(by_alias).min().map(|r| (r, i))
        })
        .collect();
    found.sort_unstable();
    found.into_iter().map(|(_, i)| i).collect()
}
