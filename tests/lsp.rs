//! `redscreen lsp` driven over standard input and output as an editor's client drives it:
//! the handshake, a broken file opened and its problems published where `check` puts them,
//! the fix typed and the problems cleared, the outline, garbage and half-typed text, a request
//! it does not serve, and shutdown. It answers everything and never stops early. Then what an
//! author uses while writing: completion, hover, definition and references, and a playbook.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use redscreen::testing::project_path;

/// A client of the server: writes framed messages, reads them on a thread.
struct Client {
    input: ChildStdin,
    messages: mpsc::Receiver<Value>,
    child: std::process::Child,
}

impl Client {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_redscreen"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let input = child.stdin.take().unwrap();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if output.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(value) = header.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                output.read_exact(&mut body).expect("the whole message");
                let _ = sender.send(serde_json::from_slice(&body).expect("a JSON message"));
            }
        });
        Self { input, messages, child }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.input.flush().unwrap();
    }

    fn request(&mut self, id: u64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|message| message["id"] == id)
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(20))
                .expect("the server answers");
            if wanted(&message) {
                return message;
            }
        }
    }

    fn start_and_initialize() -> Self {
        let mut client = Self::start();
        client.request(1, "initialize", json!({"capabilities": {}, "processId": null}));
        client.notify("initialized", json!({}));
        client
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "ron", "version": 1, "text": text}}),
        );
        self.diagnostics()
    }

    fn change(&mut self, uri: &str, version: u64, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics()
    }

    fn diagnostics(&mut self) -> Vec<Value> {
        let published = self.wait_for(|message| message["method"] == "textDocument/publishDiagnostics");
        published["params"]["diagnostics"].as_array().unwrap().clone()
    }
}

#[test]
fn an_editor_gets_problems_as_it_types_and_the_outline() {
    let mut client = Client::start();
    let initialized = client.request(1, "initialize", json!({"capabilities": {}, "processId": null}));
    assert_eq!(initialized["result"]["capabilities"]["documentSymbolProvider"], true);
    assert_eq!(
        initialized["result"]["capabilities"]["textDocumentSync"], 1,
        "whole texts"
    );
    client.notify("initialized", json!({}));

    // A broken file: its problem where `check` puts it (19:56 there, 18:55 from zero here).
    let path = project_path("tests/fixtures/bad/unknown_subnet.ron");
    let uri = format!("file://{}", path.display());
    let broken = std::fs::read_to_string(&path).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "ron", "version": 1, "text": broken}}),
    );
    let problems = client.diagnostics();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let problem = &problems[0];
    assert_eq!(problem["range"]["start"], json!({"line": 18, "character": 55}));
    assert_eq!(problem["range"]["end"], json!({"line": 18, "character": 60}));
    assert_eq!(problem["code"], "unknown-name");
    assert_eq!(problem["severity"], 1);
    let message = problem["message"].as_str().unwrap();
    assert!(
        message.contains("unknown subnet `wss`") && message.contains("did you mean `ws`?"),
        "{message}"
    );

    // The fix typed: the problems go.
    let fixed = broken.replace("subnet: \"wss\"", "subnet: \"ws\"");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(client.diagnostics(), Vec::<Value>::new());

    // The outline: offices with their subnets and machines, then the injects.
    let outline = client.request(2, "textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let symbols = outline["result"].as_array().expect("a list");
    let names: Vec<&str> = symbols.iter().map(|symbol| symbol["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["hq", "branch", "call", "boss", "press"]);
    let hq: Vec<&str> = symbols[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|child| child["name"].as_str().unwrap())
        .collect();
    assert_eq!(hq, ["ws", "srv", "WS-{n:02}", "MX-01", "BK-01"]);
    assert_eq!(
        symbols[0]["selectionRange"]["start"]["line"], 11,
        "the office's name, on line 12"
    );

    // Garbage and half-typed text: problems, and every request still answered.
    for (version, text) in [(3, "Scenario((((\u{0}é"), (4, &fixed[..fixed.len() / 2]), (5, "")] {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        assert!(!client.diagnostics().is_empty(), "version {version} has problems");
        let outline = client.request(
            10 + version,
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        assert_eq!(outline["result"], json!([]), "no outline of text that does not read");
    }
    let unserved = client.request(
        20,
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(unserved["error"]["code"], -32601, "method not found");
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    assert_eq!(
        client.diagnostics(),
        Vec::<Value>::new(),
        "a closed file's problems are cleared"
    );

    let shutdown = client.request(30, "shutdown", Value::Null);
    assert!(shutdown["error"].is_null(), "{shutdown}");
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("the server exits");
    assert!(status.success(), "{status:?}");
}

/// The protocol position (from zero) of the `nth` occurrence of `needle` in `text`, plus `plus`
/// characters (the texts here are ASCII).
fn position_of(text: &str, needle: &str, nth: usize, plus: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .expect("the needle is in the text")
        .0
        + plus;
    let line = text[..offset].matches('\n').count();
    let column = offset - text[..offset].rfind('\n').map_or(0, |at| at + 1);
    json!({"line": line, "character": column})
}

fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

fn labels(answer: &Value) -> Vec<String> {
    let items = answer["result"]["items"].as_array().expect("a completion list");
    items
        .iter()
        .map(|item| item["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_author_completes_reads_documentation_and_follows_names() {
    let mut client = Client::start_and_initialize();
    let path = project_path("scenarios/tutorial.ron");
    let uri = format!("file://{}", path.display());
    let tutorial = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        client.open(&uri, &tutorial),
        Vec::<Value>::new(),
        "the tutorial is clean"
    );

    // A machine group's subnet: half-typed, the subnets of its own office are offered, named
    // within the office, and what is typed is replaced.
    let half = tutorial.replacen("subnet: \"servers\", role: FileServer", "subnet: \"se", 1);
    assert!(
        !client.change(&uri, 2, &half).is_empty(),
        "half-typed text has problems"
    );
    let cursor = position_of(&half, "subnet: \"se", 0, 11);
    let offered = client.request(2, "textDocument/completion", at(&uri, cursor.clone()));
    assert_eq!(labels(&offered), ["studio", "servers"]);
    let edit = &offered["result"]["items"][1]["textEdit"];
    assert_eq!(edit["newText"], "servers");
    assert_eq!(edit["range"]["end"], cursor);
    assert_eq!(
        edit["range"]["start"]["character"],
        cursor["character"].as_u64().unwrap() - 2
    );

    // A field name where one goes: the fields not yet written, with their documentation.
    let typing_field = tutorial.replacen(
        "(name: \"LAN-BR-BK-01\", subnet: \"servers\", role: BackupServer)",
        "(name: \"LAN-BR-BK-01\", ro",
        1,
    );
    client.change(&uri, 3, &typing_field);
    let cursor = position_of(&typing_field, "\"LAN-BR-BK-01\", ro", 0, 18);
    let offered = client.request(3, "textDocument/completion", at(&uri, cursor));
    let fields = labels(&offered);
    assert!(
        fields.contains(&"role".to_string()) && fields.contains(&"subnet".to_string()),
        "{fields:?}"
    );
    assert!(
        !fields.contains(&"name".to_string()),
        "`name` is written already: {fields:?}"
    );
    let role = offered["result"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["label"] == "role")
        .unwrap();
    assert_eq!(role["textEdit"]["newText"], "role: ");
    let documentation = role["documentation"]["value"].as_str().unwrap();
    assert!(documentation.starts_with("`role`: `Role`"), "{documentation}");

    // A choice's values where one is expected.
    let typing_value = tutorial.replacen("role: BackupServer)", "role: Back", 1);
    client.change(&uri, 4, &typing_value);
    let cursor = position_of(&typing_value, "role: Back", 0, 10);
    let offered = client.request(4, "textDocument/completion", at(&uri, cursor));
    let roles = labels(&offered);
    assert!(
        roles.contains(&"BackupServer".to_string()) && roles.contains(&"Workstation".to_string()),
        "{roles:?}"
    );
    assert_eq!(roles.len(), 11, "every role: {roles:?}");

    // The clean file again: a machine name in a foothold completes from the machines.
    client.change(&uri, 5, &tutorial);
    let typing_host = tutorial.replacen("host: \"LAN-BR-WS-03\"", "host: \"LAN-TO-WS-0", 1);
    client.change(&uri, 6, &typing_host);
    let cursor = position_of(&typing_host, "host: \"LAN-TO-WS-0", 0, 17);
    let offered = client.request(5, "textDocument/completion", at(&uri, cursor));
    assert_eq!(
        labels(&offered),
        [
            "LAN-TO-WS-01",
            "LAN-TO-WS-02",
            "LAN-TO-WS-03",
            "LAN-TO-WS-04",
            "LAN-TO-WS-05",
            "LAN-TO-WS-06",
            "LAN-TO-WS-07",
            "LAN-TO-WS-08"
        ]
    );
    client.change(&uri, 7, &tutorial);

    // Hover: a field's documentation from the reference, a value's, a name's declaration.
    let hover = client.request(
        6,
        "textDocument/hover",
        at(&uri, position_of(&tutorial, "dwell:", 0, 1)),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("`dwell`:"), "{text}");
    let hover = client.request(
        7,
        "textDocument/hover",
        at(&uri, position_of(&tutorial, "DomainController", 0, 3)),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Active Directory"), "{text}");
    let hover = client.request(
        8,
        "textDocument/hover",
        at(&uri, position_of(&tutorial, "After(inject: \"first-call", 0, 17)),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    let declared = tutorial
        .lines()
        .position(|line| line.contains("(name: \"first-call\""))
        .expect("declared")
        + 1;
    assert!(
        text.starts_with(&format!("inject `first-call`, declared on line {declared}")),
        "{text}"
    );
    let hover = client.request(
        9,
        "textDocument/hover",
        at(&uri, position_of(&tutorial, "LAN-BR-WS-03", 0, 3)),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    let group = tutorial
        .lines()
        .position(|line| line.contains("(name: \"LAN-BR-WS-{n:02}\""))
        .expect("declared")
        + 1;
    assert!(
        text.starts_with(&format!("machine `LAN-BR-WS-03`, of the group on line {group}")),
        "{text}"
    );

    // Definition and references of an office.
    let definition = client.request(
        10,
        "textDocument/definition",
        at(&uri, position_of(&tutorial, "office: \"bristol\"", 0, 10)),
    );
    assert_eq!(
        definition["result"][0]["range"]["start"],
        position_of(&tutorial, "name: \"bristol\"", 0, 6)
    );
    assert_eq!(definition["result"][0]["uri"], uri);
    let references = client.request(
        11,
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": position_of(&tutorial, "name: \"bristol\"", 0, 8), "context": {"includeDeclaration": false}}),
    );
    let lines: Vec<u64> = references["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|location| location["range"]["start"]["line"].as_u64().unwrap() + 1)
        .collect();
    let expected: Vec<u64> = tutorial
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            line.contains("\"bristol\"") && !line.contains("name: \"bristol\"") && !line.trim().starts_with("//")
        })
        .map(|(index, _)| index as u64 + 1)
        .collect();
    assert_eq!(lines, expected, "every use of the office, in order");
    assert!(lines.len() >= 3, "{lines:?}");

    // Nothing to say: null, not an error.
    let nothing = client.request(12, "textDocument/hover", at(&uri, json!({"line": 0, "character": 0})));
    assert!(nothing["error"].is_null() && nothing["result"].is_null(), "{nothing}");
    let nowhere = client.request(
        13,
        "textDocument/completion",
        at("file:///not/open.ron", json!({"line": 0, "character": 0})),
    );
    assert!(nowhere["error"].is_null(), "{nowhere}");

    // Every request at every place of a broken file is answered.
    let broken = &tutorial[..tutorial.len() / 3];
    client.change(&uri, 8, broken);
    for (id, line) in (100..).zip(0..broken.lines().count() as u64) {
        for method in [
            "textDocument/completion",
            "textDocument/hover",
            "textDocument/definition",
        ] {
            let answer = client.request(
                id * 10 + method.len() as u64,
                method,
                at(&uri, json!({"line": line, "character": 12})),
            );
            assert!(answer["error"].is_null(), "{method} on line {line}: {answer}");
        }
    }

    client.request(99_999, "shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}

#[test]
fn a_playbook_gets_its_problems_and_completion() {
    let mut client = Client::start_and_initialize();
    let path = project_path("scenarios/playbooks/good.ron");
    let uri = format!("file://{}", path.display());
    let good = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        client.open(&uri, &good),
        Vec::<Value>::new(),
        "the shipped playbook is clean"
    );
    let broken = good.replacen("\"declare incident\"", "\"declare incidnet\"", 1);
    let problems = client.change(&uri, 2, &broken);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0]["range"]["start"],
        position_of(&broken, "incidnet", 0, 0),
        "at the unknown word, as `check` puts it"
    );

    let typing = good.replacen("FirstSeen(AnyAlert)", "FirstSeen(Any", 1);
    client.change(&uri, 3, &typing);
    let offered = client.request(
        2,
        "textDocument/completion",
        at(&uri, position_of(&typing, "FirstSeen(Any", 0, 13)),
    );
    let kinds = labels(&offered);
    assert!(
        kinds.contains(&"AnyAlert".to_string()) && kinds.contains(&"HelpdeskCall".to_string()),
        "{kinds:?}"
    );
}

/// A real editor's client: Neovim (Debian's, 0.7 or later) opens a broken scenario, shows the
/// server's problems where `check` puts them, and completes a subnet. Run by `.ci/run`, which
/// installs Neovim: `cargo test --test lsp -- --ignored`.
#[test]
#[ignore = "needs Neovim"]
fn neovim_shows_the_problems_and_completes() {
    let folder = std::env::temp_dir().join(format!("redscreen-neovim-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let tutorial = std::fs::read_to_string(project_path("scenarios/tutorial.ron")).unwrap();
    let broken = tutorial.replacen(
        "subnet: \"servers\", role: FileServer",
        "subnet: \"srvers\", role: FileServer",
        1,
    );
    let scenario = folder.join("broken.ron");
    std::fs::write(&scenario, &broken).unwrap();
    let result = folder.join("result.json");
    let typo = position_of(&broken, "\"srvers\"", 0, 2);
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-c"])
        .arg(format!(
            "luafile {}",
            project_path("tests/tools/neovim_lsp.lua").display()
        ))
        .arg(&scenario)
        .current_dir(&folder)
        .env("REDSCREEN", env!("CARGO_BIN_EXE_redscreen"))
        .env("RESULT", &result)
        .env("LINE", typo["line"].to_string())
        .env("CHARACTER", typo["character"].to_string())
        .stdin(Stdio::null())
        .status()
        .expect("Neovim runs (apt install neovim)");
    assert!(status.success(), "{status:?}");
    let seen: Value = serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap();
    assert_eq!(seen["published"], true, "{seen}");
    let diagnostics = seen["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{seen}");
    let expected = position_of(&broken, "\"srvers\"", 0, 0);
    assert_eq!(diagnostics[0]["line"], expected["line"]);
    assert_eq!(diagnostics[0]["column"], expected["character"]);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.contains("unknown subnet `srvers`") && message.contains("did you mean `servers`?"),
        "{message}"
    );
    assert_eq!(seen["completion"], json!(["studio", "servers"]), "the office's subnets");
    std::fs::remove_dir_all(&folder).unwrap();
}
