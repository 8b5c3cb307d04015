//! The checker's independence, as the build sees it: its only dependencies are rug (GMP,
//! MPFR), serde, serde_json and thiserror, so it cannot import the e-graph, the searches, the
//! loaders, BLAS or plotting, and it has no path dependency on the producer.

#[test]
fn the_checker_depends_only_on_its_arithmetic_and_parsing() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let mut section = String::new();
    let mut deps = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
        } else if section == "[dependencies]" && !line.is_empty() && !line.starts_with('#') {
            deps.push(line.split(['=', ' ']).next().unwrap().to_string());
        }
    }
    assert_eq!(
        deps,
        ["rug", "serde", "serde_json", "thiserror"],
        "{manifest}"
    );
    assert!(
        !manifest.contains("path ="),
        "no path dependency on the producer"
    );
    for banned in [
        "egg",
        "faer",
        "plotters",
        "npyz",
        "safetensors",
        "libloading",
        "critcert =",
    ] {
        assert!(
            !manifest.lines().any(|l| l.trim_start().starts_with(banned)),
            "{banned}"
        );
    }
}
