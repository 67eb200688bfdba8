//! The GDB remote-protocol framer and decoders: any bytes from a server,
//! split anywhere, never panic; every intact packet re-frames to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mb4_probe::rsp::packet::{self, Event, Framer};

fuzz_target!(|data: &[u8]| {
    let Some((&split, bytes)) = data.split_first() else {
        return;
    };
    let cut = usize::from(split).min(bytes.len());
    let mut f = Framer::new();
    f.push(&bytes[..cut]);
    let mut events = Vec::new();
    while let Some(ev) = f.next_event() {
        events.push(ev);
    }
    f.push(&bytes[cut..]);
    while let Some(ev) = f.next_event() {
        events.push(ev);
    }
    for ev in events {
        if let Event::Packet { payload, checksum_ok } = ev {
            let _ = packet::decode_rle(&payload);
            let _ = packet::unescape_binary(&payload);
            let _ = packet::unhex(&payload);
            if checksum_ok && !payload.contains(&b'#') {
                let mut again = Framer::new();
                again.push(&packet::frame(&payload));
                assert_eq!(
                    again.next_event(),
                    Some(Event::Packet { payload: payload.clone(), checksum_ok: true })
                );
            }
        }
    }
    let esc = packet::escape_binary(bytes);
    assert_eq!(packet::unescape_binary(&esc).as_deref(), Some(bytes));
});
