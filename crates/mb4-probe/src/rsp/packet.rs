//! GDB remote-protocol framing: `$payload#cs`, acks, escapes, run-length
//! encoding, hex. Pure functions and a push parser, shared by the client and
//! the fake server; no I/O here.

/// Modulo-256 sum of the payload bytes, as the checksum after `#`.
pub fn checksum(payload: &[u8]) -> u8 {
    payload.iter().fold(0u8, |sum, &b| sum.wrapping_add(b))
}

/// `$payload#cs`. `payload` must already be escaped where it is binary.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 4);
    out.push(b'$');
    out.extend_from_slice(payload);
    out.push(b'#');
    out.extend_from_slice(format!("{:02x}", checksum(payload)).as_bytes());
    out
}

/// Bytes that must be escaped in binary data (`X` packets, binary replies).
fn needs_escape(b: u8) -> bool {
    matches!(b, b'#' | b'$' | b'}' | b'*')
}

/// Escape binary data: `}` then the byte XOR 0x20.
pub fn escape_binary(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 16);
    for &b in data {
        if needs_escape(b) {
            out.push(b'}');
            out.push(b ^ 0x20);
        } else {
            out.push(b);
        }
    }
    out
}

/// How many bytes of `data` fit into `room` bytes once escaped.
pub fn escaped_prefix_len(data: &[u8], room: usize) -> usize {
    let mut used = 0;
    for (i, &b) in data.iter().enumerate() {
        used += if needs_escape(b) { 2 } else { 1 };
        if used > room {
            return i;
        }
    }
    data.len()
}

/// Undo [`escape_binary`]. `None` if the data ends inside an escape.
pub fn unescape_binary(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut it = data.iter();
    while let Some(&b) = it.next() {
        if b == b'}' {
            out.push(it.next()? ^ 0x20);
        } else {
            out.push(b);
        }
    }
    Some(out)
}

/// Expand run-length encoding in a reply: `c*n` means `c` and then
/// `n - 29` more copies of it. `None` if the encoding is broken.
pub fn decode_rle(payload: &[u8]) -> Option<Vec<u8>> {
    if !payload.contains(&b'*') {
        return Some(payload.to_vec());
    }
    let mut out: Vec<u8> = Vec::with_capacity(payload.len() * 2);
    let mut i = 0;
    while i < payload.len() {
        let b = payload[i];
        if b == b'*' {
            let last = *out.last()?;
            let count = payload.get(i + 1)?.checked_sub(29)?;
            out.extend(std::iter::repeat_n(last, usize::from(count)));
            i += 2;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

/// Lower-case hex of `data`.
pub fn hex(data: &[u8]) -> String {
    let mut s = String::with_capacity(data.len() * 2);
    for b in data {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Parse hex pairs. `None` on odd length or a non-hex digit.
pub fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|p| {
            let s = std::str::from_utf8(p).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

/// One thing read off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `+`: the last packet arrived intact.
    Ack,
    /// `-`: resend the last packet.
    Nack,
    /// Byte 0x03: the client asks the server to stop the target.
    Interrupt,
    /// A `$…#cs` packet (run-length encoding not yet expanded).
    Packet {
        /// What sits between `$` and `#`.
        payload: Vec<u8>,
        /// Whether the checksum matched.
        checksum_ok: bool,
    },
    /// A `%…#cs` notification (non-stop mode); we never ask for these.
    Notification,
}

/// Largest packet the parser buffers before it gives up on finding `#`.
pub const MAX_PACKET: usize = 1 << 20;

/// Push parser: feed bytes as they arrive, take events out.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
}

impl Framer {
    /// An empty parser.
    pub fn new() -> Framer {
        Framer::default()
    }

    /// Append bytes from the wire.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete event, if the buffer holds one. Bytes outside any
    /// packet that mean nothing are dropped, as gdb does.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            let start = self
                .buf
                .iter()
                .position(|&b| matches!(b, b'+' | b'-' | 0x03 | b'$' | b'%'));
            let Some(start) = start else {
                self.buf.clear();
                return None;
            };
            self.buf.drain(..start);
            match self.buf[0] {
                b'+' => return Some(self.take(1, Event::Ack)),
                b'-' => return Some(self.take(1, Event::Nack)),
                0x03 => return Some(self.take(1, Event::Interrupt)),
                lead => {
                    let Some(hash) = self.buf.iter().position(|&b| b == b'#') else {
                        if self.buf.len() > MAX_PACKET {
                            // Runaway: no packet is this long. Drop the lead byte, resync.
                            self.buf.drain(..1);
                            continue;
                        }
                        return None;
                    };
                    if self.buf.len() < hash + 3 {
                        return None;
                    }
                    let payload = self.buf[1..hash].to_vec();
                    let sent = std::str::from_utf8(&self.buf[hash + 1..hash + 3])
                        .ok()
                        .and_then(|s| u8::from_str_radix(s, 16).ok());
                    let checksum_ok = sent == Some(checksum(&payload));
                    self.buf.drain(..hash + 3);
                    if lead == b'%' {
                        return Some(Event::Notification);
                    }
                    return Some(Event::Packet {
                        payload,
                        checksum_ok,
                    });
                }
            }
        }
    }

    fn take(&mut self, n: usize, ev: Event) -> Event {
        self.buf.drain(..n);
        ev
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_with_the_documented_checksum() {
        // gdb docs: "$g#67" is the read-registers packet.
        assert_eq!(frame(b"g"), b"$g#67");
        assert_eq!(frame(b""), b"$#00");
    }

    #[test]
    fn escapes_the_four_special_bytes_and_back() {
        let data = [0x00, b'#', b'$', b'}', b'*', 0x7d ^ 0x20, 0xFF];
        let esc = escape_binary(&data);
        assert_eq!(
            esc,
            [
                0x00, b'}', 0x03, b'}', 0x04, b'}', 0x5d, b'}', 0x0a, 0x5d, 0xFF
            ]
        );
        assert_eq!(unescape_binary(&esc).unwrap(), data);
        assert_eq!(unescape_binary(b"ab}"), None);
    }

    #[test]
    fn escaped_prefix_respects_room() {
        assert_eq!(escaped_prefix_len(b"abc", 2), 2);
        assert_eq!(escaped_prefix_len(b"a#c", 2), 1);
        assert_eq!(escaped_prefix_len(b"a#c", 3), 2);
        assert_eq!(escaped_prefix_len(b"a#c", 100), 3);
    }

    #[test]
    fn run_length_decoding_matches_the_gdb_manual() {
        // "0* " means the same as "0000": space is 32, so three more zeros.
        assert_eq!(decode_rle(b"0* ").unwrap(), b"0000");
        assert_eq!(decode_rle(b"ab").unwrap(), b"ab");
        assert_eq!(decode_rle(b"*!"), None);
        assert_eq!(decode_rle(b"0*"), None);
    }

    #[test]
    fn framer_splits_acks_packets_and_junk_across_pushes() {
        let mut f = Framer::new();
        f.push(b"junk+$OK#9");
        assert_eq!(f.next_event(), Some(Event::Ack));
        assert_eq!(f.next_event(), None);
        f.push(b"a-\x03$x#00%Stop:T05#00");
        assert_eq!(
            f.next_event(),
            Some(Event::Packet {
                payload: b"OK".to_vec(),
                checksum_ok: true
            })
        );
        assert_eq!(f.next_event(), Some(Event::Nack));
        assert_eq!(f.next_event(), Some(Event::Interrupt));
        assert_eq!(
            f.next_event(),
            Some(Event::Packet {
                payload: b"x".to_vec(),
                checksum_ok: false
            })
        );
        assert_eq!(f.next_event(), Some(Event::Notification));
        assert_eq!(f.next_event(), None);
    }

    #[test]
    fn hex_round_trip_and_rejects() {
        assert_eq!(hex(&[0, 0xAB, 0x10]), "00ab10");
        assert_eq!(unhex(b"00aB10").unwrap(), [0, 0xAB, 0x10]);
        assert_eq!(unhex(b"0"), None);
        assert_eq!(unhex(b"zz"), None);
    }
}
