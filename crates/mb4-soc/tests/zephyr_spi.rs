//! SPI driven by the register sequences of Zephyr 4.1's
//! `drivers/spi/spi_smartbond.c` (configure, polled transceive, the
//! interrupt path's TX/RX loop), with GPIO chip selects as `cs-gpios` make them.

use mb4_periph::part::SpiTarget;
use mb4_periph::time::Instant;
use mb4_soc::bus::{Clocks, Soc};
use mb4_soc::flash::NorFlash;
use mb4_soc::periph::gpio::Pin;

const SPI: u32 = 0x5002_0300;
const SPI2: u32 = 0x5002_0400;
const CTRL: u32 = 0x00;
const RX_TX: u32 = 0x04;
const CLEAR_INT: u32 = 0x08;
const ON: u32 = 1;
const RST: u32 = 1 << 7;
const INT_BIT: u32 = 1 << 13;
const MINT: u32 = 1 << 14;
const GPIO: u32 = 0x5002_0A00;

/// A part that answers a JEDEC ID read (0x9F) and echoes otherwise.
#[derive(Default)]
struct Flash {
    cmd: Option<u8>,
    n: usize,
    selects: usize,
    log: Vec<u8>,
}

impl SpiTarget for Flash {
    fn select(&mut self, _now: Instant) {
        self.selects += 1;
        self.cmd = None;
        self.n = 0;
    }
    fn transfer(&mut self, mosi: u8, _now: Instant) -> u8 {
        self.log.push(mosi);
        let out = match self.cmd {
            Some(0x9F) => [0xEF, 0x60, 0x18].get(self.n).copied().unwrap_or(0),
            Some(_) => mosi,
            None => 0,
        };
        if self.cmd.is_none() {
            self.cmd = Some(mosi);
        } else {
            self.n += 1;
        }
        out
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

struct Driver<'a> {
    s: &'a mut Soc,
    base: u32,
    cs: u8,
}

impl Driver<'_> {
    fn rd(&mut self) -> u32 {
        self.s.read(self.base + CTRL, 4).unwrap()
    }
    fn wr(&mut self, v: u32) {
        self.s.write(self.base + CTRL, 4, v).unwrap()
    }

    /// `spi_smartbond_configure` (8 MHz, mode 0, `word` = 0/1/2 for 8/16/32 bits).
    fn configure(&mut self, word: u32) {
        // The CS GPIO: output, inactive (high) — gpio_pin_configure_dt(cs, GPIO_OUTPUT_INACTIVE).
        self.s
            .write(GPIO + 0x18 + 4 * u32::from(self.cs), 4, 3 << 8)
            .unwrap();
        self.s.write(GPIO + 0x08, 4, 1 << self.cs).unwrap();
        if self.rd() & ON != 0 && self.rd() & RST == 0 {
            let c = self.rd();
            self.wr(c & !ON);
            let c = self.rd();
            self.wr(c | RST);
        }
        let c = self.rd();
        self.wr((c & !(3 << 3)) | 1 << 3);
        let c = self.rd();
        self.wr(c & !(1 << 2));
        let c = self.rd();
        self.wr(c & !(1 << 1));
        let c = self.rd();
        self.wr((c & !(3 << 8)) | word << 8);
        let c = self.rd();
        self.wr(c & !(3 << 16));
        let c = self.rd();
        self.wr(c | ON);
        let c = self.rd();
        self.wr(c & !RST);
    }

    fn cs(&mut self, active: bool) {
        let reg = if active { GPIO + 0x10 } else { GPIO + 0x08 };
        self.s.write(reg, 4, 1 << self.cs).unwrap();
    }

    /// The polled loop of `spi_smartbond_transceive`.
    fn transceive(&mut self, tx: &[u32]) -> Vec<u32> {
        self.cs(true);
        let mut rx = Vec::new();
        for &w in tx {
            self.s.write(self.base + RX_TX, 4, w).unwrap();
            let mut n = 0;
            while self.rd() & INT_BIT == 0 {
                n += 1;
                assert!(n < 1000, "INT_BIT never came");
            }
            rx.push(self.s.read(self.base + RX_TX, 4).unwrap());
            self.s.write(self.base + CLEAR_INT, 4, 1).unwrap();
        }
        self.cs(false);
        rx
    }
}

#[test]
fn jedec_id_through_gpio_chip_select() {
    let mut s = soc();
    let flash = s.spi[0].attach(Pin::new(0, 20), Box::new(Flash::default()));
    let other = s.spi[0].attach(Pin::new(0, 21), Box::new(Flash::default()));
    // The second part's CS is an output held high too.
    s.write(GPIO + 0x18 + 4 * 21, 4, 3 << 8).unwrap();
    s.write(GPIO + 0x08, 4, 1 << 21).unwrap();
    let mut d = Driver {
        s: &mut s,
        base: SPI,
        cs: 20,
    };
    d.configure(0);
    let rx = d.transceive(&[0x9F, 0, 0, 0]);
    assert_eq!(rx, [0x00, 0xEF, 0x60, 0x18]);
    let f = s.spi[0].target::<Flash>(flash).unwrap();
    // Two selects: the CS pin resets as an input with pull-down (low, so
    // active), and gpio_smartbond sets the mode before the level, so the part
    // sees a select pulse at configure time, as it would on the board.
    assert_eq!((f.selects, f.log.as_slice()), (2, &[0x9F, 0, 0, 0][..]));
    let o = s.spi[0].target::<Flash>(other).unwrap();
    assert!(o.log.is_empty(), "its CS stayed high during the transfer");
    let r = s.take_reports();
    assert!(r.is_empty(), "{r:?}");
}

#[test]
fn wide_words_go_msb_first_and_nobody_reads_ones() {
    let mut s = soc();
    let f = s.spi[1].attach(None, Box::new(Flash::default()));
    let mut d = Driver {
        s: &mut s,
        base: SPI2,
        cs: 5,
    };
    d.configure(1); // 16-bit words
    let rx = d.transceive(&[0x4142, 0x4344]);
    assert_eq!(rx, [0x0042, 0x4344], "echo after the command byte");
    assert_eq!(
        s.spi[1].target::<Flash>(f).unwrap().log,
        [0x41, 0x42, 0x43, 0x44]
    );
    // SPI (the other controller) has nobody: MISO reads all ones.
    let mut d = Driver {
        s: &mut s,
        base: SPI,
        cs: 6,
    };
    d.configure(2); // 32-bit words
    assert_eq!(d.transceive(&[0x1234_5678]), [0xFFFF_FFFF]);
}

#[test]
fn interrupt_path_raises_the_line() {
    let mut s = soc();
    s.spi[0].attach(None, Box::new(Flash::default()));
    let mut d = Driver {
        s: &mut s,
        base: SPI,
        cs: 20,
    };
    d.configure(0);
    // spi_smartbond_isr_set_status(true) after queuing: MINT on.
    let c = d.rd();
    d.wr(c | MINT);
    assert!(!d.s.irqs.is_high(10));
    d.s.write(SPI + RX_TX, 4, 0x9F).unwrap();
    d.s.write(SPI + RX_TX, 4, 0).unwrap();
    assert!(d.s.irqs.is_high(10));
    // spi_smartbond_transfer: read while INT_BIT, clearing after each.
    let mut got = Vec::new();
    while d.rd() & INT_BIT != 0 {
        got.push(d.s.read(SPI + RX_TX, 4).unwrap());
        d.s.write(SPI + CLEAR_INT, 4, 1).unwrap();
    }
    assert_eq!(got, [0, 0xEF]);
    assert!(!d.s.irqs.is_high(10));
}
