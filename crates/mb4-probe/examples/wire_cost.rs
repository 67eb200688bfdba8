//! Throughput and bytes on the wire of the QSPI manual-mode method over a
//! GDB link (the in-process fake server on loopback: no probe latency, so
//! these are the protocol's own costs; a real probe adds its round trip per
//! packet).
//!
//!   cargo run --release -p mb4-probe --example wire_cost

use std::time::Instant;

use mb4_probe::fake::{FakeChip, FakeChipConfig, GdbServer, ServerConfig};
use mb4_probe::qspi::{FlashAccess, QspiFlash};
use mb4_probe::rsp::{GdbClient, GdbOptions};

fn main() {
    let server = GdbServer::spawn(
        FakeChip::new(FakeChipConfig::default()),
        ServerConfig::default(),
    )
    .expect("listen");
    let client = GdbClient::connect(server.addr(), &GdbOptions::default()).expect("connect");
    let mut flash = QspiFlash::new(client);
    flash.jedec_id().expect("jedec");

    let len = 64 << 10;
    let data: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
    let before = flash.target_mut().stats();
    let t = Instant::now();
    flash.erase(0, len).expect("erase");
    flash.program(0, &data).expect("program");
    let secs = t.elapsed().as_secs_f64();
    let after = flash.target_mut().stats();
    let wire =
        (after.bytes_sent - before.bytes_sent) + (after.bytes_received - before.bytes_received);
    let packets = after.packets_sent - before.packets_sent;
    println!(
        "qspi manual mode, write {} KiB: {:.1} KiB/s, {} packets ({:.2} per byte), {:.1} wire bytes per byte flashed",
        len >> 10,
        len as f64 / 1024.0 / secs,
        packets,
        packets as f64 / len as f64,
        wire as f64 / len as f64
    );

    let size = 4 << 20;
    let mut buf = vec![0u8; size];
    let before = flash.target_mut().stats();
    let t = Instant::now();
    flash.read(0, &mut buf).expect("read");
    let secs = t.elapsed().as_secs_f64();
    let after = flash.target_mut().stats();
    let wire =
        (after.bytes_sent - before.bytes_sent) + (after.bytes_received - before.bytes_received);
    println!(
        "read {} MiB through the window: {:.1} MiB/s, {:.2} wire bytes per byte read (a dump reads twice)",
        size >> 20,
        size as f64 / (1 << 20) as f64 / secs,
        wire as f64 / size as f64
    );
    assert_eq!(&buf[..len], &data[..]);
}
