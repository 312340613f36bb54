use crate::fixtures;
use dsca_model::Report;
use dsca_report::write_sarif;
use serde_json::{Value, json};

/// The official OASIS SARIF 2.1.0 schema; see tests/data/README.md for where it came from.
const SARIF_SCHEMA: &str = include_str!("../data/sarif-schema-2.1.0.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SARIF_SCHEMA).expect("the SARIF schema is JSON");
    // The schema declares draft-04; only internal `#/definitions/...` references are
    // used, so nothing is resolved over the network.
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn render(reports: &[Report]) -> String {
    let mut out = Vec::new();
    write_sarif(&mut out, reports, &fixtures::rules(), "0.1.0-test").expect("Vec cannot fail");
    String::from_utf8(out).expect("SARIF is UTF-8")
}

fn errors(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn snapshot_sarif_for_all_reports() {
    insta::assert_snapshot!(render(&fixtures::all()));
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = validator();
    for reports in [
        fixtures::all(),
        vec![fixtures::clean()],
        vec![fixtures::failed()],
        vec![],
    ] {
        let document: Value = serde_json::from_str(&render(&reports)).expect("valid JSON");
        assert_eq!(
            errors(&validator, &document),
            Vec::<String>::new(),
            "{document:#}"
        );
    }
}

#[test]
fn the_sarif_schema_rejects_invalid_documents() {
    let validator = validator();
    let good: Value = serde_json::from_str(&render(&fixtures::all())).expect("valid JSON");
    assert!(validator.is_valid(&good));

    let mutations: [fixtures::Mutation; 5] = [
        ("wrong version", |d| d["version"] = json!("2.0.0")),
        ("bad level", |d| {
            d["runs"][0]["results"][0]["level"] = json!("fatal")
        }),
        ("line 0", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                json!(0)
        }),
        ("unknown result property", |d| {
            d["runs"][0]["results"][0]["surprise"] = json!(1)
        }),
        ("driver without name", |d| {
            d["runs"][0]["tool"]["driver"]
                .as_object_mut()
                .map(|o| o.remove("name"));
        }),
    ];
    for (what, mutate) in mutations {
        let mut broken = good.clone();
        mutate(&mut broken);
        assert!(
            !validator.is_valid(&broken),
            "schema accepted SARIF with {what}"
        );
    }
}

#[test]
fn results_point_at_rules_and_distinct_packages() {
    let document: Value = serde_json::from_str(&render(&fixtures::all())).expect("valid JSON");
    let run = &document["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    // The four rules passed in, then one synthesised for DSCA805, which was not passed.
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["DSCA101", "DSCA102", "DSCA301", "DSCA201", "DSCA805"]);
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(uri.starts_with("@evil/utils@2.0.1/"), "{uri}");
    }
    assert_eq!(rules[2]["defaultConfiguration"]["level"], "error");
    assert_eq!(rules[2]["properties"]["security-severity"], "9.5");
    assert_eq!(rules[4]["defaultConfiguration"]["level"], "note");

    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["descriptor"]["id"],
        "not-found"
    );
}

#[test]
fn sarif_is_deterministic_and_fingerprints_are_stable() {
    let first = render(&fixtures::all());
    assert_eq!(first, render(&fixtures::all()));
    let document: Value = serde_json::from_str(&first).expect("valid JSON");
    let fingerprints: Vec<&Value> = document["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["partialFingerprints"]["dscaFinding/v1"])
        .collect();
    let mut unique = fingerprints.clone();
    unique.dedup();
    assert_eq!(unique.len(), fingerprints.len());
}

#[test]
fn clean_run_is_successful_without_notifications() {
    let document: Value = serde_json::from_str(&render(&[fixtures::clean()])).expect("valid JSON");
    let invocation = &document["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert!(invocation.get("toolExecutionNotifications").is_none());
    assert_eq!(document["runs"][0]["results"], json!([]));
}

#[test]
fn dynamic_findings_point_at_the_manifest() {
    let mut rules = fixtures::rules();
    rules.push(&fixtures::CREDENTIAL_EXFILTRATION);
    let mut out = Vec::new();
    write_sarif(&mut out, &[fixtures::sandboxed()], &rules, "0.1.0-test").expect("Vec");
    let document: Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(errors(&validator(), &document), Vec::<String>::new());
    let result = &document["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "DSCA1009");
    let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert!(
        uri.as_str().is_some_and(|u| u.ends_with("package.json")),
        "{result:#}"
    );
}
