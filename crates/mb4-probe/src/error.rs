//! What can go wrong between us and the chip.

use std::time::Duration;

/// A transport-level failure: the link, the protocol, or the server refusing.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The TCP connection could not be made.
    #[error("cannot connect to the GDB server at {addr}: {source}")]
    Connect {
        /// What we tried to reach.
        addr: String,
        /// The socket error.
        source: std::io::Error,
    },
    /// Reading or writing the socket failed.
    #[error("link to the GDB server failed while {during}: {source}")]
    Io {
        /// What we were doing.
        during: String,
        /// The socket error.
        source: std::io::Error,
    },
    /// The server closed the connection.
    #[error("the GDB server closed the connection while {during}")]
    Disconnected {
        /// What we were doing.
        during: String,
    },
    /// No answer in time.
    #[error("no answer from the GDB server within {after:?} while {during}")]
    Timeout {
        /// What we were doing.
        during: String,
        /// How long we waited.
        after: Duration,
    },
    /// A packet kept arriving with a bad checksum, or kept being refused.
    #[error("packet {packet:?} could not be delivered intact after {attempts} attempts")]
    Corrupt {
        /// The packet (shortened).
        packet: String,
        /// How often we tried.
        attempts: u32,
    },
    /// The server's reply does not parse as what the command answers.
    #[error("unexpected reply {reply:?} to {command:?}: {why}")]
    BadReply {
        /// The command we sent (shortened).
        command: String,
        /// What came back (shortened).
        reply: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The server answered `E NN`.
    #[error("the GDB server refused {command:?} with error {code:#04x}")]
    Refused {
        /// The command (shortened).
        command: String,
        /// The error number.
        code: u8,
    },
    /// The server does not know the command (empty reply).
    #[error("the GDB server does not support {command:?}")]
    Unsupported {
        /// The command (shortened).
        command: String,
    },
    /// Memory could not be read or written.
    #[error("memory access of {len} bytes at {addr:#010x} failed{}", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    Memory {
        /// First address.
        addr: u32,
        /// Length in bytes.
        len: usize,
        /// The server's or the fake's explanation, when there is one.
        reason: Option<String>,
    },
    /// The operation needs the core halted, and it runs.
    #[error("the core is running; halt it first")]
    Running,
    /// A direct probe (probe-rs) failed.
    #[error("debug probe: {during}: {message}")]
    Direct {
        /// What we were doing.
        during: String,
        /// probe-rs's explanation.
        message: String,
    },
    /// The server's monitor command failed.
    #[error("monitor command {command:?} failed: {output}")]
    Monitor {
        /// The command.
        command: String,
        /// What the server printed.
        output: String,
    },
}

/// Shorten a packet for an error message: long memory writes would swamp it.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 48;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &text[..end], text.len())
}
