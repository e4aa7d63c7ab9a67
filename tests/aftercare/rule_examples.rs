//! Every rule file in `rules/` carries examples; each must give its expected disposition and
//! fire its expected rules. The built-in file's examples must make every rule fire.

use aftercare_core::examples::run_examples;
use aftercare_core::RuleSet;

use crate::support::repo_path;

fn rule_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![repo_path("rules")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_rule_file_passes_its_own_examples() {
    let files = rule_files();
    assert!(!files.is_empty());
    for path in files {
        let rules = RuleSet::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let report = run_examples(&rules);
        assert!(report.run > 0, "{}: has no examples", path.display());
        assert!(
            report.failures.is_empty(),
            "{}: failing examples:\n{:#?}",
            path.display(),
            report.failures
        );
    }
}

#[test]
fn the_default_examples_make_every_rule_fire() {
    let rules = crate::support::rules();
    let report = run_examples(rules);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert_eq!(report.uncovered(rules), Vec::new());
}
