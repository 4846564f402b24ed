//! `redscreen lsp`: a language server for scenario and playbook files, over standard input and
//! output. An editor sends the text as it is typed; the server checks it with the loader and
//! sends back its problems (the messages, spans and hints `redscreen check` prints). On request
//! it completes field names, values and declared names, shows a field's or a value's
//! documentation from the format reference and a name's declaration, goes to a name's
//! declaration, finds its references, and outlines the file.
//!
//! It answers every request, whatever the file holds: a request it does not serve gets the
//! protocol's "method not found", and a file that does not read gets its problems.

mod context;
mod document;
mod features;
mod language;
mod outline;
pub mod reference;
mod shape;

use std::collections::HashMap;
use std::error::Error;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References, Request as _};
use lsp_types::{
    CompletionOptions, CompletionResponse, Diagnostic, DocumentSymbolResponse, GotoDefinitionResponse,
    InitializeParams, PublishDiagnosticsParams, ServerCapabilities, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde::de::DeserializeOwned;

pub use document::Document;
use document::offset_of;
pub use features::{completions, hover};
pub use language::{FileKind, Language};

/// Serves one editor on standard input and output until it says `exit`.
pub fn serve_stdio() -> Result<(), Box<dyn Error + Sync + Send>> {
    let (connection, threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    threads.join()?;
    Ok(())
}

/// The open files and what the server knows of their formats.
struct Server {
    documents: HashMap<String, Document>,
    scenario: Language,
    playbook: Language,
}

/// Serves one editor on a connection: the handshake, then every message until shutdown.
pub fn serve(connection: &Connection) -> Result<(), Box<dyn Error + Sync + Send>> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        document_symbol_provider: Some(lsp_types::OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".to_string(), "(".to_string(), ",".to_string()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp_types::OneOf::Left(true)),
        references_provider: Some(lsp_types::OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    let parameters = connection.initialize(serde_json::to_value(capabilities)?)?;
    let _: InitializeParams = serde_json::from_value(parameters).unwrap_or_default();
    let mut server = Server {
        documents: HashMap::new(),
        scenario: Language::new(FileKind::Scenario),
        playbook: Language::new(FileKind::Playbook),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                let response = server.answer(request);
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if let Some(uri) = server.update(notification) {
                    let diagnostics = server
                        .documents
                        .get(&uri)
                        .map(|document| document.diagnostics.clone())
                        .unwrap_or_default();
                    publish(connection, &uri, diagnostics)?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
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

impl Server {
    /// Keeps the editor's text of each open file, checked; returns the file whose problems to
    /// send.
    fn update(&mut self, notification: Notification) -> Option<String> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let opened: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(notification.params).ok()?;
                let uri = opened.text_document.uri.as_str().to_string();
                let document = Document::open(&uri, opened.text_document.text);
                self.documents.insert(uri.clone(), document);
                Some(uri)
            }
            DidChangeTextDocument::METHOD => {
                let changed: lsp_types::DidChangeTextDocumentParams =
                    serde_json::from_value(notification.params).ok()?;
                let uri = changed.text_document.uri.as_str().to_string();
                // The server asks for whole texts: the last change is the file.
                let text = changed.content_changes.into_iter().last()?.text;
                match self.documents.get_mut(&uri) {
                    Some(document) => document.change(&uri, text),
                    None => {
                        self.documents.insert(uri.clone(), Document::open(&uri, text));
                    }
                }
                Some(uri)
            }
            DidCloseTextDocument::METHOD => {
                let closed: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(notification.params).ok()?;
                let uri = closed.text_document.uri.as_str().to_string();
                self.documents.remove(&uri);
                // Closed: its problems are taken off the editor's list.
                Some(uri)
            }
            _ => None,
        }
    }

    /// Answers a request; a request about a file that is not open gets an empty answer.
    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        match request.method.as_str() {
            DocumentSymbolRequest::METHOD => {
                let symbols = parameters::<lsp_types::DocumentSymbolParams>(&request)
                    .and_then(|parameters| self.documents.get(parameters.text_document.uri.as_str()))
                    .filter(|document| document.kind == FileKind::Scenario)
                    .map(|document| outline::outline(&document.text))
                    .unwrap_or_default();
                Response::new_ok(id, DocumentSymbolResponse::Nested(symbols))
            }
            Completion::METHOD => {
                let answer = self.at_position(&request, |document, language, _, offset| {
                    let (items, incomplete) = features::completions(document, language, offset);
                    CompletionResponse::List(lsp_types::CompletionList {
                        is_incomplete: incomplete,
                        items,
                    })
                });
                respond(id, answer)
            }
            HoverRequest::METHOD => {
                let answer = self.at_position(&request, |document, language, _, offset| {
                    features::hover(document, language, offset)
                });
                respond(id, answer.flatten())
            }
            GotoDefinition::METHOD => {
                let answer = self.at_position(&request, |document, _, uri, offset| {
                    GotoDefinitionResponse::Array(features::definition(document, uri, offset))
                });
                respond(id, answer)
            }
            References::METHOD => {
                let with_declaration = parameters::<lsp_types::ReferenceParams>(&request)
                    .is_some_and(|parameters| parameters.context.include_declaration);
                let answer = self.at_position(&request, |document, _, uri, offset| {
                    features::references(document, uri, offset, with_declaration)
                });
                respond(id, answer)
            }
            method => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("redscreen's language server does not serve `{method}`"),
            ),
        }
    }

    /// Runs `feature` at the request's place in its file, if the file is open.
    fn at_position<T>(
        &self,
        request: &Request,
        feature: impl FnOnce(&Document, &Language, &Uri, usize) -> T,
    ) -> Option<T> {
        let place = parameters::<TextDocumentPositionParams>(request)?;
        let document = self.documents.get(place.text_document.uri.as_str())?;
        let language = match document.kind {
            FileKind::Scenario => &self.scenario,
            FileKind::Playbook => &self.playbook,
        };
        let offset = offset_of(&document.text, place.position);
        Some(feature(document, language, &place.text_document.uri, offset))
    }
}

/// A request's parameters; the position requests all start with the text document and place.
fn parameters<T: DeserializeOwned>(request: &Request) -> Option<T> {
    serde_json::from_value(request.params.clone()).ok()
}

/// An answer, or the protocol's `null` when there is none.
fn respond<T: serde::Serialize>(id: RequestId, answer: Option<T>) -> Response {
    match answer {
        Some(answer) => Response::new_ok(id, answer),
        None => Response::new_ok(id, serde_json::Value::Null),
    }
}
