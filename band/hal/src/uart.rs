//! The UART as a write-only console (8N1, polled), as Zephyr's
//! `uart_smartbond.c` drives it: FIFO mode, wait for "TX FIFO not full".

use crate::mmio;
use crate::regs::{crg_com, uart};

/// UART input clock: DIVN, 32 MHz whatever `sys_clk` is.
const UART_CLK_HZ: u32 = 32_000_000;

/// The console UART.
#[derive(Debug)]
pub struct Uart(());

impl Uart {
    /// Clock the UART (PD_COM must be up) and set `baud`, 8 data bits, no parity, 1 stop bit.
    pub fn init(baud: u32) -> Uart {
        mmio::write(crg_com::SET_CLK_COM_REG, crg_com::UART_ENABLE);
        // Divisor in 1/16ths: DLL/DLH take the integer part, DLF the fraction.
        let div16 = (UART_CLK_HZ + baud / 2) / baud;
        let (int, frac) = (div16 / 16, div16 % 16);
        mmio::write(uart::UART_LCR_REG, uart::LCR_DLAB);
        mmio::write(uart::UART_RBR_THR_DLL_REG, int & 0xFF);
        mmio::write(uart::UART_IER_DLH_REG, (int >> 8) & 0xFF);
        mmio::write(uart::UART_DLF_REG, frac);
        mmio::write(uart::UART_LCR_REG, uart::LCR_DLS_8BIT);
        mmio::write(uart::UART_IIR_FCR_REG, uart::FCR_FIFO_EN_RESET);
        mmio::write(uart::UART_IER_DLH_REG, 0);
        Uart(())
    }

    /// Send one byte.
    pub fn write_byte(&mut self, b: u8) {
        mmio::wait_until(uart::UART_USR_REG, |v| v & uart::USR_TFNF != 0);
        mmio::write(uart::UART_RBR_THR_DLL_REG, b as u32);
    }

    /// Wait until every byte has left the shift register.
    pub fn flush(&mut self) {
        mmio::wait_until(uart::UART_LSR_REG, |v| v & uart::LSR_TEMT != 0);
    }
}

impl core::fmt::Write for Uart {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for b in s.bytes() {
            if b == b'\n' {
                self.write_byte(b'\r');
            }
            self.write_byte(b);
        }
        Ok(())
    }
}
