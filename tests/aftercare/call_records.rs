//! Call records (health data, medico-legal): a record never replaces anything, the target is
//! proved writable before the first question, and the record is written before the result
//! is printed, so a failing standard output cannot lose it.

use std::path::Path;

use aftercare::questionnaire::record::check_target;

fn refused(path: &Path) -> String {
    match check_target(path) {
        Ok(()) => panic!("{} was accepted", path.display()),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "a usage error: {e}");
            e.to_string()
        }
    }
}

#[test]
fn a_record_target_that_exists_in_any_form_is_refused_before_the_first_question() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("call.json");
    std::fs::write(&file, "the first nurse's call").unwrap();
    assert!(refused(&file).contains("already exists; a record is never replaced"));
    let dangling = dir.path().join("link.json");
    std::os::unix::fs::symlink(dir.path().join("nowhere.json"), &dangling).unwrap();
    assert!(refused(&dangling).contains("already exists"));
    let fifo = dir.path().join("fifo.json");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    assert!(refused(&fifo).contains("already exists"));
    for device in ["/dev/null", "/dev/stdout"] {
        assert!(
            refused(Path::new(device)).contains("already exists"),
            "{device}"
        );
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"the first nurse's call");
    // A new name in the same folder is fine, and proving it leaves nothing behind.
    check_target(&dir.path().join("new.json")).unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn a_record_target_that_cannot_be_written_is_refused_before_the_first_question() {
    let dir = tempfile::tempdir().unwrap();
    let slash = format!("{}/call.json/", dir.path().display());
    assert!(refused(Path::new(&slash)).contains("is a folder"));
    assert!(refused(dir.path()).contains("is a folder"));
    assert!(refused(&dir.path().join("no/such/call.json")).contains("does not exist"));
    // A folder where no file can be made, even by root.
    let e = refused(Path::new("/proc/call.json"));
    assert!(e.contains("cannot write in the folder /proc"), "{e}");
}

#[test]
fn the_record_is_written_before_the_result_so_a_failing_output_loses_no_call() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    // Standard output cannot be written (a full disk); the questions are on standard
    // error, the terminal.
    let mut s = crate::terminal::Screen::shell(&format!(
        "exec \"$0\" --now {} --record '{}' >/dev/full",
        crate::support::NOW,
        record.display()
    ));
    s.answer(
        "Do you have any of these right now?",
        &[crate::terminal::DOWN, " ", "\r"],
    );
    let (code, screen) = s.finish();
    assert_eq!(code, 1, "standard output failed: {screen}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).expect("the record was saved"))
            .unwrap();
    assert_eq!(saved["disposition"], "call_emergency_now");
    assert!(screen.contains("Saved the record to"), "{screen}");
}

#[test]
fn the_program_refuses_a_taken_record_name_before_the_first_question() {
    for target in ["/dev/null", "/dev/stdout"] {
        let s = crate::terminal::Screen::shell(&format!(
            "exec \"$0\" --now {} --nurse --record {target}",
            crate::support::NOW
        ));
        let (code, screen) = s.finish();
        assert_eq!(code, 2, "{screen}");
        assert!(
            screen.contains(&format!(
                "--record: {target}: already exists; a record is never replaced"
            )),
            "{screen}"
        );
        assert!(
            !screen.contains("danger"),
            "no question was asked: {screen}"
        );
    }
}

/// A record is read back into the very types it is written from: every kind of record the
/// questionnaire writes (patient and nurse, stopped early or not, with an override and the
/// nurse's background) reads back equal, so that the reader cannot drift from the writer.
#[test]
fn every_kind_of_record_reads_back_as_it_was_written() {
    use aftercare::questionnaire::record;
    let rules = crate::support::rules();
    let dir = tempfile::tempdir().unwrap();
    for (name, o) in crate::schema::sample_outcomes() {
        let note = (o.mode == aftercare::questionnaire::Mode::Nurse)
            .then(|| aftercare::questionnaire::sbar::render(&o, rules, 80));
        let written = record::Record::new(&o, note.as_deref());
        let path = dir.path().join(format!("{}.json", name.replace(' ', "-")));
        let used = record::write(&path, &written).unwrap();
        assert_eq!(used, path, "{name}");
        let read = record::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read, written, "{name}");
    }
}

/// A record whose case was edited into one that cannot be read is told as `check --input`
/// tells that case, by `record show` and `record fhir` alike, naming the file.
#[test]
fn a_record_with_an_unreadable_case_names_the_field_of_the_case() {
    let file = crate::support::repo_path("contracts/fhir/records/nurse-call-with-an-override.json");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    record["case"]["symptoms"][0]["severity"] = "huge".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited-call.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&record).unwrap()).unwrap();
    let shown = path.to_str().unwrap();
    for command in [
        &["record", "fhir", shown][..],
        &["record", "show", shown, "--format", "text"][..],
        &["record", "show", shown, "--format", "json"][..],
    ] {
        let r = crate::support::run(command, "");
        assert_eq!(r.code, 3, "{command:?}: {}", r.stderr);
        let line = r.error_line();
        assert!(
            line.contains(&format!(
                "{shown}: case: symptoms[0].severity: unknown variant"
            )),
            "{command:?}: {line}"
        );
    }
}

/// A record saved before the device, cold sores, eczema and blood thinners became risk
/// factors carries them in the nurse's background: `record fhir` still exports them, as
/// written, beside the rest of the background.
#[test]
fn an_older_record_keeps_its_background_in_the_bundle() {
    let file = crate::support::repo_path("contracts/fhir/records/nurse-call-with-an-override.json");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let background = record["answers"]["background"].as_object_mut().unwrap();
    background.remove("numbing_products");
    background.insert("device".into(), "radio-frequency pen".into());
    background.insert("blood_thinners".into(), "warfarin".into());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("older-call.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&record).unwrap()).unwrap();
    let r = crate::support::run(&["record", "fhir", path.to_str().unwrap()], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bundle: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let response = &bundle["entry"][0]["resource"];
    let group = response["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["linkId"] == "background")
        .expect("the background group");
    let keys: Vec<&str> = group["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["linkId"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "background.allergies",
            "background.blood_thinners",
            "background.device",
            "background.products",
            "background.session",
            "background.treated_areas"
        ],
        "{group}"
    );
    let device = group["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["linkId"] == "background.device")
        .unwrap();
    assert_eq!(device["answer"][0]["valueString"], "radio-frequency pen");
}
