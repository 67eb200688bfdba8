//! UART, UART2, UART3: Synopsys DesignWare APB UARTs (16550-like).
//!
//! Modelled: the divisor latch (`UART_DLAB`: offset 0/4 become DLL/DLH) and
//! the fractional divisor `UART_DLF_REG`, which give the baud rate from the
//! 32 MHz UART clock; a 16-byte TX FIFO drained one character per character
//! time (start + data + parity + stop bits at the baud rate), each finished
//! byte going to the output the machine routes (stdout, TCP); a 16-byte RX
//! FIFO fed by [`Uart::inject`]; `UART_LSR_REG` (DR, THRE, TEMT),
//! `UART_USR_REG` (BUSY, TFNF, TFE, RFNE, RFF), `UART_TFL_REG`/`UART_RFL_REG`;
//! FCR (FIFO enable/reset, TX empty and RX triggers, also through the shadow
//! registers SFE/SRT/STET) and `UART_SRR_REG` resets; interrupts ERBFI
//! (received data, at or above the RX trigger), ETBEI (THR empty, or TX FIFO
//! at or below its trigger with PTIME), ELSI (overrun) reported in
//! `UART_IIR_FCR_REG` with the 16550 priorities, THRE cleared by reading IIR
//! until the next write. Loopback, modem lines, flow control, break and DMA
//! handshakes are not modelled (their registers are tags).

use std::collections::VecDeque;

use mb4_periph::device::{Context, Device};
use mb4_periph::regmap::{RegDef, RegError, Regs};
use mb4_periph::time::{Instant, PS_PER_SECOND};

use super::Notes;

mb4_periph::regmap! {
    /// UART registers (`UART_Type`).
    pub mod uart_regs {
        /// Receive Buffer Register.
        UART_RBR_THR_DLL_REG @ 0x00 = 0 {
            RBR_THR_DLL: 0..=7 RW,
        }
        /// Interrupt Enable Register.
        UART_IER_DLH_REG @ 0x04 = 0 {
            ERBFI_DLH0: 0..=0 RW,
            ETBEI_DLH1: 1..=1 RW,
            ELSI_DLH2: 2..=2 RW,
            EDSSI_DLH3: 3..=3 RW,
            ELCOLR_DLH4: 4..=4 RW,
            DLH6_5: 5..=6 RW,
            PTIME_DLH7: 7..=7 RW,
        }
        /// Interrupt Identification Register/FIFO Control.
        UART_IIR_FCR_REG @ 0x08 = 0 {
            IIR_FCR: 0..=7 RW,
        }
        /// Line Control Register.
        UART_LCR_REG @ 0x0c = 0 {
            UART_DLS: 0..=1 RW,
            UART_STOP: 2..=2 RW,
            UART_PEN: 3..=3 RW,
            UART_EPS: 4..=4 RW,
            UART_BC: 6..=6 RW,
            UART_DLAB: 7..=7 RW,
        }
        /// Modem Control Register.
        UART_MCR_REG @ 0x10 = 0 {
            UART_LB: 4..=4 RW,
        }
        /// Line Status Register.
        UART_LSR_REG @ 0x14 = 0 {
            UART_DR: 0..=0 RO,
            UART_OE: 1..=1 RO,
            UART_PE: 2..=2 RO,
            UART_FE: 3..=3 RO,
            UART_BI: 4..=4 RO,
            UART_THRE: 5..=5 RO,
            UART_TEMT: 6..=6 RO,
            UART_RFE: 7..=7 RO,
        }
        /// Scratchpad Register.
        UART_SCR_REG @ 0x1c = 0 {
            UART_SCRATCH_PAD: 0..=7 RW,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR0_REG @ 0x30 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR1_REG @ 0x34 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR2_REG @ 0x38 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR3_REG @ 0x3c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR4_REG @ 0x40 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR5_REG @ 0x44 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR6_REG @ 0x48 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR7_REG @ 0x4c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR8_REG @ 0x50 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR9_REG @ 0x54 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR10_REG @ 0x58 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR11_REG @ 0x5c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR12_REG @ 0x60 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR13_REG @ 0x64 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR14_REG @ 0x68 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART_SRBR_STHR15_REG @ 0x6c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// UART Status register.
        UART_USR_REG @ 0x7c = 0 {
            UART_BUSY: 0..=0 RO,
            UART_TFNF: 1..=1 RO,
            UART_TFE: 2..=2 RO,
            UART_RFNE: 3..=3 RO,
            UART_RFF: 4..=4 RO,
        }
        /// Transmit FIFO Level.
        UART_TFL_REG @ 0x80 = 0 {
            UART_TRANSMIT_FIFO_LEVEL: 0..=4 RO,
        }
        /// Receive FIFO Level.
        UART_RFL_REG @ 0x84 = 0 {
            UART_RECEIVE_FIFO_LEVEL: 0..=4 RO,
        }
        /// Software Reset Register.
        UART_SRR_REG @ 0x88 = 0 {
            UART_UR: 0..=0 WO,
            UART_RFR: 1..=1 WO,
            UART_XFR: 2..=2 WO,
        }
        /// Shadow Break Control Register.
        UART_SBCR_REG @ 0x90 = 0 {
            UART_SHADOW_BREAK_CONTROL: 0..=0 Tag,
        }
        /// Shadow DMA Mode.
        UART_SDMAM_REG @ 0x94 = 0 {
            UART_SHADOW_DMA_MODE: 0..=0 Tag,
        }
        /// Shadow FIFO Enable.
        UART_SFE_REG @ 0x98 = 0 {
            UART_SHADOW_FIFO_ENABLE: 0..=0 RW,
        }
        /// Shadow RCVR Trigger.
        UART_SRT_REG @ 0x9c = 0 {
            UART_SHADOW_RCVR_TRIGGER: 0..=1 RW,
        }
        /// Shadow TX Empty Trigger.
        UART_STET_REG @ 0xa0 = 0 {
            UART_SHADOW_TX_EMPTY_TRIGGER: 0..=1 RW,
        }
        /// Halt TX.
        UART_HTX_REG @ 0xa4 = 0 {
            UART_HALT_TX: 0..=0 Tag,
        }
        /// DMA Software Acknowledge.
        UART_DMASA_REG @ 0xa8 = 0 {
            UART_DMASA: 0..=0 Tag,
        }
        /// Divisor Latch Fraction Register.
        UART_DLF_REG @ 0xc0 = 0 {
            UART_DLF: 0..=3 RW,
        }
        /// Component Version.
        UART_UCV_REG @ 0xf8 = 0x3430312A {
            UART_UCV: 0..=31 RO,
        }
        /// Component Type Register.
        UART_CTR_REG @ 0xfc = 0x44570110 {
            UART_CTR: 0..=31 RO,
        }
    }
}

mb4_periph::regmap! {
    /// UART2 registers (`UART2_Type`).
    pub mod uart2_regs {
        /// Receive Buffer Register.
        UART2_RBR_THR_DLL_REG @ 0x00 = 0 {
            RBR_THR_DLL: 0..=7 RW,
            RBR_THR_9BIT: 8..=8 RW,
        }
        /// Interrupt Enable Register.
        UART2_IER_DLH_REG @ 0x04 = 0 {
            ERBFI_DLH0: 0..=0 RW,
            ETBEI_DLH1: 1..=1 RW,
            ELSI_DLH2: 2..=2 RW,
            EDSSI_DLH3: 3..=3 RW,
            ELCOLR_DLH4: 4..=4 RW,
            DLH6_5: 5..=6 RW,
            PTIME_DLH7: 7..=7 RW,
        }
        /// Interrupt Identification Register/FIFO Control.
        UART2_IIR_FCR_REG @ 0x08 = 0 {
            IIR_FCR: 0..=7 RW,
        }
        /// Line Control Register.
        UART2_LCR_REG @ 0x0c = 0 {
            UART_DLS: 0..=1 RW,
            UART_STOP: 2..=2 RW,
            UART_PEN: 3..=3 RW,
            UART_EPS: 4..=4 RW,
            UART_SP: 5..=5 RW,
            UART_BC: 6..=6 RW,
            UART_DLAB: 7..=7 RW,
        }
        /// Modem Control Register.
        UART2_MCR_REG @ 0x10 = 0 {
            UART_RTS: 1..=1 RW,
            UART_LB: 4..=4 RW,
            UART_AFCE: 5..=5 RW,
        }
        /// Line Status Register.
        UART2_LSR_REG @ 0x14 = 0 {
            UART_DR: 0..=0 RO,
            UART_OE: 1..=1 RO,
            UART_PE: 2..=2 RO,
            UART_FE: 3..=3 RO,
            UART_BI: 4..=4 RO,
            UART_THRE: 5..=5 RO,
            UART_TEMT: 6..=6 RO,
            UART_RFE: 7..=7 RO,
            UART_ADDR_RCVD: 8..=8 RO,
        }
        /// Modem Status Register.
        UART2_MSR_REG @ 0x18 = 0 {
            UART_DCTS: 0..=0 Tag,
            UART_CTS: 4..=4 Tag,
        }
        /// Scratchpad Register.
        UART2_SCR_REG @ 0x1c = 0 {
            UART_SCRATCH_PAD: 0..=7 RW,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR0_REG @ 0x30 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR1_REG @ 0x34 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR2_REG @ 0x38 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR3_REG @ 0x3c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR4_REG @ 0x40 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR5_REG @ 0x44 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR6_REG @ 0x48 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR7_REG @ 0x4c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR8_REG @ 0x50 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR9_REG @ 0x54 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR10_REG @ 0x58 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR11_REG @ 0x5c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR12_REG @ 0x60 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR13_REG @ 0x64 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR14_REG @ 0x68 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART2_SRBR_STHR15_REG @ 0x6c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// UART Status register.
        UART2_USR_REG @ 0x7c = 0 {
            UART_BUSY: 0..=0 RO,
            UART_TFNF: 1..=1 RO,
            UART_TFE: 2..=2 RO,
            UART_RFNE: 3..=3 RO,
            UART_RFF: 4..=4 RO,
        }
        /// Transmit FIFO Level.
        UART2_TFL_REG @ 0x80 = 0 {
            UART_TRANSMIT_FIFO_LEVEL: 0..=4 RO,
        }
        /// Receive FIFO Level.
        UART2_RFL_REG @ 0x84 = 0 {
            UART_RECEIVE_FIFO_LEVEL: 0..=4 RO,
        }
        /// Software Reset Register.
        UART2_SRR_REG @ 0x88 = 0 {
            UART_UR: 0..=0 WO,
            UART_RFR: 1..=1 WO,
            UART_XFR: 2..=2 WO,
        }
        /// Shadow Request to Send.
        UART2_SRTS_REG @ 0x8c = 0 {
            UART_SHADOW_REQUEST_TO_SEND: 0..=0 Tag,
        }
        /// Shadow Break Control Register.
        UART2_SBCR_REG @ 0x90 = 0 {
            UART_SHADOW_BREAK_CONTROL: 0..=0 Tag,
        }
        /// Shadow DMA Mode.
        UART2_SDMAM_REG @ 0x94 = 0 {
            UART_SHADOW_DMA_MODE: 0..=0 Tag,
        }
        /// Shadow FIFO Enable.
        UART2_SFE_REG @ 0x98 = 0 {
            UART_SHADOW_FIFO_ENABLE: 0..=0 RW,
        }
        /// Shadow RCVR Trigger.
        UART2_SRT_REG @ 0x9c = 0 {
            UART_SHADOW_RCVR_TRIGGER: 0..=1 RW,
        }
        /// Shadow TX Empty Trigger.
        UART2_STET_REG @ 0xa0 = 0 {
            UART_SHADOW_TX_EMPTY_TRIGGER: 0..=1 RW,
        }
        /// Halt TX.
        UART2_HTX_REG @ 0xa4 = 0 {
            UART_HALT_TX: 0..=0 Tag,
        }
        /// DMA Software Acknowledge.
        UART2_DMASA_REG @ 0xa8 = 0 {
            UART_DMASA: 0..=0 Tag,
        }
        /// Divisor Latch Fraction Register.
        UART2_DLF_REG @ 0xc0 = 0 {
            UART_DLF: 0..=3 RW,
        }
        /// Receive Address Register.
        UART2_RAR_REG @ 0xc4 = 0 {
            UART_RAR: 0..=7 Tag,
        }
        /// Transmit Address Register.
        UART2_TAR_REG @ 0xc8 = 0 {
            UART_TAR: 0..=7 Tag,
        }
        /// Line Extended Control Register.
        UART2_LCR_EXT @ 0xcc = 0 {
            UART_DLS_E: 0..=0 Tag,
            UART_ADDR_MATCH: 1..=1 Tag,
            UART_SEND_ADDR: 2..=2 Tag,
            UART_TRANSMIT_MODE: 3..=3 Tag,
        }
        /// Component Version.
        UART2_UCV_REG @ 0xf8 = 0x3430312A {
            UART_UCV: 0..=31 RO,
        }
        /// Component Type Register.
        UART2_CTR_REG @ 0xfc = 0x44570110 {
            UART_CTR: 0..=31 RO,
        }
    }
}

mb4_periph::regmap! {
    /// UART3 registers (`UART3_Type`).
    pub mod uart3_regs {
        /// Receive Buffer Register.
        UART3_RBR_THR_DLL_REG @ 0x00 = 0 {
            RBR_THR_DLL: 0..=7 RW,
            RBR_THR_9BIT: 8..=8 RW,
        }
        /// Interrupt Enable Register.
        UART3_IER_DLH_REG @ 0x04 = 0 {
            ERBFI_DLH0: 0..=0 RW,
            ETBEI_DLH1: 1..=1 RW,
            ELSI_DLH2: 2..=2 RW,
            EDSSI_DLH3: 3..=3 RW,
            ELCOLR_DLH4: 4..=4 RW,
            DLH6_5: 5..=6 RW,
            PTIME_DLH7: 7..=7 RW,
        }
        /// Interrupt Identification Register/FIFO Control.
        UART3_IIR_FCR_REG @ 0x08 = 0 {
            IIR_FCR: 0..=7 RW,
        }
        /// Line Control Register.
        UART3_LCR_REG @ 0x0c = 0 {
            UART_DLS: 0..=1 RW,
            UART_STOP: 2..=2 RW,
            UART_PEN: 3..=3 RW,
            UART_EPS: 4..=4 RW,
            UART_SP: 5..=5 RW,
            UART_BC: 6..=6 RW,
            UART_DLAB: 7..=7 RW,
        }
        /// Modem Control Register.
        UART3_MCR_REG @ 0x10 = 0 {
            UART_RTS: 1..=1 RW,
            UART_LB: 4..=4 RW,
            UART_AFCE: 5..=5 RW,
        }
        /// Line Status Register.
        UART3_LSR_REG @ 0x14 = 0 {
            UART_DR: 0..=0 RO,
            UART_OE: 1..=1 RO,
            UART_PE: 2..=2 RO,
            UART_FE: 3..=3 RO,
            UART_BI: 4..=4 RO,
            UART_THRE: 5..=5 RO,
            UART_TEMT: 6..=6 RO,
            UART_RFE: 7..=7 RO,
            UART_ADDR_RCVD: 8..=8 RO,
        }
        /// Modem Status Register.
        UART3_MSR_REG @ 0x18 = 0 {
            UART_DCTS: 0..=0 Tag,
            UART_CTS: 4..=4 Tag,
        }
        /// ISO7816 Config Register.
        UART3_CONFIG_REG @ 0x1c = 0 {
            ISO7816_CONVENTION: 0..=0 Tag,
            ISO7816_ERR_SIG_EN: 1..=1 Tag,
            ISO7816_ENABLE: 2..=2 Tag,
            ISO7816_SCRATCH_PAD: 3..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR0_REG @ 0x30 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR1_REG @ 0x34 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR2_REG @ 0x38 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR3_REG @ 0x3c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR4_REG @ 0x40 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR5_REG @ 0x44 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR6_REG @ 0x48 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR7_REG @ 0x4c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR8_REG @ 0x50 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR9_REG @ 0x54 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR10_REG @ 0x58 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR11_REG @ 0x5c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR12_REG @ 0x60 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR13_REG @ 0x64 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR14_REG @ 0x68 = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// Shadow Receive/Transmit Buffer Register.
        UART3_SRBR_STHR15_REG @ 0x6c = 0 {
            SRBR_STHRx: 0..=7 Tag,
        }
        /// UART Status register.
        UART3_USR_REG @ 0x7c = 0 {
            UART_BUSY: 0..=0 RO,
            UART_TFNF: 1..=1 RO,
            UART_TFE: 2..=2 RO,
            UART_RFNE: 3..=3 RO,
            UART_RFF: 4..=4 RO,
        }
        /// Transmit FIFO Level.
        UART3_TFL_REG @ 0x80 = 0 {
            UART_TRANSMIT_FIFO_LEVEL: 0..=4 RO,
        }
        /// Receive FIFO Level.
        UART3_RFL_REG @ 0x84 = 0 {
            UART_RECEIVE_FIFO_LEVEL: 0..=4 RO,
        }
        /// Software Reset Register.
        UART3_SRR_REG @ 0x88 = 0 {
            UART_UR: 0..=0 WO,
            UART_RFR: 1..=1 WO,
            UART_XFR: 2..=2 WO,
        }
        /// Shadow Request to Send.
        UART3_SRTS_REG @ 0x8c = 0 {
            UART_SHADOW_REQUEST_TO_SEND: 0..=0 Tag,
        }
        /// Shadow Break Control Register.
        UART3_SBCR_REG @ 0x90 = 0 {
            UART_SHADOW_BREAK_CONTROL: 0..=0 Tag,
        }
        /// Shadow DMA Mode.
        UART3_SDMAM_REG @ 0x94 = 0 {
            UART_SHADOW_DMA_MODE: 0..=0 Tag,
        }
        /// Shadow FIFO Enable.
        UART3_SFE_REG @ 0x98 = 0 {
            UART_SHADOW_FIFO_ENABLE: 0..=0 RW,
        }
        /// Shadow RCVR Trigger.
        UART3_SRT_REG @ 0x9c = 0 {
            UART_SHADOW_RCVR_TRIGGER: 0..=1 RW,
        }
        /// Shadow TX Empty Trigger.
        UART3_STET_REG @ 0xa0 = 0 {
            UART_SHADOW_TX_EMPTY_TRIGGER: 0..=1 RW,
        }
        /// Halt TX.
        UART3_HTX_REG @ 0xa4 = 0 {
            UART_HALT_TX: 0..=0 Tag,
        }
        /// DMA Software Acknowledge.
        UART3_DMASA_REG @ 0xa8 = 0 {
            UART_DMASA: 0..=0 Tag,
        }
        /// Divisor Latch Fraction Register.
        UART3_DLF_REG @ 0xc0 = 0 {
            UART_DLF: 0..=3 RW,
        }
        /// Receive Address Register.
        UART3_RAR_REG @ 0xc4 = 0 {
            UART_RAR: 0..=7 Tag,
        }
        /// Transmit Address Register.
        UART3_TAR_REG @ 0xc8 = 0 {
            UART_TAR: 0..=7 Tag,
        }
        /// Line Extended Control Register.
        UART3_LCR_EXT @ 0xcc = 0 {
            UART_DLS_E: 0..=0 Tag,
            UART_ADDR_MATCH: 1..=1 Tag,
            UART_SEND_ADDR: 2..=2 Tag,
            UART_TRANSMIT_MODE: 3..=3 Tag,
        }
        /// ISO7816 Control Register.
        UART3_CTRL_REG @ 0xe0 = 0 {
            ISO7816_CLK_DIV: 0..=4 Tag,
            ISO7816_CLK_EN: 5..=5 Tag,
            ISO7816_CLK_LEVEL: 6..=6 Tag,
            ISO7816_CLK_STATUS: 7..=7 Tag,
            ISO7816_TIM_EXPIRED_IRQMASK: 8..=8 Tag,
            ISO7816_ERR_TX_TIME_IRQMASK: 9..=9 Tag,
            ISO7816_ERR_TX_VALUE_IRQMASK: 10..=10 Tag,
            ISO7816_AUTO_GT: 11..=11 Tag,
        }
        /// ISO7816 Timer Register.
        UART3_TIMER_REG @ 0xe4 = 0 {
            ISO7816_TIM_MAX: 0..=15 Tag,
            ISO7816_TIM_EN: 16..=16 Tag,
            ISO7816_TIM_MODE: 17..=17 Tag,
        }
        /// ISO7816 Error Signal Control Register.
        UART3_ERR_CTRL_REG @ 0xe8 = 0 {
            ISO7816_ERR_PULSE_OFFSET: 0..=3 Tag,
            ISO7816_ERR_PULSE_WIDTH: 4..=8 Tag,
        }
        /// ISO7816 Interrupt Status Register.
        UART3_IRQ_STATUS_REG @ 0xec = 0 {
            ISO7816_TIM_EXPIRED_IRQ: 0..=0 Tag,
            ISO7816_ERR_TX_TIME_IRQ: 1..=1 Tag,
            ISO7816_ERR_TX_VALUE_IRQ: 2..=2 Tag,
        }
        /// Component Version.
        UART3_UCV_REG @ 0xf8 = 0x3430312A {
            UART_UCV: 0..=31 RO,
        }
        /// Component Type Register.
        UART3_CTR_REG @ 0xfc = 0x44570110 {
            UART_CTR: 0..=31 RO,
        }
    }
}

use uart_regs::{
    UART_IER_DLH_REG as IER, UART_LCR_REG as LCR, UART_LSR_REG as LSR, UART_USR_REG as USR,
};

const RBR_THR_DLL: u32 = 0x00;
const IER_DLH: u32 = 0x04;
const IIR_FCR: u32 = 0x08;
const LCR_OFF: u32 = 0x0C;
const LSR_OFF: u32 = 0x14;
const USR_OFF: u32 = 0x7C;
const TFL_OFF: u32 = 0x80;
const RFL_OFF: u32 = 0x84;
const SRR_OFF: u32 = 0x88;
const SFE_OFF: u32 = 0x98;
const SRT_OFF: u32 = 0x9C;
const STET_OFF: u32 = 0xA0;
const DLF_OFF: u32 = 0xC0;

/// FIFO depth.
pub const FIFO: usize = 16;
/// The UART clock (DIVN).
pub const UART_CLK_HZ: u64 = 32_000_000;

/// Which of the three UARTs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Which {
    /// Block name.
    pub name: &'static str,
    /// Register table.
    pub block: &'static [RegDef],
    /// Interrupt line.
    pub irq: u32,
}

/// UART (IRQ 5), the console of `da1469x_dk_pro`.
pub const UART: Which = Which {
    name: "UART",
    block: uart_regs::BLOCK,
    irq: 5,
};
/// UART2 (IRQ 6).
pub const UART2: Which = Which {
    name: "UART2",
    block: uart2_regs::BLOCK,
    irq: 6,
};
/// UART3 (IRQ 7).
pub const UART3: Which = Which {
    name: "UART3",
    block: uart3_regs::BLOCK,
    irq: 7,
};

/// A DesignWare UART.
#[derive(Debug, Clone)]
pub struct Uart {
    which: Which,
    regs: Regs,
    dll: u32,
    dlh: u32,
    ier: u32,
    fifo_enabled: bool,
    tx_trigger: u32,
    rx_trigger: u32,
    tx: VecDeque<u8>,
    /// The byte in the shift register and when it is out.
    shifting: Option<(u8, Instant)>,
    rx: VecDeque<u8>,
    overrun: bool,
    thre_ack: bool,
    out: Vec<u8>,
    /// Unmodelled writes, for the bus to report.
    pub notes: Notes,
}

impl Uart {
    /// A UART at power-on.
    pub fn new(which: Which) -> Uart {
        Uart {
            which,
            regs: Regs::new(which.block),
            dll: 0,
            dlh: 0,
            ier: 0,
            fifo_enabled: false,
            tx_trigger: 0,
            rx_trigger: 0,
            tx: VecDeque::new(),
            shifting: None,
            rx: VecDeque::new(),
            overrun: false,
            thre_ack: false,
            out: Vec::new(),
            notes: Notes::default(),
        }
    }

    /// Which UART this is.
    pub fn which(&self) -> Which {
        self.which
    }

    /// Bytes transmitted since the last call.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Bytes arrive on RX. Those that do not fit the FIFO are lost (overrun).
    pub fn inject(&mut self, bytes: &[u8], cx: &mut Context<'_>) {
        for &b in bytes {
            if self.rx.len() < self.depth() {
                self.rx.push_back(b);
            } else {
                self.overrun = true;
            }
        }
        self.update_irq(cx);
    }

    /// Room left in the RX FIFO.
    pub fn rx_room(&self) -> usize {
        self.depth() - self.rx.len()
    }

    fn depth(&self) -> usize {
        if self.fifo_enabled { FIFO } else { 1 }
    }

    fn lcr(&self) -> u32 {
        self.regs.get(LCR_OFF)
    }

    /// Baud rate from the divisor latch: clk / (16 × (DLH:DLL + DLF/16)).
    pub fn baud(&self) -> Option<u64> {
        let div16 = u64::from((self.dlh << 8 | self.dll) * 16 + (self.regs.get(DLF_OFF) & 0xF));
        (div16 > 0).then(|| UART_CLK_HZ / div16)
    }

    /// Time one character takes on the wire (115200 baud if no divisor is set).
    pub fn char_time(&self) -> u64 {
        let lcr = self.lcr();
        let bits = 1
            + 5
            + u64::from(LCR::UART_DLS.get(lcr))
            + u64::from(LCR::UART_PEN.get(lcr))
            + 1
            + u64::from(LCR::UART_STOP.get(lcr));
        let div16 = u64::from((self.dlh << 8 | self.dll) * 16 + (self.regs.get(DLF_OFF) & 0xF));
        if div16 == 0 {
            return bits * PS_PER_SECOND / 115_200;
        }
        // bits × 16 × divisor / clk, exactly.
        bits * div16 * PS_PER_SECOND / UART_CLK_HZ
    }

    fn tx_level_low(&self) -> bool {
        let ptime = IER::PTIME_DLH7.is_set(self.ier);
        if ptime && self.fifo_enabled {
            let limit = [0, 2, FIFO / 4, FIFO / 2][self.tx_trigger as usize & 3];
            self.tx.len() <= limit
        } else {
            self.tx.is_empty()
        }
    }

    fn rx_level_reached(&self) -> bool {
        if !self.fifo_enabled {
            return !self.rx.is_empty();
        }
        let limit = [1, FIFO / 4, FIFO / 2, FIFO - 2][self.rx_trigger as usize & 3];
        self.rx.len() >= limit
    }

    /// The pending interrupt with the highest priority, as an IIR code.
    fn iir_code(&self) -> u32 {
        if IER::ELSI_DLH2.is_set(self.ier) && self.overrun {
            0x6
        } else if IER::ERBFI_DLH0.is_set(self.ier) && self.rx_level_reached() {
            0x4
        } else if IER::ERBFI_DLH0.is_set(self.ier) && !self.rx.is_empty() {
            // Character timeout: data waits below the trigger level.
            0xC
        } else if IER::ETBEI_DLH1.is_set(self.ier) && self.tx_level_low() && !self.thre_ack {
            0x2
        } else {
            0x1
        }
    }

    fn update_irq(&mut self, cx: &mut Context<'_>) {
        let on = self.iir_code() != 0x1;
        cx.irqs.set(self.which.irq, on);
    }

    /// Move bytes through the transmitter up to `now`.
    fn pump(&mut self, now: Instant) {
        let was_low = self.tx_level_low();
        loop {
            match self.shifting {
                Some((b, done)) if now >= done => {
                    self.out.push(b);
                    self.shifting = self
                        .tx
                        .pop_front()
                        .map(|n| (n, Instant(done.0 + self.char_time())));
                }
                Some(_) => break,
                None => match self.tx.pop_front() {
                    Some(n) => self.shifting = Some((n, Instant(now.0 + self.char_time()))),
                    None => break,
                },
            }
        }
        if !was_low && self.tx_level_low() {
            self.thre_ack = false;
        }
    }

    fn lsr(&self) -> u32 {
        let ptime = IER::PTIME_DLH7.is_set(self.ier) && self.fifo_enabled;
        let thre = if ptime {
            self.tx.len() < self.depth()
        } else {
            self.tx.is_empty()
        };
        let mut v = 0;
        v = LSR::UART_DR.set(v, u32::from(!self.rx.is_empty()));
        v = LSR::UART_OE.set(v, u32::from(self.overrun));
        v = LSR::UART_THRE.set(v, u32::from(thre));
        v = LSR::UART_TEMT.set(v, u32::from(self.tx.is_empty() && self.shifting.is_none()));
        v
    }

    fn usr(&self) -> u32 {
        let mut v = 0;
        v = USR::UART_BUSY.set(v, u32::from(!self.tx.is_empty() || self.shifting.is_some()));
        v = USR::UART_TFNF.set(v, u32::from(self.tx.len() < self.depth()));
        v = USR::UART_TFE.set(v, u32::from(self.tx.is_empty()));
        v = USR::UART_RFNE.set(v, u32::from(!self.rx.is_empty()));
        v = USR::UART_RFF.set(v, u32::from(self.rx.len() >= self.depth()));
        v
    }

    fn fcr(&mut self, v: u32) {
        let enable = v & 1 != 0;
        if enable != self.fifo_enabled {
            self.tx.clear();
            self.rx.clear();
        }
        self.fifo_enabled = enable;
        if v & 2 != 0 {
            self.rx.clear();
        }
        if v & 4 != 0 {
            self.tx.clear();
        }
        self.tx_trigger = v >> 4 & 3;
        self.rx_trigger = v >> 6 & 3;
        self.regs.set(SFE_OFF, u32::from(enable));
        self.regs.set(SRT_OFF, self.rx_trigger);
        self.regs.set(STET_OFF, self.tx_trigger);
    }
}

impl Device for Uart {
    fn name(&self) -> &'static str {
        self.which.name
    }

    fn read(&mut self, offset: u32, size: u8, cx: &mut Context<'_>) -> Result<u32, RegError> {
        self.pump(cx.now);
        // Checks width and that the register exists.
        self.regs.read(offset, size)?;
        let dlab = LCR::UART_DLAB.is_set(self.lcr());
        let v = match offset & !3 {
            RBR_THR_DLL if dlab => self.dll,
            RBR_THR_DLL => self.rx.pop_front().map_or(0, u32::from),
            IER_DLH if dlab => self.dlh,
            IER_DLH => self.ier,
            IIR_FCR => {
                let code = self.iir_code();
                if code == 0x2 {
                    self.thre_ack = true;
                }
                code | if self.fifo_enabled { 0xC0 } else { 0 }
            }
            LSR_OFF => {
                let v = self.lsr();
                self.overrun = false;
                v
            }
            USR_OFF => self.usr(),
            TFL_OFF => self.tx.len() as u32,
            RFL_OFF => self.rx.len() as u32,
            SFE_OFF => u32::from(self.fifo_enabled),
            SRT_OFF => self.rx_trigger,
            STET_OFF => self.tx_trigger,
            o => self.regs.get(o),
        };
        self.update_irq(cx);
        Ok((v >> ((offset & 3) * 8)) & (u32::MAX >> (32 - 8 * u32::from(size))))
    }

    fn write(
        &mut self,
        offset: u32,
        size: u8,
        value: u32,
        cx: &mut Context<'_>,
    ) -> Result<(), RegError> {
        self.pump(cx.now);
        let w = self
            .notes
            .write(self.which.name, &mut self.regs, offset, size, value)?;
        let dlab = LCR::UART_DLAB.is_set(self.lcr());
        let v = w.written;
        match w.offset {
            RBR_THR_DLL if dlab => self.dll = v & 0xFF,
            RBR_THR_DLL => {
                if self.tx.len() < self.depth() {
                    self.tx.push_back(v as u8);
                    self.thre_ack = false;
                }
                self.pump(cx.now);
            }
            IER_DLH if dlab => self.dlh = v & 0xFF,
            IER_DLH => {
                self.ier = v & 0x8F;
                self.thre_ack = false;
            }
            IIR_FCR => self.fcr(v),
            SRR_OFF => {
                if v & 1 != 0 {
                    let (which, out) = (self.which, std::mem::take(&mut self.out));
                    *self = Uart::new(which);
                    self.out = out;
                }
                if v & 2 != 0 {
                    self.rx.clear();
                }
                if v & 4 != 0 {
                    self.tx.clear();
                }
            }
            SFE_OFF => {
                let f = u32::from(v & 1 != 0) | self.rx_trigger << 6 | self.tx_trigger << 4;
                self.fcr(f);
            }
            SRT_OFF => self.rx_trigger = v & 3,
            STET_OFF => self.tx_trigger = v & 3,
            _ => {}
        }
        self.update_irq(cx);
        Ok(())
    }

    fn next_event(&self) -> Option<Instant> {
        self.shifting.map(|(_, at)| at)
    }

    fn advance(&mut self, cx: &mut Context<'_>) {
        self.pump(cx.now);
        self.update_irq(cx);
    }

    fn reset(&mut self) {
        *self = Uart::new(self.which);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mb4_periph::device::IrqLines;

    fn cx(l: &mut IrqLines, ps: u64) -> Context<'_> {
        Context {
            now: Instant(ps),
            irqs: l,
        }
    }

    /// Zephyr's uart_smartbond_configure for 115200 8N1 with FIFOs.
    fn configure(u: &mut Uart, l: &mut IrqLines) {
        u.write(SRR_OFF, 4, 7, &mut cx(l, 0)).unwrap();
        u.write(LCR_OFF, 4, 0x80, &mut cx(l, 0)).unwrap();
        u.write(IER_DLH, 4, 0, &mut cx(l, 0)).unwrap();
        u.write(RBR_THR_DLL, 4, 17, &mut cx(l, 0)).unwrap();
        u.write(DLF_OFF, 4, 6, &mut cx(l, 0)).unwrap();
        u.write(LCR_OFF, 4, 0x03, &mut cx(l, 0)).unwrap();
        u.write(SFE_OFF, 4, 1, &mut cx(l, 0)).unwrap();
    }

    #[test]
    fn baud_rate_and_transmit_timing() {
        let mut u = Uart::new(UART);
        let mut l = IrqLines::default();
        configure(&mut u, &mut l);
        assert_eq!(u.baud(), Some(32_000_000 / (17 * 16 + 6)));
        let ct = u.char_time();
        assert_eq!(ct, 10 * 278 * PS_PER_SECOND / 32_000_000);
        for b in b"hi\n" {
            u.write(RBR_THR_DLL, 4, u32::from(*b), &mut cx(&mut l, 0))
                .unwrap();
        }
        let usr = u.read(USR_OFF, 4, &mut cx(&mut l, 1)).unwrap();
        assert_eq!(usr & 0b111, 0b011, "busy, FIFO not full, not empty");
        assert_eq!(u.next_event(), Some(Instant(ct)));
        let mut c = cx(&mut l, 3 * ct);
        u.advance(&mut c);
        assert_eq!(u.take_output(), b"hi\n");
        let lsr = u.read(LSR_OFF, 4, &mut c).unwrap();
        assert_eq!(lsr & 0x60, 0x60, "THRE and TEMT");
    }

    #[test]
    fn tx_fifo_fills_and_tfnf_drops() {
        let mut u = Uart::new(UART2);
        let mut l = IrqLines::default();
        configure(&mut u, &mut l);
        for i in 0..17u32 {
            u.write(RBR_THR_DLL, 4, i, &mut cx(&mut l, 0)).unwrap();
        }
        // One byte in the shifter, 16 in the FIFO.
        assert_eq!(u.read(TFL_OFF, 4, &mut cx(&mut l, 0)).unwrap(), 16);
        assert_eq!(
            u.read(USR_OFF, 4, &mut cx(&mut l, 0)).unwrap() & 2,
            0,
            "TFNF clear"
        );
    }

    #[test]
    fn receive_interrupt_and_iir() {
        let mut u = Uart::new(UART);
        let mut l = IrqLines::default();
        configure(&mut u, &mut l);
        u.write(IER_DLH, 4, 1, &mut cx(&mut l, 0)).unwrap(); // ERBFI
        assert!(!l.is_high(5));
        u.inject(b"ok", &mut cx(&mut l, 0));
        assert!(l.is_high(5));
        assert_eq!(u.read(IIR_FCR, 4, &mut cx(&mut l, 0)).unwrap(), 0xC4);
        assert_eq!(u.read(LSR_OFF, 4, &mut cx(&mut l, 0)).unwrap() & 1, 1);
        assert_eq!(u.read(RFL_OFF, 4, &mut cx(&mut l, 0)).unwrap(), 2);
        assert_eq!(
            u.read(RBR_THR_DLL, 4, &mut cx(&mut l, 0)).unwrap(),
            u32::from(b'o')
        );
        assert_eq!(
            u.read(RBR_THR_DLL, 4, &mut cx(&mut l, 0)).unwrap(),
            u32::from(b'k')
        );
        assert!(!l.is_high(5));
        assert_eq!(u.read(IIR_FCR, 4, &mut cx(&mut l, 0)).unwrap(), 0xC1);
    }

    #[test]
    fn thre_interrupt_is_cleared_by_reading_iir() {
        let mut u = Uart::new(UART);
        let mut l = IrqLines::default();
        configure(&mut u, &mut l);
        u.write(IER_DLH, 4, 2, &mut cx(&mut l, 0)).unwrap(); // ETBEI
        assert!(l.is_high(5));
        assert_eq!(u.read(IIR_FCR, 4, &mut cx(&mut l, 0)).unwrap() & 0xF, 0x2);
        assert!(!l.is_high(5));
        u.write(RBR_THR_DLL, 4, u32::from(b'x'), &mut cx(&mut l, 0))
            .unwrap();
        let ct = u.char_time();
        let mut c = cx(&mut l, ct);
        u.advance(&mut c);
        assert!(c.irqs.is_high(5), "empty again");
    }

    #[test]
    fn unknown_offset_is_refused() {
        let mut u = Uart::new(UART);
        let mut l = IrqLines::default();
        assert!(
            u.read(0x18, 4, &mut cx(&mut l, 0)).is_err(),
            "UART has no MSR"
        );
        let mut u2 = Uart::new(UART2);
        assert!(u2.read(0x18, 4, &mut cx(&mut l, 0)).is_ok(), "UART2 has");
    }
}
