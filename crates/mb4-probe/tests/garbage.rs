//! A server that answers with garbage: every client call returns (an error
//! or a value) promptly, never panics, never hangs.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use mb4_probe::Target;
use mb4_probe::rsp::{GdbClient, GdbOptions};

/// xorshift: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Replies mixing protocol-looking pieces with random bytes.
fn garbage(rng: &mut Rng) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b"+",
        b"-",
        b"$",
        b"#",
        b"*",
        b"}",
        b"\x03",
        b"OK",
        b"E01",
        b"T05",
        b"W00",
        b"O",
        b"S",
        b"PacketSize=",
        b"QStartNoAckMode+",
        b";",
        b"00",
        b"ff",
        b"#00",
        b"%",
    ];
    let mut out = Vec::new();
    for _ in 0..(rng.next() % 12) {
        if rng.next().is_multiple_of(3) {
            out.push(rng.next() as u8);
        } else {
            out.extend_from_slice(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
        }
        if rng.next().is_multiple_of(4) {
            // Sometimes a well-formed packet around random payload.
            let payload: Vec<u8> = (0..rng.next() % 10)
                .map(|_| b"0123456789abcdefOKET*}#"[(rng.next() % 23) as usize])
                .collect();
            out.extend(mb4_probe::rsp::packet::frame(&payload));
        }
    }
    out
}

#[test]
fn garbage_replies_give_errors_not_panics_or_hangs() {
    for seed in 1..=40u64 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut buf = [0u8; 4096];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 || s.write_all(&garbage(&mut rng)).is_err() {
                    return;
                }
            }
        });
        let opts = GdbOptions {
            timeout: Duration::from_millis(60),
            ..GdbOptions::default()
        };
        let t = Instant::now();
        if let Ok(mut c) = GdbClient::connect(&addr, &opts) {
            let mut buf = [0u8; 300];
            let _ = c.read_memory(0x2000_0000, &mut buf);
            let _ = c.write_memory(0x2000_0000, &[1, 2, 3, b'#', b'}']);
            let _ = c.read_registers();
            let _ = c.halt();
            let _ = c.reset(true);
            let _ = c.monitor("help");
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "seed {seed} took {:?}",
            t.elapsed()
        );
        server.join().unwrap();
    }
}
