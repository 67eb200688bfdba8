//! [`GdbClient`]: a [`Target`] reached through a GDB server over TCP.
//!
//! Packets used (what a server must offer):
//! `qSupported` (for `PacketSize` and `QStartNoAckMode+`), `QStartNoAckMode`,
//! `?`, `m`, `M`, `X` (optional: an empty reply makes us fall back to `M`),
//! `g`, `p` (optional, for xPSR), `c`, the 0x03 interrupt, and `qRcmd`
//! (`monitor version`/`help` to name the server, `monitor reset halt` or its
//! dialect's equivalent).
//!
//! Every wait has a deadline; a closed socket, a stall or a garbled stream
//! becomes a [`ProbeError`], never a hang.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::dialect::{ResetHalt, Server, scs};
use super::packet::{self, Event, Framer};
use super::tdesc;
use crate::error::shorten;
use crate::{ProbeError, Registers, StopReason, Target};

/// How to connect.
#[derive(Debug, Clone)]
pub struct GdbOptions {
    /// Longest wait for any single answer.
    pub timeout: Duration,
    /// Skip detection and use this dialect.
    pub server: Option<Server>,
    /// Ask for no-ack mode when the server offers it (halves the round trips
    /// on a reliable TCP link).
    pub no_ack: bool,
}

impl Default for GdbOptions {
    fn default() -> Self {
        GdbOptions {
            timeout: Duration::from_secs(5),
            server: None,
            no_ack: true,
        }
    }
}

/// Bytes and packets on the wire, for throughput figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WireStats {
    /// Packets we sent.
    pub packets_sent: u64,
    /// Bytes we wrote to the socket (framing included).
    pub bytes_sent: u64,
    /// Bytes we read from the socket.
    pub bytes_received: u64,
}

/// Smallest packet size we work with, whatever the server claims.
const MIN_PACKET_SIZE: usize = 64;
/// Packet size assumed when the server does not say (gdb's own default is 400 bytes).
const DEFAULT_PACKET_SIZE: usize = 0x400;
/// Largest we use even if offered more (keeps one failed packet cheap).
const MAX_PACKET_SIZE: usize = 0x4000;
/// How often a packet is resent after a `-` or a bad checksum.
const RETRIES: u32 = 4;

/// A connection to a GDB server.
#[derive(Debug)]
pub struct GdbClient {
    stream: TcpStream,
    framer: Framer,
    addr: String,
    timeout: Duration,
    ack_mode: bool,
    packet_size: usize,
    features: Vec<String>,
    server: Server,
    x_supported: Option<bool>,
    running: bool,
    stats: WireStats,
    /// xPSR's number in this server's register numbering, once known.
    xpsr: Option<u32>,
}

impl GdbClient {
    /// Connect to `addr` (`HOST:PORT`), agree on features, name the server.
    /// The core is left as the server left it (servers halt it on connect).
    pub fn connect(addr: &str, options: &GdbOptions) -> Result<GdbClient, ProbeError> {
        let connect_err = |source| ProbeError::Connect {
            addr: addr.to_string(),
            source,
        };
        let sockets = addr.to_socket_addrs().map_err(connect_err)?;
        let mut last = std::io::Error::new(ErrorKind::NotFound, "the name resolves to nothing");
        let mut stream = None;
        for sock in sockets {
            match TcpStream::connect_timeout(&sock, options.timeout) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last = e,
            }
        }
        let stream = stream.ok_or_else(|| connect_err(last))?;
        stream.set_nodelay(true).ok();
        let mut client = GdbClient {
            stream,
            framer: Framer::new(),
            addr: addr.to_string(),
            timeout: options.timeout,
            ack_mode: true,
            packet_size: DEFAULT_PACKET_SIZE,
            features: Vec::new(),
            server: Server::Unknown,
            x_supported: None,
            running: false,
            stats: WireStats::default(),
            xpsr: None,
        };
        client.handshake(options)?;
        Ok(client)
    }

    fn handshake(&mut self, options: &GdbOptions) -> Result<(), ProbeError> {
        let reply = self.command_text("qSupported:hwbreak+;swbreak+")?;
        self.features = reply.split(';').map(str::to_string).collect();
        if let Some(size) = self.feature_value("PacketSize") {
            let size = usize::from_str_radix(size, 16).map_err(|_| ProbeError::BadReply {
                command: "qSupported".into(),
                reply: shorten(&reply),
                why: "PacketSize is not a hex number",
            })?;
            self.packet_size = size.clamp(MIN_PACKET_SIZE, MAX_PACKET_SIZE);
        }
        if options.no_ack && self.has_feature("QStartNoAckMode+") {
            let ok = self.command_text("QStartNoAckMode")?;
            if ok == "OK" {
                self.ack_mode = false;
            }
        }
        self.server = match options.server {
            Some(s) => s,
            None => self.detect_server(),
        };
        Ok(())
    }

    /// Ask the server to name itself; servers that refuse stay `Unknown`.
    fn detect_server(&mut self) -> Server {
        for cmd in Server::banner_commands() {
            if let Ok(out) = self.monitor(cmd) {
                let s = Server::recognise(&out);
                if s != Server::Unknown {
                    return s;
                }
            }
        }
        Server::Unknown
    }

    fn feature_value(&self, name: &str) -> Option<&str> {
        self.features
            .iter()
            .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
    }

    fn has_feature(&self, name: &str) -> bool {
        self.features.iter().any(|f| f == name)
    }

    /// One annex of the target description, read in pieces.
    fn read_annex(&mut self, annex: &str) -> Result<String, ProbeError> {
        let mut text = Vec::new();
        let chunk = self.packet_size.saturating_sub(16).max(64);
        loop {
            let cmd = format!("qXfer:features:read:{annex}:{:x},{chunk:x}", text.len());
            let reply = self.command(cmd.as_bytes())?;
            match reply.split_first() {
                Some((b'm', data)) if !data.is_empty() => text.extend_from_slice(data),
                Some((b'l', data)) => {
                    text.extend_from_slice(data);
                    break;
                }
                _ => {
                    return Err(self.bad(
                        &cmd,
                        &String::from_utf8_lossy(&reply),
                        "not a qXfer reply",
                    ));
                }
            }
            if text.len() > 1 << 20 {
                return Err(self.bad(&cmd, "…", "target description over 1 MiB"));
            }
        }
        Ok(String::from_utf8_lossy(&text).into_owned())
    }

    /// xPSR's register number: from the target description when the server
    /// offers one, else the old M-profile layout's 25.
    fn xpsr_number(&mut self) -> u32 {
        if let Some(n) = self.xpsr {
            return n;
        }
        let mut n = crate::XPSR;
        if self.has_feature("qXfer:features:read+")
            && let Ok(main) = self.read_annex("target.xml")
        {
            let mut docs = vec![main.clone()];
            for href in tdesc::includes(&main).into_iter().take(16) {
                if let Ok(part) = self.read_annex(&href) {
                    docs.push(part);
                }
            }
            n = tdesc::number_of(&docs, "xpsr").unwrap_or(n);
        }
        self.xpsr = Some(n);
        n
    }

    /// The server family (detected or given).
    pub fn server(&self) -> Server {
        self.server
    }

    /// The packet size in use.
    pub fn packet_size(&self) -> usize {
        self.packet_size
    }

    /// Whether packets are still acknowledged.
    pub fn ack_mode(&self) -> bool {
        self.ack_mode
    }

    /// Counters of what crossed the wire.
    pub fn stats(&self) -> WireStats {
        self.stats
    }

    /// Run a `monitor` command; returns what the server printed.
    pub fn monitor(&mut self, cmd: &str) -> Result<String, ProbeError> {
        self.ensure_halted()?;
        let request = format!("qRcmd,{}", packet::hex(cmd.as_bytes()));
        self.send_packet(request.as_bytes())?;
        let mut output = String::new();
        // Console output may stream for a while, but not for ever.
        let give_up = Instant::now() + self.timeout * 10;
        loop {
            if Instant::now() > give_up {
                return Err(ProbeError::Timeout {
                    during: format!("running monitor {cmd:?} (output never ended)"),
                    after: self.timeout * 10,
                });
            }
            let reply = self.recv_packet(&format!("running monitor {cmd:?}"))?;
            if reply == b"OK" {
                return Ok(output);
            }
            if reply.is_empty() {
                return Err(ProbeError::Unsupported {
                    command: format!("monitor {cmd}"),
                });
            }
            if let Some(code) = error_code(&reply) {
                return Err(ProbeError::Monitor {
                    command: cmd.into(),
                    output: format!("{}error {code:#04x}", output_prefix(&output)),
                });
            }
            // `O<hex>` is console output that more packets follow; a bare hex
            // reply (some servers) is the whole output.
            if let Some(hexed) = reply.strip_prefix(b"O")
                && let Some(text) = packet::unhex(hexed)
            {
                output.push_str(&String::from_utf8_lossy(&text));
                continue;
            }
            return match packet::unhex(&reply) {
                Some(text) => {
                    output.push_str(&String::from_utf8_lossy(&text));
                    Ok(output)
                }
                None => Err(ProbeError::BadReply {
                    command: format!("monitor {cmd}"),
                    reply: shorten(&String::from_utf8_lossy(&reply)),
                    why: "neither OK, an error, nor hex output",
                }),
            };
        }
    }

    /// Resume the core and close the connection politely.
    pub fn detach(mut self) -> Result<(), ProbeError> {
        if self.running {
            return Ok(());
        }
        let reply = self.command_text("D")?;
        if reply == "OK" || reply.is_empty() {
            Ok(())
        } else {
            Err(self.bad("D", &reply, "detach not acknowledged"))
        }
    }

    // ---- packets --------------------------------------------------------

    fn ensure_halted(&self) -> Result<(), ProbeError> {
        if self.running {
            Err(ProbeError::Running)
        } else {
            Ok(())
        }
    }

    fn write_raw(&mut self, bytes: &[u8], during: &str) -> Result<(), ProbeError> {
        self.stream
            .write_all(bytes)
            .map_err(|e| self.io_error(e, during))?;
        self.stats.bytes_sent += bytes.len() as u64;
        Ok(())
    }

    fn io_error(&self, e: std::io::Error, during: &str) -> ProbeError {
        match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => ProbeError::Timeout {
                during: during.to_string(),
                after: self.timeout,
            },
            ErrorKind::BrokenPipe
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::UnexpectedEof => ProbeError::Disconnected {
                during: during.to_string(),
            },
            _ => ProbeError::Io {
                during: during.to_string(),
                source: e,
            },
        }
    }

    /// Next event off the wire, waiting at most until `deadline`.
    fn next_event(&mut self, deadline: Instant, during: &str) -> Result<Event, ProbeError> {
        loop {
            if let Some(ev) = self.framer.next_event() {
                return Ok(ev);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ProbeError::Timeout {
                    during: during.to_string(),
                    after: self.timeout,
                });
            }
            self.stream
                .set_read_timeout(Some(deadline - now))
                .map_err(|e| self.io_error(e, during))?;
            let mut buf = [0u8; 4096];
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    return Err(ProbeError::Disconnected {
                        during: during.to_string(),
                    });
                }
                Ok(n) => {
                    self.stats.bytes_received += n as u64;
                    self.framer.push(&buf[..n]);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error(e, during)),
            }
        }
    }

    /// Send one packet; in ack mode, wait for `+` and resend on `-`.
    fn send_packet(&mut self, payload: &[u8]) -> Result<(), ProbeError> {
        let framed = packet::frame(payload);
        let during = format!(
            "sending {}",
            shorten(&String::from_utf8_lossy(&payload[..payload.len().min(64)]))
        );
        for _ in 0..=RETRIES {
            self.write_raw(&framed, &during)?;
            self.stats.packets_sent += 1;
            if !self.ack_mode {
                return Ok(());
            }
            let deadline = Instant::now() + self.timeout;
            loop {
                match self.next_event(deadline, &during)? {
                    Event::Ack => return Ok(()),
                    Event::Nack => break,
                    // A stray packet before the ack: a server bug; ignore it.
                    _ => {}
                }
            }
        }
        Err(ProbeError::Corrupt {
            packet: shorten(&String::from_utf8_lossy(payload)),
            attempts: RETRIES + 1,
        })
    }

    /// Receive one reply packet (console `O` packets included), acking it.
    fn recv_packet(&mut self, during: &str) -> Result<Vec<u8>, ProbeError> {
        self.recv_packet_until(Instant::now() + self.timeout, during)
    }

    /// One packet, waiting at most until `deadline`.
    fn recv_packet_until(
        &mut self,
        deadline: Instant,
        during: &str,
    ) -> Result<Vec<u8>, ProbeError> {
        let mut bad = 0;
        loop {
            match self.next_event(deadline, during)? {
                Event::Packet {
                    payload,
                    checksum_ok: true,
                } => {
                    if self.ack_mode {
                        self.write_raw(b"+", during)?;
                    }
                    return packet::decode_rle(&payload).ok_or_else(|| ProbeError::BadReply {
                        command: during.to_string(),
                        reply: shorten(&String::from_utf8_lossy(&payload)),
                        why: "broken run-length encoding",
                    });
                }
                Event::Packet { payload, .. } => {
                    bad += 1;
                    if !self.ack_mode || bad > RETRIES {
                        return Err(ProbeError::Corrupt {
                            packet: shorten(&String::from_utf8_lossy(&payload)),
                            attempts: bad,
                        });
                    }
                    self.write_raw(b"-", during)?;
                }
                Event::Ack | Event::Nack | Event::Notification | Event::Interrupt => {}
            }
        }
    }

    fn command(&mut self, payload: &[u8]) -> Result<Vec<u8>, ProbeError> {
        self.send_packet(payload)?;
        let during = format!(
            "waiting for the answer to {}",
            shorten(&String::from_utf8_lossy(&payload[..payload.len().min(64)]))
        );
        self.recv_packet(&during)
    }

    fn command_text(&mut self, payload: &str) -> Result<String, ProbeError> {
        let reply = self.command(payload.as_bytes())?;
        Ok(String::from_utf8_lossy(&reply).into_owned())
    }

    fn bad(&self, command: &str, reply: &str, why: &'static str) -> ProbeError {
        ProbeError::BadReply {
            command: shorten(command),
            reply: shorten(reply),
            why,
        }
    }

    /// Bytes of memory one `m` reply can carry.
    fn max_read(&self) -> usize {
        (self.packet_size.saturating_sub(8) / 2).max(16)
    }

    fn read_chunk(&mut self, addr: u32, buf: &mut [u8]) -> Result<usize, ProbeError> {
        let cmd = format!("m{addr:x},{:x}", buf.len());
        let reply = self.command(cmd.as_bytes())?;
        if let Some(code) = error_code(&reply) {
            return Err(ProbeError::Memory {
                addr,
                len: buf.len(),
                reason: Some(format!("the server answered error {code:#04x}")),
            });
        }
        let text = String::from_utf8_lossy(&reply);
        let bytes = packet::unhex(&reply).ok_or_else(|| self.bad(&cmd, &text, "not hex"))?;
        if bytes.is_empty() || bytes.len() > buf.len() {
            return Err(self.bad(&cmd, &text, "no bytes, or more than asked for"));
        }
        buf[..bytes.len()].copy_from_slice(&bytes);
        Ok(bytes.len())
    }

    fn write_ok(
        &mut self,
        cmd_for_errors: &str,
        reply: &[u8],
        addr: u32,
        len: usize,
    ) -> Result<(), ProbeError> {
        if reply == b"OK" {
            return Ok(());
        }
        if let Some(code) = error_code(reply) {
            return Err(ProbeError::Memory {
                addr,
                len,
                reason: Some(format!("the server answered error {code:#04x}")),
            });
        }
        Err(self.bad(
            cmd_for_errors,
            &String::from_utf8_lossy(reply),
            "expected OK",
        ))
    }

    /// Write with `X` (binary); `Ok(None)` if the server does not know `X`.
    fn write_chunk_x(&mut self, addr: u32, data: &[u8]) -> Result<Option<usize>, ProbeError> {
        // Room left after `X<addr>,<len>:` and the `$`, `#cs` framing.
        let head_max = format!("X{addr:x},{:x}:", data.len()).len();
        let room = self.packet_size.saturating_sub(head_max + 4);
        let n = packet::escaped_prefix_len(data, room)
            .max(1)
            .min(data.len());
        let mut payload = format!("X{addr:x},{n:x}:").into_bytes();
        payload.extend(packet::escape_binary(&data[..n]));
        let reply = self.command(&payload)?;
        if reply.is_empty() {
            return Ok(None);
        }
        self.write_ok("X", &reply, addr, n)?;
        Ok(Some(n))
    }

    fn write_chunk_m(&mut self, addr: u32, data: &[u8]) -> Result<usize, ProbeError> {
        let head_max = format!("M{addr:x},{:x}:", data.len()).len();
        let room = self.packet_size.saturating_sub(head_max + 4) / 2;
        let n = room.max(1).min(data.len());
        let cmd = format!("M{addr:x},{n:x}:{}", packet::hex(&data[..n]));
        let reply = self.command(cmd.as_bytes())?;
        self.write_ok(&cmd, &reply, addr, n)?;
        Ok(n)
    }

    fn wait_stop(&mut self, during: &str) -> Result<StopReason, ProbeError> {
        self.wait_stop_within(self.timeout * 10, during)
    }

    /// The stop reply, waiting at most `limit` (console output skipped).
    fn wait_stop_within(
        &mut self,
        limit: Duration,
        during: &str,
    ) -> Result<StopReason, ProbeError> {
        let give_up = Instant::now() + limit;
        loop {
            let reply = match self.recv_packet_until(give_up, during) {
                Err(ProbeError::Timeout { during, .. }) => {
                    return Err(ProbeError::Timeout {
                        during,
                        after: limit,
                    });
                }
                other => other?,
            };
            if reply.first() == Some(&b'O') && reply != b"OK" {
                continue; // console output while running
            }
            return parse_stop(&reply).ok_or_else(|| {
                self.bad(during, &String::from_utf8_lossy(&reply), "not a stop reply")
            });
        }
    }

    fn reset_by_vector_catch(&mut self) -> Result<(), ProbeError> {
        let demcr = self.read_u32(scs::DEMCR)?;
        self.write_u32(scs::DEMCR, demcr | scs::DEMCR_VC_CORERESET)?;
        // The link may blink while the chip resets; the answer to this write may not come.
        match self.write_u32(scs::AIRCR, scs::AIRCR_SYSRESETREQ) {
            Ok(()) | Err(ProbeError::Memory { .. }) => {}
            Err(e) => return Err(e),
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            if self.read_u32(scs::DHCSR)? & scs::DHCSR_S_HALT != 0 {
                break;
            }
            if Instant::now() >= deadline {
                return Err(ProbeError::Timeout {
                    during: "waiting for the core to halt after a vector-catch reset".into(),
                    after: self.timeout,
                });
            }
        }
        self.write_u32(scs::DEMCR, demcr & !scs::DEMCR_VC_CORERESET)
    }
}

fn output_prefix(output: &str) -> String {
    if output.is_empty() {
        String::new()
    } else {
        format!("{} — ", output.trim_end())
    }
}

/// `E NN` → `Some(NN)`.
fn error_code(reply: &[u8]) -> Option<u8> {
    let rest = reply.strip_prefix(b"E")?;
    if rest.len() != 2 {
        return None;
    }
    u8::from_str_radix(std::str::from_utf8(rest).ok()?, 16).ok()
}

/// `S05`, `T05…`, `W00`, `X09` → why the core stopped.
fn parse_stop(reply: &[u8]) -> Option<StopReason> {
    let kind = *reply.first()?;
    let code = u8::from_str_radix(std::str::from_utf8(reply.get(1..3)?).ok()?, 16).ok()?;
    match kind {
        b'S' | b'T' => Some(StopReason::Signal(code)),
        b'W' | b'X' => Some(StopReason::Exited(code)),
        _ => None,
    }
}

impl Target for GdbClient {
    fn describe(&self) -> String {
        format!("{} at {}", self.server, self.addr)
    }

    fn read_memory(&mut self, mut addr: u32, buf: &mut [u8]) -> Result<(), ProbeError> {
        self.ensure_halted()?;
        let max = self.max_read();
        let mut done = 0;
        while done < buf.len() {
            let end = (done + max).min(buf.len());
            // A server may answer with fewer bytes than asked: go on from there.
            let n = self.read_chunk(addr, &mut buf[done..end])?;
            done += n;
            addr = addr.wrapping_add(n as u32);
        }
        Ok(())
    }

    fn write_memory(&mut self, mut addr: u32, data: &[u8]) -> Result<(), ProbeError> {
        self.ensure_halted()?;
        let mut done = 0;
        while done < data.len() {
            let rest = &data[done..];
            let n = match self.x_supported {
                Some(false) => self.write_chunk_m(addr, rest)?,
                _ => match self.write_chunk_x(addr, rest)? {
                    Some(n) => {
                        self.x_supported = Some(true);
                        n
                    }
                    None => {
                        self.x_supported = Some(false);
                        continue;
                    }
                },
            };
            done += n;
            addr = addr.wrapping_add(n as u32);
        }
        Ok(())
    }

    fn halt(&mut self) -> Result<StopReason, ProbeError> {
        if self.running {
            self.write_raw(&[0x03], "interrupting the core")?;
            let reason = self.wait_stop("waiting for the core to stop after Ctrl-C")?;
            self.running = false;
            return Ok(reason);
        }
        let reply = self.command(b"?")?;
        parse_stop(&reply)
            .ok_or_else(|| self.bad("?", &String::from_utf8_lossy(&reply), "not a stop reply"))
    }

    fn resume(&mut self) -> Result<(), ProbeError> {
        self.ensure_halted()?;
        self.send_packet(b"c")?;
        self.running = true;
        Ok(())
    }

    fn wait_for_halt(&mut self, limit: Duration) -> Result<StopReason, ProbeError> {
        if !self.running {
            return self.halt();
        }
        let reason = self.wait_stop_within(limit, "waiting for the core to stop")?;
        self.running = false;
        Ok(reason)
    }

    fn reset(&mut self, halt: bool) -> Result<(), ProbeError> {
        if self.running {
            self.halt()?;
        }
        match self.server.reset_halt() {
            ResetHalt::Monitor(cmd) => match self.monitor(cmd) {
                Ok(_) => {}
                // An unknown server may lack the command: fall back to the generic way.
                Err(ProbeError::Unsupported { .. } | ProbeError::Monitor { .. })
                    if self.server == Server::Unknown =>
                {
                    self.reset_by_vector_catch()?
                }
                Err(e) => return Err(e),
            },
            ResetHalt::VectorCatch => self.reset_by_vector_catch()?,
        }
        if !halt {
            self.resume()?;
        }
        Ok(())
    }

    fn read_registers(&mut self) -> Result<Registers, ProbeError> {
        self.ensure_halted()?;
        let reply = self.command(b"g")?;
        let text = String::from_utf8_lossy(&reply).into_owned();
        if let Some(code) = error_code(&reply) {
            return Err(ProbeError::Refused {
                command: "g".into(),
                code,
            });
        }
        let bytes = packet::unhex(&reply).ok_or_else(|| self.bad("g", &text, "not hex"))?;
        if bytes.len() < 64 {
            return Err(self.bad("g", &text, "fewer than 16 registers"));
        }
        let mut regs = Registers::default();
        for (i, w) in bytes[..64].chunks(4).enumerate() {
            regs.r[i] = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        }
        let cmd = format!("p{:x}", self.xpsr_number());
        let xpsr = self.command(cmd.as_bytes())?;
        regs.xpsr = packet::unhex(&xpsr)
            .filter(|b| b.len() == 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        Ok(regs)
    }

    fn write_register(&mut self, n: u32, value: u32) -> Result<(), ProbeError> {
        self.ensure_halted()?;
        let n = if n == crate::XPSR {
            self.xpsr_number()
        } else {
            n
        };
        let cmd = format!("P{n:x}={}", packet::hex(&value.to_le_bytes()));
        let reply = self.command(cmd.as_bytes())?;
        if reply.is_empty() {
            return Err(ProbeError::Unsupported { command: cmd });
        }
        if let Some(code) = error_code(&reply) {
            return Err(ProbeError::Refused { command: cmd, code });
        }
        if reply != b"OK" {
            return Err(self.bad(&cmd, &String::from_utf8_lossy(&reply), "expected OK"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_replies_parse() {
        assert_eq!(parse_stop(b"S05"), Some(StopReason::Signal(5)));
        assert_eq!(
            parse_stop(b"T02thread:p01.01;"),
            Some(StopReason::Signal(2))
        );
        assert_eq!(parse_stop(b"W00"), Some(StopReason::Exited(0)));
        assert_eq!(parse_stop(b"OK"), None);
        assert_eq!(parse_stop(b"S"), None);
    }

    #[test]
    fn error_codes_parse() {
        assert_eq!(error_code(b"E01"), Some(1));
        assert_eq!(error_code(b"E0"), None);
        assert_eq!(error_code(b"OK"), None);
    }
}
