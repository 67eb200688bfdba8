//! I2C and I2C2: the DesignWare-style I²C controller of `DA1469xAB.h`
//! (`I2C_Type`; I2C2's header names carry an `I2C2_` prefix, same layout),
//! as a bus master talking to [`I2cTarget`]s attached by 7-bit address.
//!
//! Modelled: `I2C_ENABLE_REG` (disabling flushes the FIFOs; `I2C_ABORT`),
//! `I2C_TAR_REG`, the 32-entry TX (command) and RX FIFOs behind
//! `I2C_DATA_CMD_REG` with `I2C_CMD`/`I2C_STOP`/`I2C_RESTART`, their levels
//! (`I2C_TXFLR_REG`, `I2C_RXFLR_REG`, `I2C_STATUS_REG`), thresholds, the raw,
//! masked and read-to-clear interrupt registers, `I2C_TX_ABRT_SOURCE_REG`
//! (address and data NACK, user abort) and the interrupt line.
//!
//! Commands execute as soon as they are queued: the model takes no bus time
//! (a shortcut: the SCL counts are kept but do not pace anything). A START
//! goes out on the first command, on `I2C_RESTART`, or on a change of
//! direction (`I2C_RESTART_EN`); a command with `I2C_STOP` ends the transfer.
//! Without a STOP the controller holds the bus when its FIFO runs dry, as the
//! DA1469x does. Reads stall while the RX FIFO is full and resume when
//! software drains it. A NACK aborts: the TX FIFO is flushed (and stays
//! flushed until `I2C_CLR_TX_ABRT_REG` is read), a STOP is sent, and
//! `TX_ABRT` is raised with its source.
//!
//! Reset values are not in `DA1469xAB.h`; those here are the DesignWare
//! controller's usual defaults (controller mode, fast speed, restart
//! enabled), recalled, low confidence: Zephyr writes every register it
//! relies on before use.
//!
//! Not modelled (reported): target (slave) mode, 10-bit addressing, general
//! call and START byte (`I2C_TAR_REG.SPECIAL`), DMA handshakes
//! (`I2C_DMA_CR_REG`), high-speed mode.

use std::any::Any;
use std::collections::{BTreeMap, VecDeque};

use mb4_periph::device::{Context, Device};
use mb4_periph::part::I2cTarget;
use mb4_periph::regmap::{RegError, Regs};
use mb4_periph::time::Instant;

use super::Notes;

mb4_periph::regmap! {
    /// I2C registers (`I2C_Type`, bases 0x5002_0600 and 0x5002_0700).
    pub mod regs {
        /// I2C Control Register.
        I2C_CON_REG @ 0x00 = 0x7D {
            I2C_MASTER_MODE: 0..=0 RW,
            I2C_SPEED: 1..=2 RW,
            I2C_10BITADDR_SLAVE: 3..=3 RW,
            I2C_10BITADDR_MASTER: 4..=4 RW,
            I2C_RESTART_EN: 5..=5 RW,
            I2C_SLAVE_DISABLE: 6..=6 RW,
            I2C_STOP_DET_IFADDRESSED: 7..=7 Tag,
            I2C_TX_EMPTY_CTRL: 8..=8 Tag,
            I2C_RX_FIFO_FULL_HLD_CTRL: 9..=9 Tag,
            I2C_STOP_DET_IF_MASTER_ACTIVE: 10..=10 Tag,
        }
        /// I2C Target Address Register.
        I2C_TAR_REG @ 0x04 = 0x055 {
            IC_TAR: 0..=9 RW,
            GC_OR_START: 10..=10 Tag,
            SPECIAL: 11..=11 Tag,
        }
        /// I2C Slave Address Register.
        I2C_SAR_REG @ 0x08 = 0x055 {
            IC_SAR: 0..=9 Tag,
        }
        /// I2C High Speed Master Mode Code Address Register.
        I2C_HS_MADDR_REG @ 0x0c = 0x1 {
            I2C_IC_HS_MAR: 0..=2 Tag,
        }
        /// I2C Rx/Tx Data Buffer and Command Register.
        I2C_DATA_CMD_REG @ 0x10 = 0 {
            I2C_DAT: 0..=7 RW,
            I2C_CMD: 8..=8 WO,
            I2C_STOP: 9..=9 WO,
            I2C_RESTART: 10..=10 WO,
        }
        /// Standard Speed I2C Clock SCL High Count Register.
        I2C_SS_SCL_HCNT_REG @ 0x14 = 0x91 {
            IC_SS_SCL_HCNT: 0..=15 RW,
        }
        /// Standard Speed I2C Clock SCL Low Count Register.
        I2C_SS_SCL_LCNT_REG @ 0x18 = 0xAB {
            IC_SS_SCL_LCNT: 0..=15 RW,
        }
        /// Fast Speed I2C Clock SCL High Count Register.
        I2C_FS_SCL_HCNT_REG @ 0x1c = 0x1A {
            IC_FS_SCL_HCNT: 0..=15 RW,
        }
        /// Fast Speed I2C Clock SCL Low Count Register.
        I2C_FS_SCL_LCNT_REG @ 0x20 = 0x32 {
            IC_FS_SCL_LCNT: 0..=15 RW,
        }
        /// High Speed I2C Clock SCL High Count Register.
        I2C_HS_SCL_HCNT_REG @ 0x24 = 0x6 {
            IC_HS_SCL_HCNT: 0..=15 RW,
        }
        /// High Speed I2C Clock SCL Low Count Register.
        I2C_HS_SCL_LCNT_REG @ 0x28 = 0x10 {
            IC_HS_SCL_LCNT: 0..=15 RW,
        }
        /// I2C Interrupt Status Register (raw status masked).
        I2C_INTR_STAT_REG @ 0x2c = 0 {
            R_RX_UNDER: 0..=0 RO,
            R_RX_OVER: 1..=1 RO,
            R_RX_FULL: 2..=2 RO,
            R_TX_OVER: 3..=3 RO,
            R_TX_EMPTY: 4..=4 RO,
            R_RD_REQ: 5..=5 RO,
            R_TX_ABRT: 6..=6 RO,
            R_RX_DONE: 7..=7 RO,
            R_ACTIVITY: 8..=8 RO,
            R_STOP_DET: 9..=9 RO,
            R_START_DET: 10..=10 RO,
            R_GEN_CALL: 11..=11 RO,
            R_RESTART_DET: 12..=12 RO,
            R_MASTER_ON_HOLD: 13..=13 RO,
            R_SCL_STUCK_AT_LOW: 14..=14 RO,
        }
        /// I2C Interrupt Mask Register.
        I2C_INTR_MASK_REG @ 0x30 = 0x8FF {
            M_RX_UNDER: 0..=0 RW,
            M_RX_OVER: 1..=1 RW,
            M_RX_FULL: 2..=2 RW,
            M_TX_OVER: 3..=3 RW,
            M_TX_EMPTY: 4..=4 RW,
            M_RD_REQ: 5..=5 RW,
            M_TX_ABRT: 6..=6 RW,
            M_RX_DONE: 7..=7 RW,
            M_ACTIVITY: 8..=8 RW,
            M_STOP_DET: 9..=9 RW,
            M_START_DET: 10..=10 RW,
            M_GEN_CALL: 11..=11 RW,
            M_RESTART_DET: 12..=12 RW,
            M_MASTER_ON_HOLD: 13..=13 RW,
            M_SCL_STUCK_AT_LOW: 14..=14 RW,
        }
        /// I2C Raw Interrupt Status Register.
        I2C_RAW_INTR_STAT_REG @ 0x34 = 0 {
            RX_UNDER: 0..=0 RO,
            RX_OVER: 1..=1 RO,
            RX_FULL: 2..=2 RO,
            TX_OVER: 3..=3 RO,
            TX_EMPTY: 4..=4 RO,
            RD_REQ: 5..=5 RO,
            TX_ABRT: 6..=6 RO,
            RX_DONE: 7..=7 RO,
            ACTIVITY: 8..=8 RO,
            STOP_DET: 9..=9 RO,
            START_DET: 10..=10 RO,
            GEN_CALL: 11..=11 RO,
            RESTART_DET: 12..=12 RO,
            MASTER_ON_HOLD: 13..=13 RO,
            SCL_STUCK_AT_LOW: 14..=14 RO,
        }
        /// I2C Receive FIFO Threshold Register.
        I2C_RX_TL_REG @ 0x38 = 0 {
            RX_TL: 0..=4 RW,
        }
        /// I2C Transmit FIFO Threshold Register.
        I2C_TX_TL_REG @ 0x3c = 0 {
            TX_TL: 0..=4 RW,
        }
        /// Clear Combined and Individual Interrupt Register.
        I2C_CLR_INTR_REG @ 0x40 = 0 {
            CLR_INTR: 0..=0 RO,
        }
        /// Clear RX_UNDER Interrupt Register.
        I2C_CLR_RX_UNDER_REG @ 0x44 = 0 {
            CLR_RX_UNDER: 0..=0 RO,
        }
        /// Clear RX_OVER Interrupt Register.
        I2C_CLR_RX_OVER_REG @ 0x48 = 0 {
            CLR_RX_OVER: 0..=0 RO,
        }
        /// Clear TX_OVER Interrupt Register.
        I2C_CLR_TX_OVER_REG @ 0x4c = 0 {
            CLR_TX_OVER: 0..=0 RO,
        }
        /// Clear RD_REQ Interrupt Register.
        I2C_CLR_RD_REQ_REG @ 0x50 = 0 {
            CLR_RD_REQ: 0..=0 RO,
        }
        /// Clear TX_ABRT Interrupt Register.
        I2C_CLR_TX_ABRT_REG @ 0x54 = 0 {
            CLR_TX_ABRT: 0..=0 RO,
        }
        /// Clear RX_DONE Interrupt Register.
        I2C_CLR_RX_DONE_REG @ 0x58 = 0 {
            CLR_RX_DONE: 0..=0 RO,
        }
        /// Clear ACTIVITY Interrupt Register.
        I2C_CLR_ACTIVITY_REG @ 0x5c = 0 {
            CLR_ACTIVITY: 0..=0 RO,
        }
        /// Clear STOP_DET Interrupt Register.
        I2C_CLR_STOP_DET_REG @ 0x60 = 0 {
            CLR_STOP_DET: 0..=0 RO,
        }
        /// Clear START_DET Interrupt Register.
        I2C_CLR_START_DET_REG @ 0x64 = 0 {
            CLR_START_DET: 0..=0 RO,
        }
        /// Clear GEN_CALL Interrupt Register.
        I2C_CLR_GEN_CALL_REG @ 0x68 = 0 {
            CLR_GEN_CALL: 0..=0 RO,
        }
        /// I2C Enable Register.
        I2C_ENABLE_REG @ 0x6c = 0 {
            I2C_EN: 0..=0 RW,
            I2C_ABORT: 1..=1 RW,
            I2C_TX_CMD_BLOCK: 2..=2 Tag,
        }
        /// I2C Status Register.
        I2C_STATUS_REG @ 0x70 = 0x6 {
            I2C_ACTIVITY: 0..=0 RO,
            TFNF: 1..=1 RO,
            TFE: 2..=2 RO,
            RFNE: 3..=3 RO,
            RFF: 4..=4 RO,
            MST_ACTIVITY: 5..=5 RO,
            SLV_ACTIVITY: 6..=6 RO,
            MST_HOLD_TX_FIFO_EMPTY: 7..=7 RO,
            MST_HOLD_RX_FIFO_FULL: 8..=8 RO,
            SLV_HOLD_TX_FIFO_EMPTY: 9..=9 RO,
            LV_HOLD_RX_FIFO_FULL: 10..=10 RO,
        }
        /// I2C Transmit FIFO Level Register.
        I2C_TXFLR_REG @ 0x74 = 0 {
            TXFLR: 0..=5 RO,
        }
        /// I2C Receive FIFO Level Register.
        I2C_RXFLR_REG @ 0x78 = 0 {
            RXFLR: 0..=5 RO,
        }
        /// I2C SDA Hold Time Length Register.
        I2C_SDA_HOLD_REG @ 0x7c = 0x1 {
            I2C_SDA_TX_HOLD: 0..=15 RW,
            I2C_SDA_RX_HOLD: 16..=23 RW,
        }
        /// I2C Transmit Abort Source Register.
        I2C_TX_ABRT_SOURCE_REG @ 0x80 = 0 {
            ABRT_7B_ADDR_NOACK: 0..=0 RO,
            ABRT_10ADDR1_NOACK: 1..=1 RO,
            ABRT_10ADDR2_NOACK: 2..=2 RO,
            ABRT_TXDATA_NOACK: 3..=3 RO,
            ABRT_GCALL_NOACK: 4..=4 RO,
            ABRT_GCALL_READ: 5..=5 RO,
            ABRT_HS_ACKDET: 6..=6 RO,
            ABRT_SBYTE_ACKDET: 7..=7 RO,
            ABRT_HS_NORSTRT: 8..=8 RO,
            ABRT_SBYTE_NORSTRT: 9..=9 RO,
            ABRT_10B_RD_NORSTRT: 10..=10 RO,
            ABRT_MASTER_DIS: 11..=11 RO,
            ARB_LOST: 12..=12 RO,
            ABRT_SLVFLUSH_TXFIFO: 13..=13 RO,
            ABRT_SLV_ARBLOST: 14..=14 RO,
            ABRT_SLVRD_INTX: 15..=15 RO,
            ABRT_USER_ABRT: 16..=16 RO,
        }
        /// DMA Control Register.
        I2C_DMA_CR_REG @ 0x88 = 0 {
            RDMAE: 0..=0 Tag,
            TDMAE: 1..=1 Tag,
        }
        /// DMA Transmit Data Level Register.
        I2C_DMA_TDLR_REG @ 0x8c = 0 {
            DMATDL: 0..=4 RW,
        }
        /// I2C Receive Data Level Register.
        I2C_DMA_RDLR_REG @ 0x90 = 0 {
            DMARDL: 0..=4 RW,
        }
        /// I2C SDA Setup Register.
        I2C_SDA_SETUP_REG @ 0x94 = 0x64 {
            SDA_SETUP: 0..=7 RW,
        }
        /// I2C ACK General Call Register.
        I2C_ACK_GENERAL_CALL_REG @ 0x98 = 0 {
            ACK_GEN_CALL: 0..=0 Tag,
        }
        /// I2C Enable Status Register.
        I2C_ENABLE_STATUS_REG @ 0x9c = 0 {
            IC_EN: 0..=0 RO,
            SLV_DISABLED_WHILE_BUSY: 1..=1 RO,
            SLV_RX_DATA_LOST: 2..=2 RO,
        }
        /// I2C SS and FS spike suppression limit Size.
        I2C_IC_FS_SPKLEN_REG @ 0xa0 = 0x1 {
            I2C_FS_SPKLEN: 0..=7 RW,
        }
        /// I2C HS spike suppression limit Size.
        I2C_IC_HS_SPKLEN_REG @ 0xa4 = 0x1 {
            I2C_HS_SPKLEN: 0..=7 RW,
        }
    }
}

use regs::*;

/// Depth of each FIFO (Zephyr's `i2c_smartbond.c` uses 32 for TX).
pub const FIFO_DEPTH: usize = 32;

/// Which controller: its name and interrupt line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance {
    /// `I2C` or `I2C2`.
    pub name: &'static str,
    /// NVIC line (`I2C_IRQn` 8, `I2C2_IRQn` 9).
    pub irq: u32,
}

/// I2C at 0x5002_0600.
pub const I2C: Instance = Instance {
    name: "I2C",
    irq: 8,
};
/// I2C2 at 0x5002_0700.
pub const I2C2: Instance = Instance {
    name: "I2C2",
    irq: 9,
};

/// A target the controller can own and the machine can still reach by type.
pub trait AttachedTarget: I2cTarget + Any {}
impl<T: I2cTarget + Any> AttachedTarget for T {}

/// Raw interrupt bits software clears by reading `I2C_CLR_INTR_REG`.
/// RX_UNDER, RX_OVER, TX_OVER, RD_REQ, TX_ABRT, RX_DONE, ACTIVITY, STOP_DET,
/// START_DET, GEN_CALL, RESTART_DET: all but the FIFO-level bits.
const CLEARABLE: u32 = 0x1FEB;

/// One controller and the targets on its bus.
pub struct I2c {
    which: Instance,
    regs: Regs,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
    /// Things the model refuses or cannot do, for the bus to report.
    pub warnings: Vec<String>,
    tx: VecDeque<u16>,
    rx: VecDeque<u8>,
    /// Latched raw interrupt bits (the FIFO-level ones are computed).
    raw: u32,
    /// The transfer in progress: target address and direction.
    active: Option<(u8, bool)>,
    targets: BTreeMap<u8, Box<dyn AttachedTarget>>,
}

impl std::fmt::Debug for I2c {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I2c")
            .field("which", &self.which)
            .field("tx", &self.tx)
            .field("rx", &self.rx)
            .field("active", &self.active)
            .field("targets", &self.targets.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Why a target could not be attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttachError {
    /// Not a 7-bit address, or one I²C reserves (0x00..=0x07, 0x78..=0x7F).
    #[error("{bus}: {address:#04x} is not a usable 7-bit I2C address")]
    BadAddress {
        /// Controller.
        bus: &'static str,
        /// The address.
        address: u8,
    },
    /// Something is attached there already.
    #[error("{bus}: address {address:#04x} is taken")]
    Taken {
        /// Controller.
        bus: &'static str,
        /// The address.
        address: u8,
    },
}

impl I2c {
    /// A controller at power-on with nothing on its bus.
    pub fn new(which: Instance) -> I2c {
        I2c {
            which,
            regs: Regs::new(regs::BLOCK),
            notes: Notes::default(),
            warnings: Vec::new(),
            tx: VecDeque::new(),
            rx: VecDeque::new(),
            raw: 0,
            active: None,
            targets: BTreeMap::new(),
        }
    }

    /// Which controller this is.
    pub fn which(&self) -> Instance {
        self.which
    }

    /// Put `target` on the bus at 7-bit `address`.
    pub fn attach<T: I2cTarget + Any>(
        &mut self,
        address: u8,
        target: Box<T>,
    ) -> Result<(), AttachError> {
        let bus = self.which.name;
        if !(0x08..=0x77).contains(&address) {
            return Err(AttachError::BadAddress { bus, address });
        }
        if self.targets.contains_key(&address) {
            return Err(AttachError::Taken { bus, address });
        }
        self.targets.insert(address, target);
        Ok(())
    }

    /// Take the target at `address` off the bus.
    pub fn detach(&mut self, address: u8) -> Option<Box<dyn AttachedTarget>> {
        self.targets.remove(&address)
    }

    /// The target at `address`, as its concrete type (`None` if absent or of another type).
    pub fn target_mut<T: Any>(&mut self, address: u8) -> Option<&mut T> {
        let t: &mut dyn Any = self.targets.get_mut(&address)?.as_mut();
        t.downcast_mut::<T>()
    }

    /// The target at `address`, as its concrete type.
    pub fn target<T: Any>(&self, address: u8) -> Option<&T> {
        let t: &dyn Any = self.targets.get(&address)?.as_ref();
        t.downcast_ref::<T>()
    }

    /// Addresses with a target.
    pub fn addresses(&self) -> Vec<u8> {
        self.targets.keys().copied().collect()
    }

    /// A DMA receive request: a received byte waits.
    pub fn dma_rx_ready(&self) -> bool {
        !self.rx.is_empty()
    }

    /// A DMA transmit request: the controller is on and its FIFO has room.
    pub fn dma_tx_ready(&self) -> bool {
        self.enabled() && self.tx.len() < FIFO_DEPTH
    }

    fn enabled(&self) -> bool {
        I2C_ENABLE_REG::I2C_EN.is_set(self.regs.get(I2C_ENABLE_REG::OFFSET))
    }

    /// Raw interrupt status: latched events plus FIFO levels against thresholds.
    fn raw_status(&self) -> u32 {
        let rx_tl = self.regs.get(I2C_RX_TL_REG::OFFSET) as usize;
        let tx_tl = self.regs.get(I2C_TX_TL_REG::OFFSET) as usize;
        let mut raw = self.raw;
        if !self.rx.is_empty() && self.rx.len() > rx_tl {
            raw |= I2C_RAW_INTR_STAT_REG::RX_FULL.mask();
        }
        // Disabled and idle, the held-in-reset FIFO does not count as empty
        // (DesignWare behaviour), so no TX_EMPTY interrupt out of reset.
        if self.tx.len() <= tx_tl && (self.enabled() || self.active.is_some()) {
            raw |= I2C_RAW_INTR_STAT_REG::TX_EMPTY.mask();
        }
        if self.holding() {
            raw |= I2C_RAW_INTR_STAT_REG::MASTER_ON_HOLD.mask();
        }
        raw
    }

    /// The bus is held (no STOP yet) with nothing queued, or reads stalled on a full RX FIFO.
    fn holding(&self) -> bool {
        self.active.is_some()
    }

    /// Bring the computed registers up to date and drive the line.
    fn refresh(&mut self, cx: &mut Context<'_>) {
        let raw = self.raw_status();
        let masked = raw & self.regs.get(I2C_INTR_MASK_REG::OFFSET);
        self.regs.set(I2C_RAW_INTR_STAT_REG::OFFSET, raw);
        self.regs.set(I2C_INTR_STAT_REG::OFFSET, masked);
        let mut st = 0;
        let busy = self.active.is_some() || !self.tx.is_empty();
        for (f, on) in [
            (I2C_STATUS_REG::I2C_ACTIVITY, busy),
            (I2C_STATUS_REG::TFNF, self.tx.len() < FIFO_DEPTH),
            (I2C_STATUS_REG::TFE, self.tx.is_empty()),
            (I2C_STATUS_REG::RFNE, !self.rx.is_empty()),
            (I2C_STATUS_REG::RFF, self.rx.len() >= FIFO_DEPTH),
            (I2C_STATUS_REG::MST_ACTIVITY, self.active.is_some()),
            (
                I2C_STATUS_REG::MST_HOLD_TX_FIFO_EMPTY,
                self.active.is_some() && self.tx.is_empty(),
            ),
            (
                I2C_STATUS_REG::MST_HOLD_RX_FIFO_FULL,
                self.active.is_some() && self.rx.len() >= FIFO_DEPTH && !self.tx.is_empty(),
            ),
        ] {
            st = f.set(st, u32::from(on));
        }
        self.regs.set(I2C_STATUS_REG::OFFSET, st);
        self.regs.set(I2C_TXFLR_REG::OFFSET, self.tx.len() as u32);
        self.regs.set(I2C_RXFLR_REG::OFFSET, self.rx.len() as u32);
        self.regs
            .set(I2C_ENABLE_STATUS_REG::OFFSET, u32::from(self.enabled()));
        cx.irqs.set(self.which.irq, masked != 0);
    }

    fn stop(&mut self, now: Instant) {
        if let Some((addr, _)) = self.active.take() {
            if let Some(t) = self.targets.get_mut(&addr) {
                t.stop(now);
            }
            self.raw |= I2C_RAW_INTR_STAT_REG::STOP_DET.mask();
        }
    }

    fn abort(&mut self, source: u32, now: Instant) {
        let src = self.regs.get(I2C_TX_ABRT_SOURCE_REG::OFFSET) | source;
        self.regs.set(I2C_TX_ABRT_SOURCE_REG::OFFSET, src);
        self.raw |= I2C_RAW_INTR_STAT_REG::TX_ABRT.mask();
        self.tx.clear();
        self.stop(now);
    }

    /// Run queued commands until the FIFO is empty, a read stalls on a full
    /// RX FIFO, or an abort flushes everything.
    fn pump(&mut self, now: Instant) {
        while let Some(&cmd) = self.tx.front() {
            if self.raw & I2C_RAW_INTR_STAT_REG::TX_ABRT.mask() != 0 {
                self.tx.clear();
                break;
            }
            let read = cmd & 0x100 != 0;
            if read && self.rx.len() >= FIFO_DEPTH {
                break;
            }
            self.tx.pop_front();
            let con = self.regs.get(I2C_CON_REG::OFFSET);
            let turn = self.active.is_some_and(|(_, r)| r != read)
                && I2C_CON_REG::I2C_RESTART_EN.is_set(con);
            if self.active.is_none() || cmd & 0x400 != 0 || turn {
                let addr = (self.regs.get(I2C_TAR_REG::OFFSET) & 0x7F) as u8;
                if let Some((old, _)) = self.active {
                    if old != addr {
                        self.stop(now);
                    }
                    self.raw |= I2C_RAW_INTR_STAT_REG::RESTART_DET.mask();
                }
                self.raw |= I2C_RAW_INTR_STAT_REG::START_DET.mask()
                    | I2C_RAW_INTR_STAT_REG::ACTIVITY.mask();
                let ack = self
                    .targets
                    .get_mut(&addr)
                    .is_some_and(|t| t.start(read, now));
                self.active = Some((addr, read));
                if !ack {
                    self.abort(I2C_TX_ABRT_SOURCE_REG::ABRT_7B_ADDR_NOACK.mask(), now);
                    break;
                }
            }
            let (addr, _) = self.active.expect("a transfer is in progress");
            let target = self
                .targets
                .get_mut(&addr)
                .expect("only acknowledged addresses start transfers");
            if read {
                let byte = target.read(now);
                self.rx.push_back(byte);
            } else if !target.write(cmd as u8, now) {
                self.abort(I2C_TX_ABRT_SOURCE_REG::ABRT_TXDATA_NOACK.mask(), now);
                break;
            }
            if cmd & 0x200 != 0 {
                self.stop(now);
            }
        }
    }

    /// A read of a `I2C_CLR_*` register: clears `bits`, returns whether any was set.
    fn clear(&mut self, bits: u32) -> u32 {
        let was = self.raw & bits != 0;
        self.raw &= !bits;
        if bits & I2C_RAW_INTR_STAT_REG::TX_ABRT.mask() != 0 {
            self.regs.set(I2C_TX_ABRT_SOURCE_REG::OFFSET, 0);
        }
        u32::from(was)
    }

    fn check_mode(&mut self) {
        let con = self.regs.get(I2C_CON_REG::OFFSET);
        if !I2C_CON_REG::I2C_MASTER_MODE.is_set(con) || !I2C_CON_REG::I2C_SLAVE_DISABLE.is_set(con)
        {
            self.warnings.push(format!(
                "{}: enabled with I2C_CON_REG = {con:#x}: only controller (master) mode with the target disabled is modelled",
                self.which.name
            ));
        }
        if I2C_CON_REG::I2C_10BITADDR_MASTER.is_set(con) {
            self.warnings.push(format!(
                "{}: 10-bit addressing is not modelled; using the low 7 bits of I2C_TAR_REG",
                self.which.name
            ));
        }
    }
}

impl Device for I2c {
    fn name(&self) -> &'static str {
        self.which.name
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.refresh(cx);
        let value = match offset & !3 {
            I2C_DATA_CMD_REG::OFFSET => {
                self.regs.read(offset, size)?;
                match self.rx.pop_front() {
                    Some(b) => {
                        self.pump(cx.now);
                        u32::from(b) >> (8 * (offset & 3))
                    }
                    None => {
                        self.raw |= I2C_RAW_INTR_STAT_REG::RX_UNDER.mask();
                        0
                    }
                }
            }
            o @ I2C_CLR_INTR_REG::OFFSET..=I2C_CLR_GEN_CALL_REG::OFFSET => {
                self.regs.read(offset, size)?;
                let bits = match o {
                    I2C_CLR_INTR_REG::OFFSET => CLEARABLE,
                    // CLR_RX_UNDER (0x44) .. CLR_GEN_CALL (0x68), in raw bit order
                    // except the level bits RX_FULL and TX_EMPTY.
                    _ => {
                        const ORDER: [u32; 10] = [0, 1, 3, 5, 6, 7, 8, 9, 10, 11];
                        1 << ORDER[((o - I2C_CLR_RX_UNDER_REG::OFFSET) / 4) as usize]
                    }
                };
                self.clear(bits)
            }
            _ => self.regs.read(offset, size)?,
        };
        self.refresh(cx);
        Ok(value)
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        let was_enabled = self.enabled();
        let w = self
            .notes
            .write(self.which.name, &mut self.regs, offset, size, value)?;
        match w.offset {
            I2C_DATA_CMD_REG::OFFSET => {
                if !self.enabled() {
                    self.warnings.push(format!(
                        "{}: I2C_DATA_CMD_REG written while disabled: dropped",
                        self.which.name
                    ));
                } else if self.tx.len() >= FIFO_DEPTH {
                    self.raw |= I2C_RAW_INTR_STAT_REG::TX_OVER.mask();
                } else if self.raw & I2C_RAW_INTR_STAT_REG::TX_ABRT.mask() == 0 {
                    self.tx.push_back((w.written & 0x7FF) as u16);
                    self.pump(cx.now);
                }
            }
            I2C_ENABLE_REG::OFFSET => {
                let on = self.enabled();
                if on && !was_enabled {
                    self.check_mode();
                }
                if !on {
                    self.tx.clear();
                    self.rx.clear();
                    self.stop(cx.now);
                }
                if w.wrote_one(I2C_ENABLE_REG::I2C_ABORT) {
                    if on {
                        self.abort(I2C_TX_ABRT_SOURCE_REG::ABRT_USER_ABRT.mask(), cx.now);
                    }
                    let v = I2C_ENABLE_REG::I2C_ABORT.set(w.new, 0);
                    self.regs.set(I2C_ENABLE_REG::OFFSET, v);
                }
            }
            _ => {}
        }
        self.refresh(cx);
        Ok(())
    }

    fn reset(&mut self) {
        self.regs.reset();
        self.tx.clear();
        self.rx.clear();
        self.raw = 0;
        self.active = None;
    }
}
