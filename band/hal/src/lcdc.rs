//! The LCDC as a MIPI-DBI type C (SPI4: clock, data out, D/C, CS) host.
//!
//! Commands and their parameters go byte by byte through the DBIB command FIFO
//! (`LCDC_DBIB_CMD_REG`, `CMD_SEND` set for a command byte, clear for data).
//! Pixels go by DMA: layer 0 points at a frame buffer in RAM and
//! `LCDC_SFRAME_UPD` streams one frame as data bytes, after the software has
//! sent the panel's RAMWR command itself. The sequences follow hal_renesas
//! `da1469x_lcdc.c` and Zephyr's `mipi_dbi_smartbond.c`.

use crate::cpu;
use crate::mmio;
use crate::regs::{crg_sys, irqn, lcdc};

/// The LCDC, clocked and set up for SPI4 with RGB565 output.
#[derive(Debug)]
pub struct Lcdc(());

impl Lcdc {
    /// Clock the block from DIVN (32 MHz; the serial clock is half of it
    /// divided by `LCDC_CLK_DIV` + 1) and check its id register. Returns
    /// `Err(id)` if the id is not the LCDC's.
    pub fn init() -> Result<Lcdc, u32> {
        mmio::modify(
            crg_sys::CLK_SYS_REG,
            crg_sys::LCD_CLK_SEL,
            crg_sys::LCD_ENABLE,
        );
        mmio::write(lcdc::LCDC_CLKCTRL_REG, 0);
        let id = mmio::read(lcdc::LCDC_IDREG_REG);
        if id != lcdc::ID {
            return Err(id);
        }
        // SPI mode 0 (the CPHA/CPOL bits are inverted in this block, per
        // da1469x_lcdc.c), DMA on, RESX high, TE ignored, RGB565 out.
        let cfg = lcdc::DBIB_SPI4_EN
            | lcdc::DBIB_DMA_EN
            | lcdc::DBIB_RESX
            | lcdc::DBIB_SPI_CPHA
            | lcdc::DBIB_SPI_CPOL
            | lcdc::DBIB_TE_DIS
            | lcdc::OCM_RGB565;
        mmio::wait_until(lcdc::LCDC_STATUS_REG, |s| {
            s & lcdc::STAT_DBIB_CMD_FIFO_FULL == 0
        });
        mmio::write(lcdc::LCDC_DBIB_CFG_REG, cfg);
        Ok(Lcdc(()))
    }

    fn push(&mut self, command: bool, byte: u8) {
        let last_was_command = mmio::read(lcdc::LCDC_DBIB_CMD_REG) & lcdc::CMD_SEND != 0;
        if last_was_command != command {
            // D/C must not change under a byte still on the wire (SDK errata
            // 285): when switching between command and data, drain the FIFO.
            mmio::wait_until(lcdc::LCDC_STATUS_REG, |s| {
                s & lcdc::STAT_DBIB_CMD_PENDING == 0
            });
        } else {
            mmio::wait_until(lcdc::LCDC_STATUS_REG, |s| {
                s & lcdc::STAT_DBIB_CMD_FIFO_FULL == 0
            });
        }
        let send = if command { lcdc::CMD_SEND } else { 0 };
        mmio::write(lcdc::LCDC_DBIB_CMD_REG, send | byte as u32);
    }

    /// Send command `cmd` followed by its parameter bytes.
    pub fn command(&mut self, cmd: u8, params: &[u8]) {
        self.push(true, cmd);
        for &p in params {
            self.push(false, p);
        }
    }

    /// Stream one `width` x `height` RGB565 frame from `frame` (row after row,
    /// little-endian 16-bit pixels) as data bytes, and wait for the frame-end
    /// interrupt. Send the panel's window and RAMWR command first.
    pub fn send_frame(&mut self, frame: &[u16], width: u16, height: u16) {
        let (w, h) = (width as u32, height as u32);
        debug_assert!(frame.len() >= (w * h) as usize);
        let stride = (2 * w + 3) & !3;
        mmio::write(lcdc::LCDC_RESXY_REG, (w << 16) | h);
        // No porches for a command-mode panel; the block wants a minimum
        // blanking of 2 pixels by 1 line (da1469x_lcdc.c).
        mmio::write(lcdc::LCDC_FRONTPORCHXY_REG, (w << 16) | h);
        mmio::write(lcdc::LCDC_BLANKINGXY_REG, ((w + 2) << 16) | (h + 1));
        mmio::write(lcdc::LCDC_BACKPORCHXY_REG, ((w + 2) << 16) | (h + 1));
        mmio::write(lcdc::LCDC_LAYER0_BASEADDR_REG, frame.as_ptr() as u32);
        mmio::write(lcdc::LCDC_LAYER0_STARTXY_REG, 0);
        mmio::write(lcdc::LCDC_LAYER0_SIZEXY_REG, (w << 16) | h);
        mmio::write(lcdc::LCDC_LAYER0_RESXY_REG, (w << 16) | h);
        mmio::modify(lcdc::LCDC_LAYER0_STRIDE_REG, 0xFFFF, stride);
        mmio::write(lcdc::LCDC_LAYER0_MODE_REG, lcdc::L0_EN | lcdc::L0_RGB565);

        // Wait for the frame-end (VSYNC) interrupt as pending in the NVIC,
        // asleep, the way clock::xtal32m_start waits for the crystal.
        let was_enabled = cpu::irq_disable();
        cpu::nvic_clear_pending(irqn::LCD_CONTROLLER);
        cpu::nvic_enable(irqn::LCD_CONTROLLER);
        mmio::modify(lcdc::LCDC_INTERRUPT_REG, 0, lcdc::IRQ_VSYNC_EN);
        mmio::modify(lcdc::LCDC_MODE_REG, 0, lcdc::MODE_SFRAME_UPD);
        while !cpu::nvic_is_pending(irqn::LCD_CONTROLLER) {
            cpu::wfe();
            cpu::sev();
            cpu::wfe();
        }
        // The line is a level: disabling the source (any write clears it) drops it.
        mmio::write(lcdc::LCDC_INTERRUPT_REG, 0);
        cpu::nvic_disable(irqn::LCD_CONTROLLER);
        cpu::nvic_clear_pending(irqn::LCD_CONTROLLER);
        if was_enabled {
            cpu::irq_enable();
        }
    }
}
