//! DMA driven by the register sequences of Zephyr 4.1's
//! `drivers/dma/dma_smartbond.c` (config, start, ISR): memory to memory,
//! memory fill, flash to RAM through the uncached window, SPI transfers on
//! peripheral requests, and a bus error.

use mb4_periph::part::SpiTarget;
use mb4_periph::time::Instant;
use mb4_soc::bus::{Clocks, Soc};
use mb4_soc::flash::NorFlash;

const DMA: u32 = 0x5004_0800;
const REQ_MUX: u32 = DMA + 0x100;
const INT_STATUS: u32 = DMA + 0x104;
const CLEAR_INT: u32 = DMA + 0x108;
const INT_MASK: u32 = DMA + 0x10C;
const IRQ: u32 = 1;
const DMA_ON: u32 = 1;
const BW_WORD: u32 = 2 << 1;
const DREQ_HW: u32 = 1 << 3;
const BINC: u32 = 1 << 4;
const AINC: u32 = 1 << 5;
const INIT: u32 = 1 << 11;
const RAM: u32 = 0x2000_4000;

fn soc() -> Soc {
    let mut f = NorFlash::new([0xEF, 0x60, 0x18], 1 << 20);
    f.load(0x8000, b"flash bytes for the DMA test....").unwrap();
    Soc::new(
        f,
        Clocks {
            xtal32k_hz: Some(32_768),
        },
    )
}

fn reg(ch: u32, r: u32) -> u32 {
    DMA + ch * 0x20 + r
}

/// `dma_smartbond_config` + `dma_set_mux_request`: the channel's registers.
fn config(s: &mut Soc, ch: u32, ctrl: u32, src: u32, dst: u32, transfers: u32, mux: u32) {
    s.write(reg(ch, 0x10), 4, ctrl).unwrap();
    s.write(reg(ch, 0x00), 4, src).unwrap();
    s.write(reg(ch, 0x04), 4, dst).unwrap();
    s.write(reg(ch, 0x0C), 4, transfers - 1).unwrap();
    s.write(reg(ch, 0x08), 4, transfers - 1).unwrap();
    let m = s.read(REQ_MUX, 4).unwrap();
    let shift = 4 * (ch / 2);
    s.write(REQ_MUX, 4, (m & !(0xF << shift)) | mux << shift)
        .unwrap();
}

/// `dma_smartbond_set_channel_status(dev, ch, true)`.
fn start(s: &mut Soc, ch: u32) {
    let c = s.read(CLEAR_INT, 4).unwrap();
    s.write(CLEAR_INT, 4, c | 1 << ch).unwrap();
    let m = s.read(INT_MASK, 4).unwrap();
    s.write(INT_MASK, 4, m | 1 << ch).unwrap();
    let c = s.read(reg(ch, 0x10), 4).unwrap();
    s.write(reg(ch, 0x10), 4, c | DMA_ON).unwrap();
}

/// `smartbond_dma_isr`: the channels that finished.
fn isr(s: &mut Soc) -> u32 {
    let st = s.read(INT_STATUS, 4).unwrap();
    for i in 0..8 {
        if st & 1 << i != 0 {
            s.write(CLEAR_INT, 4, 1 << i).unwrap();
        }
    }
    st
}

fn ram(s: &Soc, addr: u32, n: usize) -> Vec<u8> {
    (0..n as u32)
        .map(|i| s.peek(addr + i, 1).unwrap() as u8)
        .collect()
}

#[test]
fn memory_to_memory_fill_and_flash() {
    let mut s = soc();
    for (i, b) in (0..64u32).enumerate() {
        s.write(RAM + i as u32, 1, b * 3).unwrap();
    }
    // dma_memcpy-like: 16 words RAM → RAM, software request.
    config(&mut s, 2, BW_WORD | AINC | BINC, RAM, RAM + 0x100, 16, 0xF);
    start(&mut s, 2);
    assert!(s.irqs.is_high(IRQ));
    assert_eq!(ram(&s, RAM + 0x100, 64), ram(&s, RAM, 64));
    assert_eq!(isr(&mut s), 1 << 2);
    assert!(!s.irqs.is_high(IRQ));
    assert_eq!(
        s.read(reg(2, 0x10), 4).unwrap() & DMA_ON,
        0,
        "DMA_ON cleared at the end"
    );
    // Fill (DMA_INIT, fixed source): 8 words of 0xA5A5A5A5.
    s.write(RAM + 0x200, 4, 0xA5A5_A5A5).unwrap();
    config(
        &mut s,
        3,
        BW_WORD | BINC | INIT,
        RAM + 0x200,
        RAM + 0x300,
        8,
        0xF,
    );
    start(&mut s, 3);
    assert_eq!(ram(&s, RAM + 0x300, 32), [0xA5; 32]);
    // Flash through the uncached window (as the driver adjusts cached addresses).
    config(&mut s, 4, AINC | BINC, 0x3600_8000, RAM + 0x400, 32, 0xF);
    start(&mut s, 4);
    assert_eq!(
        ram(&s, RAM + 0x400, 32),
        b"flash bytes for the DMA test...."
    );
    assert_eq!(isr(&mut s), 1 << 3 | 1 << 4);
    // The only report: this bare SoC never put the QSPIC in auto mode.
    let r = s.take_reports();
    assert!(
        r.iter()
            .all(|n| n.report.to_string().contains("QSPIC is in manual mode")),
        "{r:?}"
    );
}

#[test]
fn a_bus_error_stops_the_channel() {
    let mut s = soc();
    config(&mut s, 0, BW_WORD | AINC | BINC, RAM, 0x4000_0000, 4, 0xF);
    start(&mut s, 0);
    assert_eq!(s.read(reg(0, 0x10), 4).unwrap() & DMA_ON, 0);
    assert_ne!(s.read(INT_STATUS, 4).unwrap() & 1 << 8, 0, "DMA_BUS_ERR0");
    let r = s.take_reports();
    assert!(
        r.iter().any(|n| n.report.to_string().contains("bus error")),
        "{r:?}"
    );
}

/// Answers byte n with n + 0x40.
#[derive(Default)]
struct Counter(u8, Vec<u8>);

impl SpiTarget for Counter {
    fn transfer(&mut self, mosi: u8, _now: Instant) -> u8 {
        self.1.push(mosi);
        self.0 += 1;
        self.0 + 0x3F
    }
}

#[test]
fn spi_transfer_on_peripheral_requests() {
    let mut s = soc();
    let t = s.spi[1].attach(None, Box::new(Counter::default()));
    // SPI2: on, 8-bit, FIFO mode 0.
    s.write(0x5002_0400, 4, 1).unwrap();
    for i in 0..8u32 {
        s.write(RAM + i, 1, 0x10 + i).unwrap();
    }
    let spi_data = 0x5002_0404;
    // spi_smartbond_dma_trigger: RX on the even channel (SPI2 = mux 1), TX on the odd one.
    config(&mut s, 0, DREQ_HW | BINC, spi_data, RAM + 0x80, 8, 1);
    config(&mut s, 1, DREQ_HW | AINC, RAM, spi_data, 8, 1);
    start(&mut s, 0);
    assert_eq!(
        s.read(reg(0, 0x10), 4).unwrap() & DMA_ON,
        1,
        "RX waits for data"
    );
    start(&mut s, 1);
    assert_eq!(
        s.spi[1].target::<Counter>(t).unwrap().1,
        (0x10..0x18).collect::<Vec<u8>>()
    );
    assert_eq!(ram(&s, RAM + 0x80, 8), (0x40..0x48).collect::<Vec<u8>>());
    assert_eq!(isr(&mut s), 0b11);
    // An unmodelled requester is reported and its channel waits.
    config(&mut s, 6, DREQ_HW | BINC, 0x5002_0000, RAM, 4, 2);
    start(&mut s, 6);
    assert_eq!(s.read(reg(6, 0x10), 4).unwrap() & DMA_ON, 1);
    let r = s.take_reports();
    assert!(
        r.iter().any(|n| n.report.to_string().contains("UART")),
        "{r:?}"
    );
}
