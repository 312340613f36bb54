use crate::fixtures;
use dsca_model::Report;
use dsca_report::{write_json, write_json_lines};
use serde_json::{Value, json};

const SCHEMA: &str = include_str!("../../../../schema/report.schema.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the report schema is JSON");
    jsonschema::draft202012::new(&schema).expect("the report schema compiles")
}

fn render(reports: &[Report]) -> String {
    let mut out = Vec::new();
    write_json(&mut out, reports).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("JSON is UTF-8")
}

fn errors(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn snapshot_single_report_is_an_object() {
    let text = render(&[fixtures::malicious()]);
    assert!(text.starts_with('{') && text.ends_with("}\n"));
    insta::assert_snapshot!(text);
}

#[test]
fn snapshot_several_reports_are_an_array() {
    let text = render(&fixtures::all());
    assert!(text.starts_with('[') && text.ends_with("]\n"));
    insta::assert_snapshot!(text);
}

#[test]
fn json_round_trips_to_the_same_reports() {
    let reports = fixtures::all();
    let back: Vec<Report> = serde_json::from_str(&render(&reports)).expect("valid JSON");
    assert_eq!(back, reports);
}

#[test]
fn json_lines_are_one_compact_report_per_line() {
    let reports = fixtures::all();
    let mut out = Vec::new();
    write_json_lines(&mut out, &reports).expect("writing to a Vec cannot fail");
    let text = String::from_utf8(out).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), reports.len());
    let validator = validator();
    for (line, report) in lines.iter().zip(&reports) {
        let value: Value = serde_json::from_str(line).expect("each line is JSON");
        assert_eq!(errors(&validator, &value), Vec::<String>::new());
        assert_eq!(
            &serde_json::from_value::<Report>(value).expect("a report"),
            report
        );
    }
    assert!(text.ends_with('\n'));
}

#[test]
fn printer_output_validates_against_the_report_schema() {
    let validator = validator();
    let mut batches: Vec<Vec<Report>> = fixtures::all().into_iter().map(|r| vec![r]).collect();
    batches.push(fixtures::all());
    batches.push(Vec::new());
    for batch in batches {
        let document: Value = serde_json::from_str(&render(&batch)).expect("valid JSON");
        assert_eq!(
            errors(&validator, &document),
            Vec::<String>::new(),
            "{document:#}"
        );
    }
    // The failed report really carries a null verdict, and the malicious one evidence.
    let all: Value = serde_json::from_str(&render(&fixtures::all())).expect("valid JSON");
    assert_eq!(all[2]["verdict"], Value::Null);
    assert_eq!(all[1]["findings"][0]["evidence"][0]["location"]["line"], 3);
}

#[test]
fn the_report_schema_rejects_broken_documents() {
    let validator = validator();
    let good: Value = serde_json::from_str(&render(&[fixtures::malicious()])).expect("valid JSON");
    assert!(validator.is_valid(&good));

    let mutations: [fixtures::Mutation; 6] = [
        ("unknown severity", |d| {
            d["findings"][0]["severity"] = json!("urgent")
        }),
        ("unknown verdict level", |d| {
            d["verdict"]["level"] = json!("evil")
        }),
        ("missing findings", |d| {
            d.as_object_mut().map(|o| o.remove("findings"));
        }),
        ("extra field", |d| d["package"]["surprise"] = json!(true)),
        ("score above 100", |d| d["verdict"]["score"] = json!(101)),
        ("source without path", |d| {
            d["source"] = json!({"kind": "tarball"})
        }),
    ];
    for (what, mutate) in mutations {
        let mut broken = good.clone();
        mutate(&mut broken);
        assert!(
            !validator.is_valid(&broken),
            "schema accepted a document with {what}"
        );
    }
    assert!(!validator.is_valid(&json!([good, 5])));
    assert!(!validator.is_valid(&json!("not a report")));
}

#[test]
fn a_sandboxed_report_validates_and_round_trips() {
    let report = fixtures::sandboxed();
    let text = render(std::slice::from_ref(&report));
    let document: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(errors(&validator(), &document), Vec::<String>::new());
    assert_eq!(
        document["dynamic"]["sandbox"]["project_dir"],
        "/home/user/project"
    );
    assert_eq!(
        serde_json::from_value::<Report>(document).expect("a report"),
        report
    );
    // Reports without a sandboxed run have no `dynamic` key at all.
    let clean: Value = serde_json::from_str(&render(&[fixtures::clean()])).expect("JSON");
    assert!(clean.get("dynamic").is_none());
}
