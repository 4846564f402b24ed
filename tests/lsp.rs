//! `redscreen lsp` driven over standard input and output as an editor's client drives it:
//! the handshake, a broken file opened and its problems published where `check` puts them,
//! the fix typed and the problems cleared, the outline, garbage and half-typed text, a request
//! it does not serve, and shutdown. It answers everything and never stops early.

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
