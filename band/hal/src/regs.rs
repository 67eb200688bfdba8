//! Addresses and bit fields, named as in `DA1469xAB.h` v1.2.
//!
//! One module per register block; `BASE` is the block's `*_BASE`, registers
//! are absolute addresses, and fields are `(1 << *_Pos)` masks or `*_Pos`
//! shifts. Only what the band programs use is here.

// `BASE + 0x00` keeps every register's offset visible, as in the header.
#![allow(clippy::identity_op)]

/// `CRG_TOP`: power management, clock selection, system control.
pub mod crg_top {
    pub const BASE: u32 = 0x5000_0000;
    pub const CLK_AMBA_REG: u32 = BASE + 0x00;
    pub const CLK_CTRL_REG: u32 = BASE + 0x14;
    pub const CLK_SWITCH2XTAL_REG: u32 = BASE + 0x1C;
    pub const PMU_CTRL_REG: u32 = BASE + 0x20;
    pub const SYS_CTRL_REG: u32 = BASE + 0x24;
    pub const SYS_STAT_REG: u32 = BASE + 0x28;
    pub const CLK_XTAL32K_REG: u32 = BASE + 0x40;
    pub const P0_SET_PAD_LATCH_REG: u32 = BASE + 0x74;
    pub const P1_SET_PAD_LATCH_REG: u32 = BASE + 0x80;

    /// `CLK_CTRL_REG` fields.
    pub const CLK_CTRL_SYS_CLK_SEL_MSK: u32 = 0x3;
    pub const CLK_CTRL_LP_CLK_SEL_POS: u32 = 2;
    pub const CLK_CTRL_LP_CLK_SEL_MSK: u32 = 0x3 << 2;
    pub const CLK_CTRL_RUNNING_AT_RC32M: u32 = 1 << 13;
    pub const CLK_CTRL_RUNNING_AT_XTAL32M: u32 = 1 << 14;
    pub const CLK_CTRL_RUNNING_AT_PLL96M: u32 = 1 << 15;
    /// `CLK_SWITCH2XTAL_REG.SWITCH2XTAL`.
    pub const SWITCH2XTAL: u32 = 1 << 0;
    /// `CLK_XTAL32K_REG.XTAL32K_ENABLE`.
    pub const XTAL32K_ENABLE: u32 = 1 << 0;

    /// `PMU_CTRL_REG` sleep bits: 1 powers the domain down.
    pub const PMU_CTRL_PERIPH_SLEEP: u32 = 1 << 0;
    pub const PMU_CTRL_RADIO_SLEEP: u32 = 1 << 1;
    pub const PMU_CTRL_TIM_SLEEP: u32 = 1 << 2;
    pub const PMU_CTRL_COM_SLEEP: u32 = 1 << 3;

    /// `SYS_STAT_REG` "is up" bits.
    pub const SYS_STAT_PER_IS_UP: u32 = 1 << 3;
    pub const SYS_STAT_TIM_IS_UP: u32 = 1 << 9;
    pub const SYS_STAT_COM_IS_UP: u32 = 1 << 11;
}

/// `CRG_XTAL`: the 32 MHz crystal and the PLL.
pub mod crg_xtal {
    pub const BASE: u32 = 0x5001_0000;
    pub const XTALRDY_STAT_REG: u32 = BASE + 0x1C;
    pub const XTAL32M_CTRL1_REG: u32 = BASE + 0x34;
    pub const XTAL32M_STAT1_REG: u32 = BASE + 0x54;
    /// `XTAL32M_CTRL1_REG.XTAL32M_XTAL_ENABLE`.
    pub const XTAL32M_XTAL_ENABLE: u32 = 1 << 23;
    /// `XTALRDY_STAT_REG.XTALRDY_COUNT` (bits 15:8): counts down to 0 when settled.
    pub const XTALRDY_COUNT_MSK: u32 = 0xFF << 8;
    /// `XTAL32M_STAT1_REG.XTAL32M_STATE` (bits 3:0); 8 is XTAL_RUN.
    pub const XTAL32M_STATE_MSK: u32 = 0xF;
    pub const XTAL32M_STATE_RUN: u32 = 0x8;
}

/// `PDC`: the power domain controller (wake-up lookup table).
pub mod pdc {
    pub const BASE: u32 = 0x5000_0200;
    /// `PDC_CTRL0_REG` .. `PDC_CTRL15_REG`, 4 bytes apart.
    pub const fn ctrl_reg(i: u32) -> u32 {
        BASE + 4 * i
    }
    pub const ENTRIES: u32 = 16;
    pub const PDC_ACKNOWLEDGE_REG: u32 = BASE + 0x80;
    pub const PDC_PENDING_REG: u32 = BASE + 0x84;
    pub const PDC_SET_PENDING_REG: u32 = BASE + 0x94;
    /// `PDC_CTRLn_REG` fields.
    pub const TRIG_SELECT_POS: u32 = 0;
    pub const TRIG_SELECT_MSK: u32 = 0x3;
    pub const TRIG_ID_POS: u32 = 2;
    pub const TRIG_ID_MSK: u32 = 0x1F << 2;
    pub const EN_XTAL: u32 = 1 << 7;
    pub const EN_TMR: u32 = 1 << 8;
    pub const EN_PER: u32 = 1 << 9;
    pub const EN_COM: u32 = 1 << 10;
    pub const PDC_MASTER_POS: u32 = 11;
    pub const PDC_MASTER_MSK: u32 = 0x3 << 11;
    /// Trigger select 2 with id 15: the software trigger (`MCU_PDC_TRIGGER_SW_TRIGGER`
    /// = 0x40 | 15 in hal_renesas `da1469x_pdc.h`, split as select = 0x4F >> 5, id = 0x4F & 0x1F).
    pub const SW_TRIGGER_SELECT: u32 = 0x4F >> 5;
    pub const SW_TRIGGER_ID: u32 = 0x4F & 0x1F;
    /// Master 1: the Cortex-M33 (`MCU_PDC_MASTER_M33`).
    pub const MASTER_M33: u32 = 1;
}

/// `CRG_COM`: clocks of the communication blocks (in PD_COM).
pub mod crg_com {
    pub const BASE: u32 = 0x5002_0900;
    pub const CLK_COM_REG: u32 = BASE + 0x04;
    pub const SET_CLK_COM_REG: u32 = BASE + 0x08;
    pub const RESET_CLK_COM_REG: u32 = BASE + 0x0C;
    /// `CLK_COM_REG.UART_ENABLE`.
    pub const UART_ENABLE: u32 = 1 << 0;
}

/// `CRG_SYS`: clocks of system-bus blocks (LCDC).
pub mod crg_sys {
    pub const BASE: u32 = 0x5004_0500;
    pub const CLK_SYS_REG: u32 = BASE + 0x00;
    /// `CLK_SYS_REG.LCD_ENABLE`.
    pub const LCD_ENABLE: u32 = 1 << 0;
    /// `CLK_SYS_REG.LCD_CLK_SEL`: 0 = DIVN (32 MHz), 1 = DIV1 (system clock).
    pub const LCD_CLK_SEL: u32 = 1 << 1;
}

/// `GPIO`: data and per-pin mode registers.
pub mod gpio {
    pub const BASE: u32 = 0x5002_0A00;
    pub const P0_DATA_REG: u32 = BASE + 0x00;
    pub const P1_DATA_REG: u32 = BASE + 0x04;
    pub const P0_SET_DATA_REG: u32 = BASE + 0x08;
    pub const P1_SET_DATA_REG: u32 = BASE + 0x0C;
    pub const P0_RESET_DATA_REG: u32 = BASE + 0x10;
    pub const P1_RESET_DATA_REG: u32 = BASE + 0x14;
    /// `P0_00_MODE_REG`; P0_nn is 4 * nn further on.
    pub const P0_00_MODE_REG: u32 = BASE + 0x18;
    /// `P1_00_MODE_REG`.
    pub const P1_00_MODE_REG: u32 = BASE + 0x98;
    /// `Px_yy_MODE_REG.PUPD` (bits 9:8): 0 input, 1 pull-up, 2 pull-down, 3 output.
    pub const PUPD_POS: u32 = 8;
    /// `Px_yy_MODE_REG.PID` (bits 5:0): the pin's function.
    pub const PID_MSK: u32 = 0x3F;
}

/// `UART` (the first of three; a Synopsys 16550-style block).
pub mod uart {
    pub const BASE: u32 = 0x5002_0000;
    pub const UART_RBR_THR_DLL_REG: u32 = BASE + 0x00;
    pub const UART_IER_DLH_REG: u32 = BASE + 0x04;
    pub const UART_IIR_FCR_REG: u32 = BASE + 0x08;
    pub const UART_LCR_REG: u32 = BASE + 0x0C;
    pub const UART_MCR_REG: u32 = BASE + 0x10;
    pub const UART_LSR_REG: u32 = BASE + 0x14;
    pub const UART_USR_REG: u32 = BASE + 0x7C;
    pub const UART_SRR_REG: u32 = BASE + 0x88;
    pub const UART_DLF_REG: u32 = BASE + 0xC0;
    /// `UART_LCR_REG` fields.
    pub const LCR_DLAB: u32 = 1 << 7;
    pub const LCR_DLS_8BIT: u32 = 0x3;
    /// `UART_LSR_REG` fields.
    pub const LSR_THRE: u32 = 1 << 5;
    pub const LSR_TEMT: u32 = 1 << 6;
    /// `UART_USR_REG` fields.
    pub const USR_BUSY: u32 = 1 << 0;
    pub const USR_TFNF: u32 = 1 << 1;
    /// FCR: FIFO enable, reset RX and TX FIFOs.
    pub const FCR_FIFO_EN_RESET: u32 = 0x07;
}

/// `TIMER2`: a 24-bit timer that can run from the low-power clock (in PD_TIM).
pub mod timer2 {
    pub const BASE: u32 = 0x5001_0300;
    pub const TIMER2_CTRL_REG: u32 = BASE + 0x00;
    pub const TIMER2_TIMER_VAL_REG: u32 = BASE + 0x04;
    pub const TIMER2_STATUS_REG: u32 = BASE + 0x08;
    pub const TIMER2_RELOAD_REG: u32 = BASE + 0x14;
    pub const TIMER2_PRESCALER_REG: u32 = BASE + 0x1C;
    pub const TIMER2_CLEAR_IRQ_REG: u32 = BASE + 0x34;
    /// `TIMER2_CTRL_REG` fields.
    pub const TIM_EN: u32 = 1 << 0;
    pub const TIM_ONESHOT_MODE_EN: u32 = 1 << 1;
    pub const TIM_COUNT_DOWN_EN: u32 = 1 << 2;
    pub const TIM_IRQ_EN: u32 = 1 << 5;
    pub const TIM_FREE_RUN_MODE_EN: u32 = 1 << 6;
    /// 0 = low-power clock, 1 = DIVN (32 MHz).
    pub const TIM_SYS_CLK_EN: u32 = 1 << 7;
    pub const TIM_CLK_EN: u32 = 1 << 8;
}

/// `LCDC`: the LCD controller; here in MIPI-DBI type C (SPI3/SPI4) mode.
pub mod lcdc {
    pub const BASE: u32 = 0x3003_0000;
    pub const LCDC_MODE_REG: u32 = BASE + 0x00;
    pub const LCDC_CLKCTRL_REG: u32 = BASE + 0x04;
    pub const LCDC_BGCOLOR_REG: u32 = BASE + 0x08;
    pub const LCDC_RESXY_REG: u32 = BASE + 0x0C;
    pub const LCDC_FRONTPORCHXY_REG: u32 = BASE + 0x14;
    pub const LCDC_BLANKINGXY_REG: u32 = BASE + 0x18;
    pub const LCDC_BACKPORCHXY_REG: u32 = BASE + 0x1C;
    pub const LCDC_DBIB_CFG_REG: u32 = BASE + 0x28;
    pub const LCDC_GPIO_REG: u32 = BASE + 0x2C;
    pub const LCDC_LAYER0_MODE_REG: u32 = BASE + 0x30;
    pub const LCDC_LAYER0_STARTXY_REG: u32 = BASE + 0x34;
    pub const LCDC_LAYER0_SIZEXY_REG: u32 = BASE + 0x38;
    pub const LCDC_LAYER0_BASEADDR_REG: u32 = BASE + 0x3C;
    pub const LCDC_LAYER0_STRIDE_REG: u32 = BASE + 0x40;
    pub const LCDC_LAYER0_RESXY_REG: u32 = BASE + 0x44;
    pub const LCDC_DBIB_CMD_REG: u32 = BASE + 0xE8;
    pub const LCDC_IDREG_REG: u32 = BASE + 0xF4;
    pub const LCDC_INTERRUPT_REG: u32 = BASE + 0xF8;
    pub const LCDC_STATUS_REG: u32 = BASE + 0xFC;

    /// `LCDC_IDREG_REG` reads this (`LCDC_SMARTBOND_ID`, hal_renesas `da1469x_lcdc.h`).
    pub const ID: u32 = 0x8745_2365;
    /// `LCDC_MODE_REG.LCDC_SFRAME_UPD`: send one frame.
    pub const MODE_SFRAME_UPD: u32 = 1 << 17;
    /// `LCDC_DBIB_CFG_REG` fields.
    pub const DBIB_FMT_MSK: u32 = 0x1F;
    pub const DBIB_SPI_CPOL: u32 = 1 << 19;
    pub const DBIB_SPI_CPHA: u32 = 1 << 20;
    pub const DBIB_SPI4_EN: u32 = 1 << 22;
    pub const DBIB_SPI3_EN: u32 = 1 << 23;
    pub const DBIB_DMA_EN: u32 = 1 << 24;
    pub const DBIB_RESX: u32 = 1 << 25;
    pub const DBIB_TE_DIS: u32 = 1 << 31;
    /// Output colour mode RGB565 (`LCDC_SMARTBOND_OCM_RGB565`).
    pub const OCM_RGB565: u32 = 0x12;
    /// `LCDC_DBIB_CMD_REG` fields.
    pub const CMD_SEND: u32 = 1 << 30;
    /// `LCDC_LAYER0_MODE_REG` fields.
    pub const L0_EN: u32 = 1 << 31;
    /// Layer colour mode RGB565 (`LCDC_SMARTBOND_L0_RGB565`).
    pub const L0_RGB565: u32 = 0x05;
    /// `LCDC_INTERRUPT_REG.LCDC_VSYNC_IRQ_EN`.
    pub const IRQ_VSYNC_EN: u32 = 1 << 0;
    /// `LCDC_STATUS_REG` fields.
    pub const STAT_FRAMEGEN_BUSY: u32 = 1 << 1;
    pub const STAT_DBIB_CMD_FIFO_EMPTY_N: u32 = 1 << 10;
    pub const STAT_DBIB_CMD_FIFO_FULL: u32 = 1 << 11;
    pub const STAT_DBIB_CMD_PENDING: u32 = 1 << 12;
}

/// Interrupt numbers (`IRQn_Type`).
pub mod irqn {
    pub const TIMER2: u32 = 17;
    pub const XTAL32M_RDY: u32 = 26;
    pub const LCD_CONTROLLER: u32 = 32;
}

/// GPIO function ids (`PID` values; `HW_GPIO_FUNC` in the DA1469x SDK's `hw_gpio.h`).
pub mod func {
    pub const GPIO: u32 = 0;
    pub const UART_RX: u32 = 1;
    pub const UART_TX: u32 = 2;
    pub const LCD: u32 = 44;
    pub const LCD_SPI_DC: u32 = 45;
    pub const LCD_SPI_DO: u32 = 46;
    pub const LCD_SPI_CLK: u32 = 47;
    pub const LCD_SPI_EN: u32 = 48;
}
