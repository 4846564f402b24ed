//! `redscreen lsp`: a language server for scenario files, over standard input and output. An
//! editor sends the text as it is typed; the server checks it with the scenario loader and
//! sends back its problems (the messages, spans and hints `redscreen check` prints) and, on
//! request, the outline of the file: offices, their subnets and machines, and the injects.
//!
//! It answers every request, whatever the file holds: a request it does not serve gets the
//! protocol's "method not found", and a file that does not read gets its problems.

use std::collections::HashMap;
use std::error::Error;
use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{DocumentSymbolRequest, Request as _};
use lsp_types::{
    Diagnostic, DiagnosticSeverity, DocumentSymbol, DocumentSymbolResponse, InitializeParams, Position,
    PublishDiagnosticsParams, Range, ServerCapabilities, SymbolKind, TextDocumentSyncCapability, TextDocumentSyncKind,
    Uri,
};

use crate::scenario::source_map::{SourceMap, Step};
use crate::scenario::{Limits, LoadError, Origin, file, load_str};

/// Serves one editor on standard input and output until it says `exit`.
pub fn serve_stdio() -> Result<(), Box<dyn Error + Sync + Send>> {
    let (connection, threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    threads.join()?;
    Ok(())
}

/// Serves one editor on a connection: the handshake, then every message until shutdown.
pub fn serve(connection: &Connection) -> Result<(), Box<dyn Error + Sync + Send>> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        document_symbol_provider: Some(lsp_types::OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    let parameters = connection.initialize(serde_json::to_value(capabilities)?)?;
    let _: InitializeParams = serde_json::from_value(parameters).unwrap_or_default();
    let mut documents: HashMap<String, String> = HashMap::new();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                let response = answer(&documents, request);
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if let Some(uri) = update(&mut documents, notification) {
                    let diagnostics = documents
                        .get(&uri)
                        .map(|text| diagnostics(&uri, text))
                        .unwrap_or_default();
                    publish(connection, &uri, diagnostics)?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// Keeps the editor's text of each open file; returns the file whose problems to send.
fn update(documents: &mut HashMap<String, String>, notification: Notification) -> Option<String> {
    match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let opened: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(notification.params).ok()?;
            let uri = opened.text_document.uri.as_str().to_string();
            documents.insert(uri.clone(), opened.text_document.text);
            Some(uri)
        }
        DidChangeTextDocument::METHOD => {
            let changed: lsp_types::DidChangeTextDocumentParams = serde_json::from_value(notification.params).ok()?;
            let uri = changed.text_document.uri.as_str().to_string();
            // The server asks for whole texts: the last change is the file.
            let text = changed.content_changes.into_iter().last()?.text;
            documents.insert(uri.clone(), text);
            Some(uri)
        }
        DidCloseTextDocument::METHOD => {
            let closed: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(notification.params).ok()?;
            let uri = closed.text_document.uri.as_str().to_string();
            documents.remove(&uri);
            // Closed: its problems are taken off the editor's list.
            Some(uri)
        }
        _ => None,
    }
}

fn publish(
    connection: &Connection,
    uri: &str,
    diagnostics: Vec<Diagnostic>,
) -> Result<(), Box<dyn Error + Sync + Send>> {
    let Ok(uri) = uri.parse::<Uri>() else { return Ok(()) };
    let parameters = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    let notification = Notification::new(PublishDiagnostics::METHOD.to_string(), parameters);
    connection.sender.send(Message::Notification(notification))?;
    Ok(())
}

/// Answers a request: the outline, or "method not found" for what the server does not serve.
fn answer(documents: &HashMap<String, String>, request: Request) -> Response {
    match request.method.as_str() {
        DocumentSymbolRequest::METHOD => {
            let parameters: Result<lsp_types::DocumentSymbolParams, _> = serde_json::from_value(request.params);
            let symbols = parameters
                .ok()
                .and_then(|parameters| documents.get(parameters.text_document.uri.as_str()))
                .map(|text| outline(text))
                .unwrap_or_default();
            Response::new_ok(request.id, DocumentSymbolResponse::Nested(symbols))
        }
        method => Response::new_err(
            request.id,
            ErrorCode::MethodNotFound as i32,
            format!("redscreen's language server does not serve `{method}`"),
        ),
    }
}

/// The file's folder and name from its address, as `check` would name them.
fn origin_of(uri: &str) -> Origin {
    let path = uri.strip_prefix("file://").map(percent_decoded).map(PathBuf::from);
    Origin {
        name: path.as_ref().map_or(uri.to_string(), |path| path.display().to_string()),
        folder: path.as_ref().and_then(|path| path.parent().map(PathBuf::from)),
    }
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok());
        match (bytes[at], hex.and_then(|pair| u8::from_str_radix(pair, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The problems `check` finds in the text, as the editor shows them.
pub fn diagnostics(uri: &str, text: &str) -> Vec<Diagnostic> {
    let report = match load_str(text, &origin_of(uri), &Limits::default()) {
        Ok(_) => return Vec::new(),
        Err(LoadError::Invalid(report)) => report,
        Err(other) => {
            return vec![Diagnostic {
                message: other.to_string(),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("redscreen".to_string()),
                ..Diagnostic::default()
            }];
        }
    };
    report
        .problems
        .iter()
        .map(|problem| {
            let (end_line, end_column) = report.end_of(problem);
            let mut message = problem.kind.to_string();
            if let Some(hint) = &problem.hint {
                message = format!("{message}\nhint: {hint}");
            }
            Diagnostic {
                range: Range {
                    start: position(&report.source, problem.location.line, problem.location.column),
                    end: position(&report.source, end_line, end_column),
                },
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(lsp_types::NumberOrString::String(problem.kind.code().to_string())),
                source: Some("redscreen".to_string()),
                message,
                ..Diagnostic::default()
            }
        })
        .collect()
}

/// A 1-based line and column in characters of `text` as the protocol counts: from 0, in
/// UTF-16 units.
fn position(text: &str, line: usize, column: usize) -> Position {
    let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    let units: usize = line_text
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf16)
        .sum();
    Position::new(line.saturating_sub(1) as u32, units as u32)
}

/// The outline: offices with their subnets and machines, then the injects. Empty when the
/// file does not read as a scenario yet.
pub fn outline(text: &str) -> Vec<DocumentSymbol> {
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let Ok(scenario) = options.from_str::<file::ScenarioFile>(text) else {
        return Vec::new();
    };
    let map = SourceMap::new(text);
    let range = |path: &[Step]| {
        let span = map.span(path);
        let (start_line, start_column) = map.line_column(text, span.start);
        let (end_line, end_column) = map.line_column(text, span.end);
        Range::new(
            position(text, start_line, start_column),
            position(text, end_line, end_column),
        )
    };
    #[expect(deprecated, reason = "lsp-types requires the deprecated field to be given")]
    let symbol = |name: &str, detail: String, kind: SymbolKind, whole: Vec<Step>, children: Vec<DocumentSymbol>| {
        let mut name_path = whole.clone();
        name_path.push(Step::Field("name"));
        DocumentSymbol {
            name: name.to_string(),
            detail: Some(detail),
            kind,
            tags: None,
            deprecated: None,
            range: range(&whole),
            selection_range: range(&name_path),
            children: (!children.is_empty()).then_some(children),
        }
    };
    let mut symbols = Vec::new();
    for (office_index, office) in scenario.offices.iter().enumerate() {
        let office_path = vec![Step::Field("offices"), Step::Index(office_index)];
        let mut children = Vec::new();
        for (index, subnet) in office.subnets.iter().enumerate() {
            let mut path = office_path.clone();
            path.extend([Step::Field("subnets"), Step::Index(index)]);
            children.push(symbol(
                &subnet.name,
                subnet.cidr.clone(),
                SymbolKind::NAMESPACE,
                path,
                Vec::new(),
            ));
        }
        for (index, group) in office.hosts.iter().enumerate() {
            let mut path = office_path.clone();
            path.extend([Step::Field("hosts"), Step::Index(index)]);
            let detail = format!("{} × {:?} in {}", group.count, group.role, group.subnet);
            children.push(symbol(&group.name, detail, SymbolKind::OBJECT, path, Vec::new()));
        }
        symbols.push(symbol(
            &office.name,
            office.time_zone.clone(),
            SymbolKind::MODULE,
            office_path,
            children,
        ));
    }
    for (index, inject) in scenario.injects.iter().enumerate() {
        let path = vec![Step::Field("injects"), Step::Index(index)];
        symbols.push(symbol(
            &inject.name,
            inject.subject.clone(),
            SymbolKind::EVENT,
            path,
            Vec::new(),
        ));
    }
    symbols
}
