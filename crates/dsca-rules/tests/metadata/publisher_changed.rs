use super::*;

#[test]
fn dsca403_404_publisher_and_maintainers_changed() {
    let fixture = two_versions(
        json!({"_npmUser": {"name": "alice"}, "maintainers": [{"name": "alice"}]}),
        json!({"_npmUser": {"name": "mallory"}, "maintainers": [{"name": "alice"}, {"name": "mallory"}]}),
    );
    assert_yaml_snapshot!("dsca403", fixture.findings("DSCA403"));
    assert_yaml_snapshot!("dsca404", fixture.findings("DSCA404"));
}

#[test]
fn dsca403_404_same_people_or_unknown() {
    let same = json!({"_npmUser": {"name": "alice"}, "maintainers": [{"name": "alice"}]});
    let fixture = two_versions(same.clone(), same);
    assert!(fixture.findings("DSCA403").is_empty());
    assert!(fixture.findings("DSCA404").is_empty());
    let unknown = two_versions(
        json!({}),
        json!({"_npmUser": {"name": "bob"}, "maintainers": ["bob"]}),
    );
    assert!(unknown.findings("DSCA403").is_empty());
    assert!(unknown.findings("DSCA404").is_empty());
}
