//! [`GdbServer`]: a small in-process GDB server over any [`Target`], with
//! the habits of real servers (dialects) and faults to inject.
//!
//! It answers the packets [`crate::rsp::GdbClient`] uses, the way the gdb
//! manual specifies them; anything else gets the empty "unsupported" reply.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::rsp::Server;
use crate::rsp::packet::{self, Event, Framer};
use crate::{StopReason, Target};

/// How the fake server behaves.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// `PacketSize` it announces.
    pub packet_size: usize,
    /// Offer `QStartNoAckMode+`.
    pub offer_no_ack: bool,
    /// Accept `X` (else answer it empty, as QEMU does).
    pub binary_writes: bool,
    /// Which server it imitates (banner, reset command).
    pub flavour: Server,
    /// Close the connection on receiving this many packets.
    pub drop_after: Option<usize>,
    /// Send these replies (counting from 0) with a bad checksum once.
    pub corrupt_replies: Vec<usize>,
    /// Never answer a packet that starts with this.
    pub stall_on: Option<String>,
    /// Answer `m` with at most half the bytes asked (allowed by the protocol).
    pub partial_reads: bool,
    /// Run-length encode replies where it pays.
    pub rle: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            packet_size: 0x1000,
            offer_no_ack: true,
            binary_writes: true,
            flavour: Server::Mb4Emu,
            drop_after: None,
            corrupt_replies: Vec::new(),
            stall_on: None,
            partial_reads: false,
            rle: false,
        }
    }
}

/// A server on 127.0.0.1, serving one connection in a thread.
#[derive(Debug)]
pub struct GdbServer<T> {
    addr: String,
    handle: JoinHandle<T>,
}

impl<T: Target + Send + 'static> GdbServer<T> {
    /// Listen on a free port and serve `target` to the first client.
    pub fn spawn(target: T, config: ServerConfig) -> std::io::Result<GdbServer<T>> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?.to_string();
        let handle = std::thread::spawn(move || {
            let mut session = Session {
                target,
                config,
                ack: true,
                packets: 0,
                replies: 0,
                last_reply: Vec::new(),
            };
            if let Ok((stream, _)) = listener.accept() {
                session.serve(stream);
            }
            session.target
        });
        Ok(GdbServer { addr, handle })
    }

    /// `HOST:PORT` to connect to.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Wait for the client to go away; get the target back to inspect it.
    pub fn join(self) -> T {
        match self.handle.join() {
            Ok(t) => t,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

struct Session<T> {
    target: T,
    config: ServerConfig,
    ack: bool,
    packets: usize,
    replies: usize,
    last_reply: Vec<u8>,
}

impl<T: Target> Session<T> {
    fn serve(&mut self, mut stream: TcpStream) {
        let mut framer = Framer::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            framer.push(&buf[..n]);
            while let Some(ev) = framer.next_event() {
                let out = match ev {
                    Event::Ack | Event::Notification => continue,
                    Event::Nack => packet::frame(&self.last_reply),
                    Event::Interrupt => {
                        let reason = self.target.halt();
                        self.reply(stop_reply(reason.ok()))
                    }
                    Event::Packet {
                        checksum_ok: false, ..
                    } => b"-".to_vec(),
                    Event::Packet { payload, .. } => {
                        self.packets += 1;
                        if Some(self.packets) == self.config.drop_after {
                            return;
                        }
                        let mut out = if self.ack { b"+".to_vec() } else { Vec::new() };
                        let stalled = self
                            .config
                            .stall_on
                            .as_ref()
                            .is_some_and(|p| payload.starts_with(p.as_bytes()));
                        if !stalled {
                            for reply in self.handle(&payload) {
                                out.extend(self.reply(reply));
                            }
                        }
                        out
                    }
                };
                if stream.write_all(&out).is_err() {
                    return;
                }
            }
        }
    }

    /// Frame a reply, corrupting it if asked to.
    fn reply(&mut self, payload: Vec<u8>) -> Vec<u8> {
        let payload = if self.config.rle {
            rle(&payload)
        } else {
            payload
        };
        let mut framed = packet::frame(&payload);
        if self.config.corrupt_replies.contains(&self.replies) && self.ack {
            let n = framed.len();
            framed[n - 1] = if framed[n - 1] == b'0' { b'1' } else { b'0' };
        }
        self.replies += 1;
        self.last_reply = payload;
        framed
    }

    /// The replies to one packet (empty for `c`, several for `qRcmd` output).
    fn handle(&mut self, p: &[u8]) -> Vec<Vec<u8>> {
        let text = String::from_utf8_lossy(p).into_owned();
        let one = |s: &str| vec![s.as_bytes().to_vec()];
        if text.starts_with("qSupported") {
            let mut s = format!("PacketSize={:x}", self.config.packet_size);
            if self.config.offer_no_ack {
                s.push_str(";QStartNoAckMode+");
            }
            return one(&s);
        }
        if text == "QStartNoAckMode" && self.config.offer_no_ack {
            // The OK is still acked; then acks stop.
            let r = one("OK");
            self.ack = false;
            return r;
        }
        match p.first() {
            Some(b'?') => vec![stop_reply(Some(StopReason::Signal(5)))],
            Some(b'g') => match self.target.read_registers() {
                Ok(r) => {
                    let mut bytes = Vec::new();
                    for w in r.r {
                        bytes.extend(w.to_le_bytes());
                    }
                    one(&packet::hex(&bytes))
                }
                Err(_) => one("E01"),
            },
            Some(b'p') => {
                let n = u32::from_str_radix(&text[1..], 16).ok();
                match (n, self.target.read_registers()) {
                    (Some(n @ 0..=15), Ok(r)) => one(&packet::hex(&r.r[n as usize].to_le_bytes())),
                    (Some(0x19), Ok(Registers { xpsr: Some(x), .. })) => {
                        one(&packet::hex(&x.to_le_bytes()))
                    }
                    _ => one("E01"),
                }
            }
            Some(b'P') => {
                let Some((n, v)) = text[1..].split_once('=') else {
                    return one("E02");
                };
                let (Ok(n), Some(v)) = (u32::from_str_radix(n, 16), packet::unhex(v.as_bytes()))
                else {
                    return one("E02");
                };
                let Ok(v) = <[u8; 4]>::try_from(v.as_slice()) else {
                    return one("E02");
                };
                match self.target.write_register(n, u32::from_le_bytes(v)) {
                    Ok(()) => one("OK"),
                    Err(_) => one("E01"),
                }
            }
            Some(b'm') => {
                let Some((addr, len)) = addr_len(&text[1..]) else {
                    return one("E02");
                };
                let len = if self.config.partial_reads && len > 1 {
                    len / 2
                } else {
                    len
                };
                let mut buf = vec![0; len];
                match self.target.read_memory(addr, &mut buf) {
                    Ok(()) => one(&packet::hex(&buf)),
                    Err(_) => one("E01"),
                }
            }
            Some(b'M') => {
                let Some((head, data)) = text[1..].split_once(':') else {
                    return one("E02");
                };
                let (Some((addr, len)), Some(data)) =
                    (addr_len(head), packet::unhex(data.as_bytes()))
                else {
                    return one("E02");
                };
                if data.len() != len {
                    return one("E02");
                }
                self.write(addr, &data)
            }
            Some(b'X') => {
                if !self.config.binary_writes {
                    return one("");
                }
                let Some(colon) = p.iter().position(|&b| b == b':') else {
                    return one("E02");
                };
                let head = String::from_utf8_lossy(&p[1..colon]);
                let (Some((addr, len)), Some(data)) =
                    (addr_len(&head), packet::unescape_binary(&p[colon + 1..]))
                else {
                    return one("E02");
                };
                if data.len() != len {
                    return one("E02");
                }
                self.write(addr, &data)
            }
            Some(b'c') => {
                let _ = self.target.resume();
                // A target that stops by itself at once (the loader stand-in
                // at its BKPT) is reported stopped, as a real server does;
                // one that cannot tell runs on, silent.
                match self.target.wait_for_halt(Duration::ZERO) {
                    Ok(reason) => vec![stop_reply(Some(reason))],
                    Err(_) => Vec::new(),
                }
            }
            Some(b'D') => one("OK"),
            _ if text.starts_with("qRcmd,") => self.monitor(&text[6..]),
            _ => one(""),
        }
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Vec<Vec<u8>> {
        match self.target.write_memory(addr, data) {
            Ok(()) => vec![b"OK".to_vec()],
            Err(_) => vec![b"E01".to_vec()],
        }
    }

    fn monitor(&mut self, hexed: &str) -> Vec<Vec<u8>> {
        let Some(cmd) = packet::unhex(hexed.as_bytes()) else {
            return vec![b"E02".to_vec()];
        };
        let cmd = String::from_utf8_lossy(&cmd).into_owned();
        let flavour = self.config.flavour;
        let out = |s: &str| format!("O{}", packet::hex(s.as_bytes())).into_bytes();
        let banner = match flavour {
            Server::OpenOcd => Some("Open On-Chip Debugger 0.12.0 (fake)\n"),
            Server::JLink => Some("SEGGER J-Link GDB Server (fake)\n"),
            Server::PyOcd => Some("pyOCD (fake)\n"),
            Server::BlackMagic => Some("Black Magic Probe (fake)\n"),
            Server::Mb4Emu => Some("mb4 emu (fake)\n"),
            Server::Unknown => None,
        };
        let reset_halt = match flavour {
            Server::JLink => Some("reset"),
            Server::OpenOcd | Server::PyOcd | Server::Mb4Emu => Some("reset halt"),
            Server::BlackMagic | Server::Unknown => None,
        };
        match cmd.as_str() {
            "version" | "help" => match banner {
                Some(b) => vec![out(b), b"OK".to_vec()],
                None => vec![Vec::new()],
            },
            c if Some(c) == reset_halt => {
                let _ = self.target.reset(true);
                vec![out("Resetting target\n"), b"OK".to_vec()]
            }
            _ if banner.is_some() => vec![out("unknown command\n"), b"E01".to_vec()],
            _ => vec![Vec::new()],
        }
    }
}

use crate::Registers;

fn stop_reply(reason: Option<StopReason>) -> Vec<u8> {
    match reason {
        Some(StopReason::Exited(c)) => format!("W{c:02x}"),
        Some(StopReason::Signal(s)) => format!("T{s:02x}"),
        None => "E01".into(),
    }
    .into_bytes()
}

fn addr_len(s: &str) -> Option<(u32, usize)> {
    let (a, l) = s.split_once(',')?;
    Some((
        u32::from_str_radix(a, 16).ok()?,
        usize::from_str_radix(l, 16).ok()?,
    ))
}

/// Run-length encode runs of 4+ identical bytes (never producing `#`, `$`,
/// `+` or `-` as the count character, as the gdb manual requires).
fn rle(p: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        let b = p[i];
        let mut run = 1;
        while i + run < p.len() && p[i + run] == b && run < 98 {
            run += 1;
        }
        let mut extra = run - 1;
        // Count character is extra + 29; skip the forbidden ones by shortening.
        while extra >= 3 && matches!((extra + 29) as u8, b'#' | b'$' | b'+' | b'-') {
            extra -= 1;
        }
        if extra >= 3 && !matches!(b, b'*' | b'#' | b'$' | b'}') {
            out.push(b);
            out.push(b'*');
            out.push((extra + 29) as u8);
            i += extra + 1;
        } else {
            out.push(b);
            i += 1;
        }
    }
    out
}
