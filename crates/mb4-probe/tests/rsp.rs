//! The GDB client against the in-process fake server: framing, chunking,
//! ack modes, dialects, and every way a link can fail.

use std::time::{Duration, Instant};

use mb4_probe::fake::{FakeChip, FakeChipConfig, GdbServer, ServerConfig};
use mb4_probe::rsp::{GdbClient, GdbOptions, Server};
use mb4_probe::{ProbeError, StopReason, Target};

const RAM: u32 = 0x2000_0000;

fn serve(config: ServerConfig) -> GdbServer<FakeChip> {
    GdbServer::spawn(FakeChip::new(FakeChipConfig::default()), config).unwrap()
}

fn connect(server: &GdbServer<FakeChip>) -> GdbClient {
    GdbClient::connect(server.addr(), &GdbOptions::default()).unwrap()
}

/// Bytes with every escape-worthy value in them.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 256) as u8).collect()
}

fn round_trip(config: ServerConfig) -> (GdbClient, GdbServer<FakeChip>) {
    let server = serve(config);
    let mut c = connect(&server);
    let data = pattern(10_000);
    c.write_memory(RAM + 3, &data).unwrap();
    let mut back = vec![0; data.len()];
    c.read_memory(RAM + 3, &mut back).unwrap();
    assert_eq!(back, data);
    (c, server)
}

#[test]
fn memory_round_trips_with_binary_writes_and_no_ack() {
    let (c, server) = round_trip(ServerConfig::default());
    assert!(!c.ack_mode());
    assert_eq!(c.packet_size(), 0x1000);
    // 10 000 bytes: at most ~3 X packets (escapes cost a little) and 5 m packets.
    let sent = c.stats().packets_sent;
    assert!(sent <= 2 + 2 + 4 + 5, "{sent} packets");
    drop(c);
    let chip = server.join();
    assert!(chip.violations.is_empty());
}

#[test]
fn small_packets_ack_mode_hex_writes_partial_reads_and_rle_still_round_trip() {
    let (c, _s) = round_trip(ServerConfig {
        packet_size: 0x100,
        offer_no_ack: false,
        binary_writes: false,
        partial_reads: true,
        rle: true,
        ..ServerConfig::default()
    });
    assert!(c.ack_mode());
    assert_eq!(c.packet_size(), 0x100);
    // Hex writes of ≤ 0x100-byte packets: > 10 000 / 123 packets.
    assert!(c.stats().packets_sent > 80);
}

#[test]
fn run_length_encoded_zero_memory_reads_back_as_zeros() {
    let server = serve(ServerConfig {
        rle: true,
        ..ServerConfig::default()
    });
    let mut c = connect(&server);
    let mut buf = vec![0xAA; 3000];
    c.read_memory(RAM + 0x1000, &mut buf).unwrap();
    assert!(buf.iter().all(|&b| b == 0));
}

#[test]
fn corrupted_replies_are_asked_again_in_ack_mode() {
    let server = serve(ServerConfig {
        offer_no_ack: false,
        corrupt_replies: vec![0, 3, 4, 9],
        ..ServerConfig::default()
    });
    let mut c = connect(&server);
    c.write_u32(RAM, 0x1234_5678).unwrap();
    assert_eq!(c.read_u32(RAM).unwrap(), 0x1234_5678);
}

#[test]
fn each_dialect_is_recognised_and_resets_into_a_halted_core() {
    for flavour in Server::ALL {
        let server = serve(ServerConfig {
            flavour,
            ..ServerConfig::default()
        });
        let mut c = connect(&server);
        assert_eq!(c.server(), flavour, "{flavour}");
        c.reset(true).unwrap();
        assert_eq!(c.halt().unwrap(), StopReason::Signal(5));
        drop(c);
        let chip = server.join();
        assert_eq!(chip.resets, 1, "{flavour}");
        assert!(chip.halted(), "{flavour}");
    }
}

#[test]
fn a_forced_dialect_skips_detection() {
    let server = serve(ServerConfig {
        flavour: Server::OpenOcd,
        ..ServerConfig::default()
    });
    let opts = GdbOptions {
        server: Some(Server::BlackMagic),
        ..GdbOptions::default()
    };
    let mut c = GdbClient::connect(server.addr(), &opts).unwrap();
    assert_eq!(c.server(), Server::BlackMagic);
    c.reset(true).unwrap(); // by vector catch, which any server carries
    drop(c);
    assert_eq!(server.join().resets, 1);
}

#[test]
fn resume_then_ctrl_c_stops_the_core_and_memory_waits_for_it() {
    let server = serve(ServerConfig::default());
    let mut c = connect(&server);
    c.resume().unwrap();
    assert!(matches!(c.read_u32(RAM), Err(ProbeError::Running)));
    assert_eq!(c.halt().unwrap(), StopReason::Signal(2));
    c.read_u32(RAM).unwrap();
    c.reset(false).unwrap();
    c.halt().unwrap();
    drop(c);
    let chip = server.join();
    assert!(chip.halted());
    assert_eq!(chip.resets, 1);
}

#[test]
fn registers_come_from_g_and_p() {
    let server = serve(ServerConfig::default());
    let mut c = connect(&server);
    let r = c.read_registers().unwrap();
    assert_eq!(r.sp(), 0x2000_8000);
    assert_eq!(r.pc(), 0x400);
    assert_eq!(r.xpsr, Some(0x0100_0000));
}

#[test]
fn unmapped_memory_is_a_memory_error_naming_the_address() {
    let server = serve(ServerConfig::default());
    let mut c = connect(&server);
    let err = c.read_u32(0x7000_0000).unwrap_err();
    assert!(
        matches!(
            err,
            ProbeError::Memory {
                addr: 0x7000_0000,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("0x70000000"), "{err}");
}

#[test]
fn a_server_that_hangs_up_is_an_error_not_a_hang() {
    let server = serve(ServerConfig {
        drop_after: Some(6),
        ..ServerConfig::default()
    });
    let mut c = connect(&server);
    let mut buf = vec![0; 0x4000];
    let err = c.read_memory(RAM, &mut buf).unwrap_err();
    assert!(matches!(err, ProbeError::Disconnected { .. }), "{err}");
}

#[test]
fn a_server_that_stalls_times_out() {
    let server = serve(ServerConfig {
        stall_on: Some("m".into()),
        ..ServerConfig::default()
    });
    let opts = GdbOptions {
        timeout: Duration::from_millis(300),
        ..GdbOptions::default()
    };
    let mut c = GdbClient::connect(server.addr(), &opts).unwrap();
    let t = Instant::now();
    let err = c.read_u32(RAM).unwrap_err();
    assert!(matches!(err, ProbeError::Timeout { .. }), "{err}");
    assert!(t.elapsed() < Duration::from_secs(3));
}

#[test]
fn nobody_listening_is_a_connect_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = GdbClient::connect(&format!("127.0.0.1:{port}"), &GdbOptions::default()).unwrap_err();
    assert!(matches!(err, ProbeError::Connect { .. }), "{err}");
    let err = GdbClient::connect("no-port-here", &GdbOptions::default()).unwrap_err();
    assert!(matches!(err, ProbeError::Connect { .. }), "{err}");
}

#[test]
fn registers_are_set_with_p() {
    let server = serve(ServerConfig::default());
    let mut c = connect(&server);
    c.write_register(13, 0x2000_1000).unwrap();
    c.write_register(15, 0x2000_0400).unwrap();
    c.write_register(mb4_probe::XPSR, 0x0100_0000).unwrap();
    let r = c.read_registers().unwrap();
    assert_eq!((r.sp(), r.pc()), (0x2000_1000, 0x2000_0400));
    let err = c.write_register(99, 1).unwrap_err();
    assert!(matches!(err, ProbeError::Refused { .. }), "{err}");
}
