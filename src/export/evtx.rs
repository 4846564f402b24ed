//! Windows event logs as Windows writes them: EVTX (MS-EVEN6; libyal's libevtx notes). A file
//! is a 4 KiB header and 64 KiB chunks; a chunk holds records in binary XML and, for them, its
//! own tables of element names and templates. Each shape of event (its provider and its
//! `EventData` names) is a template defined once per chunk, in the first record that uses it;
//! every record is an instance of one: its values are substitutions, as in Windows' own logs.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::checksum::Fnv1a;
use crate::sim::WindowsEvent;

const FILE_HEADER_SIZE: usize = 4096;
const CHUNK_SIZE: usize = 65536;
const CHUNK_HEADER_SIZE: usize = 512;
/// Seconds from 1601 (Windows' epoch) to 1970.
const FILETIME_EPOCH_OFFSET: i64 = 11_644_473_600;
const EVENT_NAMESPACE: &str = "http://schemas.microsoft.com/win/2004/08/events/event";

/// An event as it goes into a log: its record id, when it was written (seconds since 1970),
/// the machine that logged it.
pub struct LoggedEvent<'a> {
    pub record_id: u64,
    pub written: i64,
    pub computer: &'a str,
    pub event: &'a WindowsEvent,
}

/// Writes `events`, in the order given, as one EVTX file.
pub fn write_evtx(events: &[LoggedEvent], out: &mut dyn Write) -> io::Result<()> {
    let mut chunks: Vec<Chunk> = Vec::new();
    for event in events {
        if let Some(chunk) = chunks.last_mut()
            && chunk.append(event)
        {
            continue;
        }
        let mut chunk = Chunk::new();
        if !chunk.append(event) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("event record {} does not fit in an EVTX chunk", event.record_id),
            ));
        }
        chunks.push(chunk);
    }
    let next_record_id = events.iter().map(|event| event.record_id + 1).max().unwrap_or(1);
    out.write_all(&file_header(chunks.len(), next_record_id))?;
    for chunk in chunks {
        out.write_all(&chunk.finish())?;
    }
    Ok(())
}

fn file_header(chunks: usize, next_record_id: u64) -> Vec<u8> {
    let mut header = vec![0u8; FILE_HEADER_SIZE];
    header[0..8].copy_from_slice(b"ElfFile\0");
    put_u64(&mut header, 8, 0); // first chunk
    put_u64(&mut header, 16, chunks.saturating_sub(1) as u64); // last chunk
    put_u64(&mut header, 24, next_record_id);
    put_u32(&mut header, 32, 128); // header size
    put_u16(&mut header, 36, 1); // minor version
    put_u16(&mut header, 38, 3); // major version
    put_u16(&mut header, 40, FILE_HEADER_SIZE as u16);
    put_u16(&mut header, 42, chunks as u16);
    // Flags (offset 120) stay 0: the log was closed cleanly and is not full.
    let checksum = crc32(&header[..120]);
    put_u32(&mut header, 124, checksum);
    header
}

/// A template's shape: the events that share it differ only in their values.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Shape {
    provider: &'static str,
    data_names: Vec<&'static str>,
}

struct Chunk {
    data: Vec<u8>,
    /// Element and attribute names already written, by their text.
    names: HashMap<&'static str, u32>,
    templates: HashMap<Shape, (u32, u32)>,
    string_buckets: [u32; 64],
    template_buckets: [u32; 32],
    first_record_id: Option<u64>,
    last_record_id: u64,
    last_record_offset: u32,
}

impl Chunk {
    fn new() -> Self {
        let mut data = vec![0u8; CHUNK_HEADER_SIZE];
        data.reserve(CHUNK_SIZE - CHUNK_HEADER_SIZE);
        Chunk {
            data,
            names: HashMap::new(),
            templates: HashMap::new(),
            string_buckets: [0; 64],
            template_buckets: [0; 32],
            first_record_id: None,
            last_record_id: 0,
            last_record_offset: 0,
        }
    }

    /// Appends a record; false, and the chunk unchanged, when it does not fit.
    fn append(&mut self, logged: &LoggedEvent) -> bool {
        let start = self.data.len();
        let (string_buckets, template_buckets) = (self.string_buckets, self.template_buckets);
        self.data.extend_from_slice(b"**\0\0");
        self.data.extend_from_slice(&[0; 4]); // size, once known
        self.data.extend_from_slice(&logged.record_id.to_le_bytes());
        self.data.extend_from_slice(&filetime(logged.written).to_le_bytes());
        self.write_binxml(logged);
        let size = (self.data.len() - start + 4) as u32;
        self.data.extend_from_slice(&size.to_le_bytes());
        if self.data.len() > CHUNK_SIZE {
            // Forget what this record defined: it goes into the next chunk.
            self.data.truncate(start);
            self.names.retain(|_, offset| (*offset as usize) < start);
            self.templates.retain(|_, (_, offset)| (*offset as usize) < start);
            (self.string_buckets, self.template_buckets) = (string_buckets, template_buckets);
            return false;
        }
        put_u32(&mut self.data, start + 4, size);
        self.first_record_id.get_or_insert(logged.record_id);
        self.last_record_id = logged.record_id;
        self.last_record_offset = start as u32;
        true
    }

    /// The record's binary XML: a fragment header, then an instance of the event's template
    /// (defined here when the chunk has not seen it) and the values it substitutes.
    fn write_binxml(&mut self, logged: &LoggedEvent) {
        let event = logged.event;
        let shape = Shape {
            provider: event.provider,
            data_names: event.data.iter().map(|(name, _)| *name).collect(),
        };
        self.data.extend_from_slice(&[0x0f, 0x01, 0x01, 0x00]);
        self.data.push(0x0c);
        self.data.push(0x01);
        let instance = self.data.len();
        self.data.extend_from_slice(&[0; 8]); // template id and offset
        let (id, offset) = match self.templates.get(&shape) {
            Some(known) => *known,
            None => {
                let offset = self.data.len() as u32;
                let id = self.write_template(&shape);
                self.templates.insert(shape, (id, offset));
                (id, offset)
            }
        };
        put_u32(&mut self.data, instance, id);
        put_u32(&mut self.data, instance + 4, offset);
        // Values, in the order the template numbers them.
        let mut values: Vec<(u8, Vec<u8>)> = vec![
            (0x06, event.event_id.to_le_bytes().to_vec()),
            (0x11, filetime(logged.written).to_le_bytes().to_vec()),
            (0x0a, logged.record_id.to_le_bytes().to_vec()),
            (0x01, utf16(event.channel.name())),
            (0x01, utf16(logged.computer)),
        ];
        values.extend(event.data.iter().map(|(_, value)| (0x01, utf16(value))));
        self.data.extend_from_slice(&(values.len() as u32).to_le_bytes());
        for (kind, bytes) in &values {
            self.data.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
            self.data.push(*kind);
            self.data.push(0);
        }
        for (_, bytes) in values {
            self.data.extend_from_slice(&bytes);
        }
    }

    /// A template definition where the chunk now ends; returns its id.
    fn write_template(&mut self, shape: &Shape) -> u32 {
        let key = format!("{}|{}", shape.provider, shape.data_names.join(","));
        let id = Fnv1a::of(key.as_bytes()) as u32;
        let offset = self.data.len() as u32;
        let bucket = (id % 32) as usize;
        self.data
            .extend_from_slice(&self.template_buckets[bucket].to_le_bytes());
        self.template_buckets[bucket] = offset;
        self.data.extend_from_slice(&id.to_le_bytes());
        self.data
            .extend_from_slice(&Fnv1a::of(format!("{key}/guid").as_bytes()).to_le_bytes());
        self.data.extend_from_slice(&[0; 4]);
        self.data.extend_from_slice(&[0; 4]); // data size, once known
        let body = self.data.len();
        self.data.extend_from_slice(&[0x0f, 0x01, 0x01, 0x00]);
        self.element("Event", &[("xmlns", Value::Text(EVENT_NAMESPACE))], |chunk| {
            chunk.element("System", &[], |chunk| {
                chunk.empty_element("Provider", &[("Name", Value::Text(shape.provider))]);
                chunk.element("EventID", &[], |chunk| chunk.substitution(0, 0x06));
                chunk.empty_element("TimeCreated", &[("SystemTime", Value::Substitution(1, 0x11))]);
                chunk.element("EventRecordID", &[], |chunk| chunk.substitution(2, 0x0a));
                chunk.element("Channel", &[], |chunk| chunk.substitution(3, 0x01));
                chunk.element("Computer", &[], |chunk| chunk.substitution(4, 0x01));
            });
            chunk.element("EventData", &[], |chunk| {
                for (index, name) in shape.data_names.iter().enumerate() {
                    chunk.element("Data", &[("Name", Value::Text(name))], |chunk| {
                        chunk.substitution(5 + index as u16, 0x01)
                    });
                }
            });
        });
        self.data.push(0x00); // end of the fragment
        let size = (self.data.len() - body) as u32;
        put_u32(&mut self.data, body - 4, size);
        id
    }

    /// An element with content: its start, attributes, content and end.
    fn element(&mut self, name: &'static str, attributes: &[(&'static str, Value)], content: impl FnOnce(&mut Self)) {
        let size_at = self.start_element(name, attributes);
        self.data.push(0x02);
        content(self);
        self.data.push(0x04);
        self.close_size(size_at);
    }

    fn empty_element(&mut self, name: &'static str, attributes: &[(&'static str, Value)]) {
        let size_at = self.start_element(name, attributes);
        self.data.push(0x03);
        self.close_size(size_at);
    }

    /// Writes an element's start and its attributes; returns where its data size goes.
    fn start_element(&mut self, name: &'static str, attributes: &[(&'static str, Value)]) -> usize {
        self.data.push(if attributes.is_empty() { 0x01 } else { 0x41 });
        self.data.extend_from_slice(&0xffffu16.to_le_bytes()); // no dependency
        let size_at = self.data.len();
        self.data.extend_from_slice(&[0; 4]);
        self.name(name);
        if !attributes.is_empty() {
            let list_at = self.data.len();
            self.data.extend_from_slice(&[0; 4]);
            for (index, (attribute, value)) in attributes.iter().enumerate() {
                let more = index + 1 < attributes.len();
                self.data.push(if more { 0x46 } else { 0x06 });
                self.name(attribute);
                match value {
                    Value::Text(text) => {
                        self.data.extend_from_slice(&[0x05, 0x01]);
                        self.data
                            .extend_from_slice(&(text.encode_utf16().count() as u16).to_le_bytes());
                        self.data.extend_from_slice(&utf16(text));
                    }
                    Value::Substitution(index, kind) => self.substitution(*index, *kind),
                }
            }
            self.close_size(list_at);
        }
        size_at
    }

    fn substitution(&mut self, index: u16, kind: u8) {
        self.data.push(0x0d);
        self.data.extend_from_slice(&index.to_le_bytes());
        self.data.push(kind);
    }

    /// Fills in a size field with the bytes written since it.
    fn close_size(&mut self, at: usize) {
        let size = (self.data.len() - at - 4) as u32;
        put_u32(&mut self.data, at, size);
    }

    /// A reference to a name; the name itself follows the first time the chunk uses it, and
    /// joins the chunk's string table.
    fn name(&mut self, name: &'static str) {
        if let Some(offset) = self.names.get(name) {
            self.data.extend_from_slice(&offset.to_le_bytes());
            return;
        }
        let offset = self.data.len() as u32 + 4;
        self.data.extend_from_slice(&offset.to_le_bytes());
        let hash = name_hash(name);
        let bucket = (hash % 64) as usize;
        self.data.extend_from_slice(&self.string_buckets[bucket].to_le_bytes());
        self.string_buckets[bucket] = offset;
        self.data.extend_from_slice(&hash.to_le_bytes());
        self.data
            .extend_from_slice(&(name.encode_utf16().count() as u16).to_le_bytes());
        self.data.extend_from_slice(&utf16(name));
        self.data.extend_from_slice(&[0, 0]);
        self.names.insert(name, offset);
    }

    /// The chunk with its header filled in and its checksums computed.
    fn finish(mut self) -> Vec<u8> {
        let free_space = self.data.len();
        self.data.resize(CHUNK_SIZE, 0);
        let data = &mut self.data;
        data[0..8].copy_from_slice(b"ElfChnk\0");
        let first = self.first_record_id.unwrap_or(0);
        put_u64(data, 8, first); // first record number
        put_u64(data, 16, self.last_record_id); // last record number
        put_u64(data, 24, first); // first record id
        put_u64(data, 32, self.last_record_id); // last record id
        put_u32(data, 40, 128);
        put_u32(data, 44, self.last_record_offset);
        put_u32(data, 48, free_space as u32);
        let records = crc32(&data[CHUNK_HEADER_SIZE..free_space]);
        put_u32(data, 52, records);
        for (index, offset) in self.string_buckets.iter().enumerate() {
            put_u32(data, 128 + index * 4, *offset);
        }
        for (index, offset) in self.template_buckets.iter().enumerate() {
            put_u32(data, 384 + index * 4, *offset);
        }
        let mut covered = data[..120].to_vec();
        covered.extend_from_slice(&data[128..CHUNK_HEADER_SIZE]);
        put_u32(data, 124, crc32(&covered));
        self.data
    }
}

/// An attribute's value: text in the template, or a value each record gives.
enum Value<'a> {
    Text(&'a str),
    Substitution(u16, u8),
}

/// The hash a chunk's string table files a name under (MS-EVEN6).
fn name_hash(name: &str) -> u16 {
    let hash = name.encode_utf16().fold(0u32, |hash, unit| {
        hash.wrapping_mul(65599).wrapping_add(u32::from(unit))
    });
    hash as u16
}

/// Hundreds of nanoseconds since 1601, from seconds since 1970.
fn filetime(unix_seconds: i64) -> u64 {
    ((unix_seconds + FILETIME_EPOCH_OFFSET).max(0) as u64) * 10_000_000
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn put_u16(data: &mut [u8], at: usize, value: u16) {
    data[at..at + 2].copy_from_slice(&value.to_le_bytes());
}

fn put_u32(data: &mut [u8], at: usize, value: u32) {
    data[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn put_u64(data: &mut [u8], at: usize, value: u64) {
    data[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

/// CRC-32 (IEEE 802.3, reflected), the checksum EVTX headers and chunks carry.
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut index = 0;
        while index < 256 {
            let mut value = index as u32;
            let mut bit = 0;
            while bit < 8 {
                value = if value & 1 == 1 {
                    0xedb8_8320 ^ (value >> 1)
                } else {
                    value >> 1
                };
                bit += 1;
            }
            table[index] = value;
            index += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |crc, byte| {
        TABLE[((crc ^ u32::from(*byte)) & 0xff) as usize] ^ (crc >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_the_ieee_checksum() {
        // The check value every CRC-32/ISO-HDLC implementation gives.
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    /// Thousands of events of a few shapes fill several chunks; an independent parser reads
    /// every one back, checksums checked, with its id, time, computer and data.
    #[test]
    fn a_log_of_many_chunks_reads_back_event_by_event() {
        use crate::sim::Channel;
        let events: Vec<WindowsEvent> = (0..3000u64)
            .map(|number| WindowsEvent {
                channel: Channel::Security,
                event_id: [4624, 4625, 4688][number as usize % 3],
                provider: "Microsoft-Windows-Security-Auditing",
                record_number: Some(500 + number),
                data: match number % 3 {
                    0 => vec![("TargetUserName", format!("user{number}")), ("LogonType", "3".into())],
                    1 => vec![("TargetUserName", String::new()), ("Status", "0xc000006d".into())],
                    _ => vec![("NewProcessName", format!("C:\\Windows\\ünïcode-{number}.exe"))],
                },
            })
            .collect();
        let logged: Vec<LoggedEvent> = events
            .iter()
            .enumerate()
            .map(|(index, event)| LoggedEvent {
                record_id: 500 + index as u64,
                written: 1_416_805_200 + index as i64,
                computer: "SPE-CC-DC-01",
                event,
            })
            .collect();
        let mut file = Vec::new();
        write_evtx(&logged, &mut file).unwrap();
        let chunks = (file.len() - FILE_HEADER_SIZE) / CHUNK_SIZE;
        assert!(chunks > 3, "{chunks} chunks");
        assert_eq!(file.len(), FILE_HEADER_SIZE + chunks * CHUNK_SIZE);
        let settings = evtx::ParserSettings::new().validate_checksums(true);
        let mut parser = evtx::EvtxParser::from_buffer(file)
            .unwrap()
            .with_configuration(settings);
        let read: Vec<serde_json::Value> = parser
            .records_json_value()
            .map(|record| record.expect("a record").data)
            .collect();
        assert_eq!(read.len(), events.len());
        for (index, (read, event)) in read.iter().zip(&events).enumerate() {
            let system = &read["Event"]["System"];
            assert_eq!(system["EventID"], event.event_id);
            assert_eq!(system["EventRecordID"], 500 + index as u64);
            assert_eq!(system["Computer"], "SPE-CC-DC-01");
            assert_eq!(system["Channel"], "Security");
            let time = jiff::Timestamp::from_second(1_416_805_200 + index as i64).unwrap();
            assert_eq!(system["TimeCreated"]["#attributes"]["SystemTime"], format!("{time:.7}"));
            for (name, value) in &event.data {
                assert_eq!(
                    read["Event"]["EventData"][name],
                    value.as_str(),
                    "{name} of record {index}"
                );
            }
        }
    }

    #[test]
    fn filetime_counts_from_1601() {
        assert_eq!(filetime(0), 116_444_736_000_000_000);
    }
}
