//! I2C driven by the register sequences of Zephyr 4.1's
//! `drivers/i2c/i2c_smartbond.c` (init/resume, configure, polled transfer,
//! interrupt-driven transfer), replayed through the system bus, against
//! targets attached by address.

use mb4_periph::part::I2cTarget;
use mb4_periph::time::Instant;
use mb4_soc::bus::{Clocks, Soc};
use mb4_soc::flash::NorFlash;

const I2C: u32 = 0x5002_0600;
const I2C2: u32 = 0x5002_0700;
const CON: u32 = 0x00;
const TAR: u32 = 0x04;
const DATA_CMD: u32 = 0x10;
const INTR_STAT: u32 = 0x2C;
const INTR_MASK: u32 = 0x30;
const RX_TL: u32 = 0x38;
const TX_TL: u32 = 0x3C;
const CLR_TX_ABRT: u32 = 0x54;
const ENABLE: u32 = 0x6C;
const STATUS: u32 = 0x70;
const TXFLR: u32 = 0x74;
const TX_ABRT_SOURCE: u32 = 0x80;
const CRG_COM_SET: u32 = 0x5002_0908;
const CRG_COM_RESET: u32 = 0x5002_090C;

const ACTIVITY: u32 = 1 << 0;
const TFNF: u32 = 1 << 1;
const TFE: u32 = 1 << 2;
const RFNE: u32 = 1 << 3;
const CMD: u32 = 1 << 8;
const STOP: u32 = 1 << 9;
const RESTART: u32 = 1 << 10;
const M_RX_FULL: u32 = 1 << 2;
const M_TX_EMPTY: u32 = 1 << 4;

/// A register-file target as sensors are: the first byte written sets the
/// register pointer, further bytes write registers, reads auto-increment.
#[derive(Debug, Default)]
struct RegFile {
    regs: Vec<u8>,
    ptr: usize,
    first: bool,
    log: Vec<String>,
}

impl RegFile {
    fn new() -> RegFile {
        RegFile {
            regs: (0..=255).map(|i: u8| i ^ 0xA5).collect(),
            ..Default::default()
        }
    }
}

impl I2cTarget for RegFile {
    fn start(&mut self, read: bool, _now: Instant) -> bool {
        self.first = !read;
        self.log.push(format!("S{}", if read { 'r' } else { 'w' }));
        true
    }
    fn write(&mut self, byte: u8, _now: Instant) -> bool {
        if self.first {
            self.ptr = usize::from(byte);
            self.first = false;
        } else {
            self.regs[self.ptr] = byte;
            self.ptr = (self.ptr + 1) % 256;
        }
        self.log.push(format!("w{byte:02x}"));
        true
    }
    fn read(&mut self, _now: Instant) -> u8 {
        let b = self.regs[self.ptr];
        self.ptr = (self.ptr + 1) % 256;
        self.log.push(format!("r{b:02x}"));
        b
    }
    fn stop(&mut self, _now: Instant) {
        self.log.push("P".into());
    }
}

fn soc() -> Soc {
    Soc::new(
        NorFlash::new([0xEF, 0x60, 0x18], 1 << 20),
        Clocks {
            xtal32k_hz: Some(32_768),
        },
    )
}

/// Zephyr's `struct i2c_msg` flags.
#[derive(Clone, Copy)]
struct Msg {
    read: bool,
    len: usize,
    restart: bool,
    stop: bool,
}

/// The register accesses of `i2c_smartbond.c`, one function each.
struct Driver<'a> {
    s: &'a mut Soc,
    base: u32,
}

/// Polls give up after this many reads: a hang is a failure, not a stuck test.
const POLL_LIMIT: usize = 10_000;

impl Driver<'_> {
    fn rd(&mut self, off: u32) -> u32 {
        self.s.read(self.base + off, 4).unwrap()
    }
    fn wr(&mut self, off: u32, v: u32) {
        self.s.write(self.base + off, 4, v).unwrap()
    }

    /// `i2c_smartbond_is_idle`.
    fn is_idle(&mut self) -> bool {
        self.rd(STATUS) & (ACTIVITY | RFNE | TFE) == TFE
    }

    fn wait_idle(&mut self) {
        for _ in 0..POLL_LIMIT {
            if self.is_idle() {
                return;
            }
        }
        panic!("controller never went idle");
    }

    /// `i2c_smartbond_resume` → `i2c_smartbond_apply_configure` (fast speed).
    fn resume(&mut self, periph_clock_config: u32) {
        let e = self.rd(ENABLE);
        self.wr(ENABLE, e & !1);
        self.s
            .write(CRG_COM_RESET, 4, periph_clock_config << 1)
            .unwrap();
        self.s.write(CRG_COM_SET, 4, periph_clock_config).unwrap();
        let con = 2 << 1 | 1 | 1 << 6 | 1 << 5;
        if self.rd(ENABLE) & 1 != 0 {
            self.wait_idle();
            let e = self.rd(ENABLE);
            self.wr(ENABLE, e & !1);
        }
        self.wr(CON, con);
        self.wr(INTR_MASK, 0);
        let e = self.rd(ENABLE);
        self.wr(ENABLE, e | 1);
    }

    /// `i2c_smartbond_set_target_address`.
    fn set_target(&mut self, addr: u32) {
        let e = self.rd(ENABLE);
        self.wr(ENABLE, e & !1);
        let c = self.rd(CON);
        self.wr(CON, c & !(1 << 4));
        let t = self.rd(TAR);
        self.wr(TAR, (t & !0x3FF) | (addr & 0x3FF));
        let e = self.rd(ENABLE);
        self.wr(ENABLE, e | 1);
    }

    /// `i2c_smartbond_tx`: returns false on an abort (-EIO).
    fn tx(&mut self, m: &Msg, buf: &[u8], sent: &mut usize) -> bool {
        let mut ok = true;
        while *sent < m.len && self.rd(STATUS) & TFNF != 0 {
            let v = (if m.read { CMD } else { u32::from(buf[*sent]) })
                | if *sent == 0 && m.restart { RESTART } else { 0 }
                | if *sent == m.len - 1 && m.stop {
                    STOP
                } else {
                    0
                };
            self.wr(DATA_CMD, v);
            *sent += 1;
            if self.rd(TX_ABRT_SOURCE) & 0x1FFFF != 0 {
                ok = false;
            }
        }
        if self.rd(TX_ABRT_SOURCE) & 0x1FFFF != 0 {
            ok = false;
        }
        if !ok {
            self.rd(CLR_TX_ABRT);
        }
        ok
    }

    /// `i2c_smartbond_rx`.
    fn rx(&mut self, sent: usize, out: &mut Vec<u8>) {
        while out.len() < sent && self.rd(STATUS) & RFNE != 0 {
            out.push(self.rd(DATA_CMD) as u8);
        }
    }

    /// `i2c_smartbond_transfer`: Ok(bytes read) or Err(()) for -EIO.
    fn transfer(&mut self, msgs: &mut [Msg], wbuf: &[u8], addr: u32) -> Result<Vec<u8>, ()> {
        // i2c_smartbond_set_msg_flags: a change of direction gets RESTART.
        for i in 1..msgs.len() {
            if msgs[i].read != msgs[i - 1].read {
                msgs[i].restart = true;
            }
        }
        self.set_target(addr);
        let mut got = Vec::new();
        let mut result = Ok(());
        'msgs: for m in msgs.iter() {
            let mut sent = 0;
            if m.read {
                let mut out = Vec::new();
                for _ in 0..POLL_LIMIT {
                    if out.len() >= m.len {
                        break;
                    }
                    if !self.tx(m, wbuf, &mut sent) {
                        result = Err(());
                        break 'msgs;
                    }
                    self.rx(sent, &mut out);
                }
                assert_eq!(out.len(), m.len, "read loop did not finish");
                got.extend(out);
            } else {
                while sent < m.len {
                    if !self.tx(m, wbuf, &mut sent) {
                        result = Err(());
                        break 'msgs;
                    }
                }
            }
        }
        self.wait_idle();
        result.map(|()| got)
    }
}

fn write_read(reg: u8, len: usize) -> [Msg; 2] {
    let _ = reg;
    [
        Msg {
            read: false,
            len: 1,
            restart: false,
            stop: false,
        },
        Msg {
            read: true,
            len,
            restart: true,
            stop: true,
        },
    ]
}

#[test]
fn write_read_burst_write_and_long_read() {
    let mut s = soc();
    s.i2c[0].attach(0x68, Box::new(RegFile::new())).unwrap();
    let mut d = Driver {
        s: &mut s,
        base: I2C,
    };
    d.resume(1 << 4);
    // i2c_write_read(0x68, reg 0x00, 1 byte): the chip-id read every driver does.
    let got = d.transfer(&mut write_read(0x00, 1), &[0x00], 0x68).unwrap();
    assert_eq!(got, [0xA5]);
    // i2c_burst_write: one message [reg, data...] with STOP.
    let mut w = [Msg {
        read: false,
        len: 3,
        restart: false,
        stop: true,
    }];
    d.transfer(&mut w, &[0x40, 0x12, 0x34], 0x68).unwrap();
    let got = d.transfer(&mut write_read(0x40, 2), &[0x40], 0x68).unwrap();
    assert_eq!(got, [0x12, 0x34]);
    // A 40-byte read is more than the 32-entry FIFOs hold.
    let got = d
        .transfer(&mut write_read(0x80, 40), &[0x80], 0x68)
        .unwrap();
    let want: Vec<u8> = (0x80..0x80 + 40).map(|i: u32| (i as u8) ^ 0xA5).collect();
    assert_eq!(got, want);
    let t = s.i2c[0].target::<RegFile>(0x68).unwrap();
    assert_eq!(
        t.log[..7],
        ["Sw", "w00", "Sr", "ra5", "P", "Sw", "w40"].map(String::from)
    );
    let r = s.take_reports();
    assert!(r.is_empty(), "{r:?}");
}

#[test]
fn an_empty_address_nacks_and_the_driver_recovers() {
    let mut s = soc();
    s.i2c[1].attach(0x44, Box::new(RegFile::new())).unwrap();
    let mut d = Driver {
        s: &mut s,
        base: I2C2,
    };
    d.resume(1 << 8);
    assert_eq!(
        d.transfer(&mut write_read(0, 1), &[0], 0x45),
        Err(()),
        "-EIO"
    );
    assert_eq!(
        d.rd(TX_ABRT_SOURCE),
        0,
        "CLR_TX_ABRT read cleared the source"
    );
    // The bus works again right after.
    assert_eq!(
        d.transfer(&mut write_read(0, 1), &[0], 0x44).unwrap(),
        [0xA5]
    );
    // I2C (the other controller) has nothing at 0x44.
    let mut d = Driver {
        s: &mut s,
        base: I2C,
    };
    d.resume(1 << 4);
    assert_eq!(d.transfer(&mut write_read(0, 1), &[0], 0x44), Err(()));
}

/// A target that NACKs the second data byte.
struct Picky(usize);

impl I2cTarget for Picky {
    fn start(&mut self, _read: bool, _now: Instant) -> bool {
        true
    }
    fn write(&mut self, _byte: u8, _now: Instant) -> bool {
        self.0 += 1;
        self.0 < 2
    }
    fn read(&mut self, _now: Instant) -> u8 {
        0
    }
    fn stop(&mut self, _now: Instant) {}
}

#[test]
fn a_data_nack_aborts_with_its_source() {
    let mut s = soc();
    s.i2c[0].attach(0x10, Box::new(Picky(0))).unwrap();
    let mut d = Driver {
        s: &mut s,
        base: I2C,
    };
    d.resume(1 << 4);
    d.set_target(0x10);
    d.wr(DATA_CMD, 0x01);
    d.wr(DATA_CMD, 0x02 | STOP);
    assert_eq!(d.rd(TX_ABRT_SOURCE), 1 << 3, "ABRT_TXDATA_NOACK");
    assert_eq!(d.rd(0x34) & 1 << 6, 1 << 6, "raw TX_ABRT");
    d.wr(DATA_CMD, 0x03 | STOP);
    assert_eq!(
        d.rd(TXFLR),
        0,
        "the FIFO stays flushed until TX_ABRT is cleared"
    );
    d.rd(CLR_TX_ABRT);
    d.wait_idle();
}

#[test]
fn interrupt_driven_read_as_transfer_cb_does() {
    let mut s = soc();
    s.i2c[0].attach(0x68, Box::new(RegFile::new())).unwrap();
    let mut d = Driver {
        s: &mut s,
        base: I2C,
    };
    d.resume(1 << 4);
    d.set_target(0x68);
    // Message 0: write the register pointer.
    // i2c_smartbond_enable_msg_interrupts (write): RX_FULL off, TX_TL 0, TX_EMPTY on.
    let m = d.rd(INTR_MASK);
    d.wr(INTR_MASK, m & !M_RX_FULL);
    d.wr(TX_TL, 0);
    let m = d.rd(INTR_MASK);
    d.wr(INTR_MASK, m | M_TX_EMPTY);
    assert!(d.s.irqs.is_high(8), "TX FIFO empty: the ISR runs");
    // ISR: TX_EMPTY → isr_tx → all sent → mask TX_EMPTY → msg done.
    assert_ne!(d.rd(INTR_STAT) & M_TX_EMPTY, 0);
    d.wr(DATA_CMD, 0x10);
    let m = d.rd(INTR_MASK);
    d.wr(INTR_MASK, m & !M_TX_EMPTY);
    assert!(!d.s.irqs.is_high(8));
    // Message 1: read 4 with RESTART and STOP; rx_tl = min(4, 32 - TXFLR) - 1.
    let remaining = 4;
    let tx_space = 32 - d.rd(TXFLR);
    d.wr(RX_TL, remaining.min(tx_space) - 1);
    let m = d.rd(INTR_MASK);
    d.wr(INTR_MASK, m | M_RX_FULL);
    d.wr(TX_TL, 0);
    let m = d.rd(INTR_MASK);
    d.wr(INTR_MASK, m | M_TX_EMPTY);
    assert!(d.s.irqs.is_high(8));
    for i in 0..4 {
        let v = CMD | if i == 0 { RESTART } else { 0 } | if i == 3 { STOP } else { 0 };
        d.wr(DATA_CMD, v);
    }
    let m = d.rd(INTR_MASK);
    d.wr(INTR_MASK, m & !M_TX_EMPTY);
    // RX_FULL: four bytes at threshold 3.
    assert!(d.s.irqs.is_high(8));
    assert_ne!(d.rd(INTR_STAT) & M_RX_FULL, 0);
    let mut out = Vec::new();
    while d.rd(STATUS) & RFNE != 0 {
        out.push(d.rd(DATA_CMD) as u8);
    }
    assert_eq!(out, [0x10, 0x11, 0x12, 0x13].map(|r| r ^ 0xA5));
    let m = d.rd(INTR_MASK);
    d.wr(INTR_MASK, m & !M_RX_FULL);
    assert!(!d.s.irqs.is_high(8));
    d.wait_idle();
}

#[test]
fn attach_refuses_bad_and_taken_addresses() {
    let mut s = soc();
    assert!(s.i2c[0].attach(0x03, Box::new(RegFile::new())).is_err());
    assert!(s.i2c[0].attach(0x80, Box::new(RegFile::new())).is_err());
    s.i2c[0].attach(0x18, Box::new(RegFile::new())).unwrap();
    let e = s.i2c[0].attach(0x18, Box::new(RegFile::new())).unwrap_err();
    assert_eq!(e.to_string(), "I2C: address 0x18 is taken");
    // A boxed trait object attaches too.
    let dynamic: Box<dyn I2cTarget> = Box::new(RegFile::new());
    s.i2c[1].attach(0x18, Box::new(dynamic)).unwrap();
    assert_eq!(s.i2c[1].addresses(), [0x18]);
    assert!(
        s.i2c[1].target::<RegFile>(0x18).is_none(),
        "boxed: not a RegFile"
    );
    assert!(s.i2c[1].detach(0x18).is_some());
}
