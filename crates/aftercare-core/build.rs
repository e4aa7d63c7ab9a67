//! The built-in rule set as JSON, for the binary to read at start: the same data as
//! `rules/default.toml` up to its examples, which a TOML parser reads several times slower.
//! The file is validated by the test suite (`rules check --strict` and the unit tests, which
//! also prove this form equal to the full load), so a start needs no second reading.

use std::path::Path;

fn main() {
    // The rule file lives at the top of the repository, where clinics and reviewers find it.
    let source = Path::new("../../rules/default.toml");
    println!("cargo:rerun-if-changed={}", source.display());
    let text = std::fs::read_to_string(source).expect("rules/default.toml is readable");
    // The examples are more than half of the file and no answer uses them.
    let rules = text
        .find("\n[[example]]")
        .map_or(text.as_str(), |end| &text[..=end]);
    let value: toml::Value = toml::from_str(rules).expect("rules/default.toml is TOML");
    let json = serde_json::to_string(&value).expect("TOML values are JSON values");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("default_rules.json");
    std::fs::write(out, json).expect("OUT_DIR is writable");
}
