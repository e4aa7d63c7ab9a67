//! The HTTP service as an OpenAPI 3.1 document (`GET /v1/openapi.json`, `aftercare schema
//! openapi`), built from the JSON Schemas the binary already writes, so that the document
//! and the service cannot drift apart. Each schema's `$defs` become components of their own
//! (`Case.case`, `Result.finding`...), with every `#/$defs/...` reference rewritten to
//! point there: a tool that resolves references from the document's root finds them.

use serde_json::{json, Map, Value};

use aftercare_core::model::Disposition;
use aftercare_core::rules::RuleSet;

/// Moves `schema`'s `$defs` into `components` as `NAME.DEF`, rewrites its references, and
/// adds the schema itself as `NAME` (without `$id` and `$schema`: the document is their
/// resource).
fn add_component(components: &mut Map<String, Value>, name: &str, mut schema: Value) {
    fn rewrite(v: &mut Value, name: &str) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get_mut("$ref") {
                    if let Some(def) = r.strip_prefix("#/$defs/") {
                        *r = format!("#/components/schemas/{name}.{def}");
                    }
                }
                for child in m.values_mut() {
                    rewrite(child, name);
                }
            }
            Value::Array(items) => {
                for child in items {
                    rewrite(child, name);
                }
            }
            _ => {}
        }
    }
    rewrite(&mut schema, name);
    if let Value::Object(m) = &mut schema {
        m.remove("$id");
        m.remove("$schema");
        if let Some(Value::Object(defs)) = m.remove("$defs") {
            for (def, body) in defs {
                components.insert(format!("{name}.{def}"), body);
            }
        }
    }
    components.insert(name.to_string(), schema);
}

fn json_content(schema: &str) -> Value {
    json!({ "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } })
}

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": json_content("Error") })
}

/// A problem with the request itself: `{"error": {"kind": "request", "message": ...}}`.
fn request_error() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["kind", "message"],
                "properties": {
                    "kind": { "const": "request" },
                    "message": { "type": "string" }
                }
            }
        }
    })
}

fn request_problem(description: &str) -> Value {
    json!({ "description": description, "content": json_content("RequestError") })
}

/// The OpenAPI 3.1 document of `aftercare serve`'s JSON API.
pub fn document(rules: &RuleSet) -> Value {
    let codes: Vec<&str> = Disposition::ALL.iter().map(|d| d.code()).collect();
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "aftercare",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Symptom triage after micro-needling, over HTTP: the same cases, results and error records as `aftercare check`. Rule set {} {}. Dispositions, most urgent first: {}.",
                rules.name, rules.version, codes.iter().rev().cloned().collect::<Vec<_>>().join(", ")
            ),
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }, {}],
        "paths": {
            "/v1/check": check_path(),
            "/v1/advice": advice_path(),
            "/v1/rules": rules_path(),
            "/v1/schema/{which}": schema_path(),
            "/v1/openapi.json": openapi_path(),
            "/healthz": healthz_path(),
            "/readyz": readyz_path()
        },
        "components": {
            "schemas": Value::Object(component_schemas(rules)),
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "The token of `serve --token-file`, when one is set." }
            }
        }
    })
}

/// The document's schemas: the case, the result and the error record with their
/// definitions, and the shapes only the service has (a request error, the compact result,
/// a FHIR resource, an advice request).
fn component_schemas(rules: &RuleSet) -> Map<String, Value> {
    let mut components = Map::new();
    add_component(&mut components, "Case", super::schema::case(rules));
    add_component(&mut components, "Result", super::schema::result(rules));
    add_component(&mut components, "Error", super::schema::error(rules));
    components.insert("RequestError".into(), request_error());
    components.insert(
        "CompactResult".into(),
        json!({
            "type": "object",
            "description": "One result of `aftercare check --format compact`.",
            "required": ["format", "disposition", "findings", "rule_set"],
            "properties": {
                "format": { "const": "aftercare-result-1" },
                "disposition": { "enum": Disposition::ALL.iter().map(|d| d.code()).collect::<Vec<_>>() }
            }
        }),
    );
    components.insert(
        "FhirResource".into(),
        json!({
            "type": "object",
            "description": "A FHIR R4 resource: a Bundle per case, an OperationOutcome for a case not read (?format=fhir).",
            "required": ["resourceType"],
            "properties": { "resourceType": { "enum": ["Bundle", "OperationOutcome"] } }
        }),
    );
    components.insert(
        "AdviceRequest".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Exactly one of day and treated.",
            "oneOf": [{ "required": ["day"] }, { "required": ["treated"] }],
            "properties": {
                "day": { "type": "number", "minimum": 0, "description": "Days since the treatment." },
                "treated": { "type": "string", "description": "When the treatment was, as `aftercare advice --treated` reads it." },
                "topic": { "type": "string", "description": "One topic of the aftercare (makeup, exercise, sun...)." }
            }
        }),
    );
    components
}

/// The answer of a server too busy, or too slow, to answer.
fn busy() -> Value {
    request_problem("too many requests at once, or the answer took too long: try again")
}

/// `POST /v1/check`: one case, or a stream of them.
fn check_path() -> Value {
    // A refusal of a case is an error record, or (?format=fhir) a FHIR OperationOutcome; a
    // refusal of the request itself is a request error.
    let refusal = json!({ "anyOf": [
        { "$ref": "#/components/schemas/Error" },
        { "$ref": "#/components/schemas/RequestError" },
        { "$ref": "#/components/schemas/FhirResource" }
    ] });
    let check_responses = json!({
        "200": {
            "description": "The result (one case), or one result or error record a line (a stream): as ?format asks, the full result, the compact one, or a FHIR R4 Bundle.",
            "content": {
                "application/json": { "schema": { "anyOf": [
                    { "$ref": "#/components/schemas/Result" },
                    { "$ref": "#/components/schemas/CompactResult" },
                    { "$ref": "#/components/schemas/FhirResource" }
                ] } },
                "application/x-ndjson": { "schema": { "type": "string" } }
            }
        },
        "400": { "description": "The body is not JSON (cut off on the way too: an error record with at_least when what arrived needs more than home care), or an unknown or repeated format or parameter.", "content": {
            "application/json": { "schema": refusal.clone() } } },
        "401": request_problem("no bearer token, or a wrong one"),
        "408": { "description": "A single case's body did not arrive whole in time: an error record with at_least when what arrived needs more than home care, else a request error.", "content": {
            "application/json": { "schema": refusal.clone() } } },
        "413": request_problem("the body is larger than the limit"),
        "415": request_problem("neither application/json nor application/x-ndjson"),
        "422": { "description": "The case cannot be read: an error record (with at_least when what could be read needs more than home care).", "content": {
            "application/json": { "schema": refusal } } },
        "503": busy(),
    });
    json!({
        "post": {
            "summary": "Triage one case (application/json) or a stream of cases, one a line (application/x-ndjson).",
            "operationId": "check",
            "parameters": [{
                "name": "format", "in": "query", "required": false,
                "schema": { "enum": ["json", "compact", "fhir"] }
            }],
            "requestBody": {
                "required": true,
                "content": {
                    "application/json": { "schema": { "$ref": "#/components/schemas/Case" } },
                    "application/x-ndjson": { "schema": { "type": "string" } }
                }
            },
            "responses": check_responses
        }
    })
}

/// `POST /v1/advice`: the aftercare for a day.
fn advice_path() -> Value {
    json!({
        "post": {
            "summary": "The aftercare for a day, as `aftercare advice --format json`.",
            "operationId": "advice",
            "requestBody": { "required": true, "content": json_content("AdviceRequest") },
            "responses": {
                "200": { "description": "The advice.", "content": { "application/json": { "schema": { "type": "object" } } } },
                "400": error_response("the body is not JSON"),
                "401": request_problem("no bearer token, or a wrong one"),
                "413": request_problem("the body is larger than the limit"),
                "415": request_problem("not application/json"),
                "422": error_response("not exactly one of day and treated, or a value out of range"),
                "503": busy()
            }
        }
    })
}

/// `GET /v1/rules`: the rule set in use.
fn rules_path() -> Value {
    json!({
        "get": {
            "summary": "The rule set in use: its name, version and sources.",
            "operationId": "rules",
            "responses": {
                "200": { "description": "The rule set.", "content": { "application/json": { "schema": { "type": "object" } } } },
                "400": request_problem("a query parameter, which this route does not take"),
                "401": request_problem("no bearer token, or a wrong one"),
                "503": busy()
            }
        }
    })
}

/// `GET /v1/schema/{which}`: one of the JSON Schemas.
fn schema_path() -> Value {
    json!({
        "get": {
            "summary": "A JSON Schema (2020-12) the service's documents follow.",
            "operationId": "schema",
            "parameters": [{
                "name": "which", "in": "path", "required": true,
                "schema": { "enum": ["case", "result", "error", "record", "rules"] }
            }],
            "responses": {
                "200": { "description": "The schema.", "content": { "application/schema+json": { "schema": { "type": "object" } } } },
                "400": request_problem("a query parameter, which this route does not take"),
                "401": request_problem("no bearer token, or a wrong one"),
                "404": request_problem("no such schema"),
                "503": busy()
            }
        }
    })
}

/// `GET /v1/openapi.json`: this document.
fn openapi_path() -> Value {
    json!({
        "get": {
            "summary": "This document.",
            "operationId": "openapi",
            "responses": {
                "200": { "description": "The OpenAPI 3.1 document.", "content": { "application/json": { "schema": { "type": "object" } } } },
                "400": request_problem("a query parameter, which this route does not take"),
                "401": request_problem("no bearer token, or a wrong one"),
                "503": busy()
            }
        }
    })
}

/// `GET /healthz`: the process is up.
fn healthz_path() -> Value {
    json!({
        "get": {
            "summary": "The process is up (never touches the store).",
            "operationId": "healthz",
            "security": [{}],
            "responses": {
                "200": { "description": "Up.", "content": { "application/json": { "schema": { "type": "object", "required": ["status"], "properties": { "status": { "const": "up" } } } } } },
                "400": request_problem("a query parameter, which this route does not take")
            }
        }
    })
}

/// `GET /readyz`: the server takes requests.
fn readyz_path() -> Value {
    json!({
        "get": {
            "summary": "The server takes requests: rules checked, store reachable, not stopping.",
            "operationId": "readyz",
            "security": [{}],
            "responses": {
                "200": { "description": "Ready.", "content": { "application/json": { "schema": { "type": "object", "required": ["status"], "properties": { "status": { "const": "ready" } } } } } },
                "400": request_problem("a query parameter, which this route does not take"),
                "503": { "description": "Stopping, or the store does not answer.", "content": { "application/json": { "schema": { "type": "object", "required": ["status"], "properties": { "status": { "enum": ["stopping", "store unreachable"] } } } } } }
            }
        }
    })
}
