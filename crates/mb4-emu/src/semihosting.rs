//! ARM semihosting (the "Semihosting for AArch32 and AArch64" specification):
//! the guest executes `BKPT 0xAB` with the operation in R0 and a parameter (or
//! a pointer to a parameter block) in R1; the result goes back in R0.
//!
//! Time answers (SYS_CLOCK, SYS_TIME) come from the cycle count, never from
//! the wall clock, so runs stay deterministic.

use mb4_armv8m::{Bus, Cpu, Reg, Size};
use std::io::{Read, Write};

pub const SYS_OPEN: u32 = 0x01;
pub const SYS_CLOSE: u32 = 0x02;
pub const SYS_WRITEC: u32 = 0x03;
pub const SYS_WRITE0: u32 = 0x04;
pub const SYS_WRITE: u32 = 0x05;
pub const SYS_READ: u32 = 0x06;
pub const SYS_READC: u32 = 0x07;
pub const SYS_ISTTY: u32 = 0x09;
pub const SYS_FLEN: u32 = 0x0c;
pub const SYS_CLOCK: u32 = 0x10;
pub const SYS_TIME: u32 = 0x11;
pub const SYS_ERRNO: u32 = 0x13;
pub const SYS_HEAPINFO: u32 = 0x16;
pub const SYS_EXIT: u32 = 0x18;
pub const SYS_EXIT_EXTENDED: u32 = 0x20;
/// `ADP_Stopped_ApplicationExit`: the normal-exit reason code.
pub const ADP_STOPPED_APPLICATION_EXIT: u32 = 0x20026;

/// What the guest asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Go on running.
    Continue,
    /// The program exited with this status.
    Exit(i32),
}

/// The host side of semihosting: where output goes, where input comes from.
pub struct Host<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    pub stdin: Option<&'a mut dyn Read>,
    /// Emulated core clock, for SYS_CLOCK and SYS_TIME.
    pub clock_hz: u64,
}

impl std::fmt::Debug for Host<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("clock_hz", &self.clock_hz)
            .finish_non_exhaustive()
    }
}

fn rd<B: Bus>(cpu: &mut Cpu, bus: &mut B, addr: u32) -> Option<u32> {
    cpu.debug_read(bus, addr, Size::Word).ok()
}

fn read_bytes<B: Bus>(cpu: &mut Cpu, bus: &mut B, addr: u32, len: u32) -> Option<Vec<u8>> {
    (0..len)
        .map(|i| {
            cpu.debug_read(bus, addr.wrapping_add(i), Size::Byte)
                .ok()
                .map(|b| b as u8)
        })
        .collect()
}

/// Services the call the core stopped for ([`mb4_armv8m::StopReason::Semihosting`]).
pub fn service<B: Bus>(cpu: &mut Cpu, bus: &mut B, host: &mut Host<'_>) -> Outcome {
    let op = cpu.reg(Reg::R(0));
    let arg = cpu.reg(Reg::R(1));
    let minus1 = u32::MAX;
    let result: u32 = match op {
        SYS_WRITEC => {
            if let Ok(c) = cpu.debug_read(bus, arg, Size::Byte) {
                let _ = host.stdout.write_all(&[c as u8]);
            }
            return Outcome::Continue; // R0 is not changed
        }
        SYS_WRITE0 => {
            let mut a = arg;
            let mut buf = Vec::new();
            while let Ok(c) = cpu.debug_read(bus, a, Size::Byte) {
                if c == 0 || buf.len() > 1 << 20 {
                    break;
                }
                buf.push(c as u8);
                a = a.wrapping_add(1);
            }
            let _ = host.stdout.write_all(&buf);
            return Outcome::Continue;
        }
        SYS_WRITE => {
            let (Some(fd), Some(buf), Some(len)) = (
                rd(cpu, bus, arg),
                rd(cpu, bus, arg + 4),
                rd(cpu, bus, arg + 8),
            ) else {
                return set(cpu, minus1);
            };
            match read_bytes(cpu, bus, buf, len.min(1 << 24)) {
                Some(bytes) => {
                    let w: &mut dyn Write = match fd {
                        1 => host.stdout,
                        2 => host.stderr,
                        _ => return set(cpu, len),
                    };
                    match w.write_all(&bytes) {
                        Ok(()) => 0,
                        Err(_) => len,
                    }
                }
                None => len,
            }
        }
        SYS_READ => {
            let (Some(fd), Some(buf), Some(len)) = (
                rd(cpu, bus, arg),
                rd(cpu, bus, arg + 4),
                rd(cpu, bus, arg + 8),
            ) else {
                return set(cpu, minus1);
            };
            if fd != 0 {
                len
            } else if let Some(input) = host.stdin.as_mut() {
                let mut data = vec![0u8; len.min(1 << 16) as usize];
                let n = input.read(&mut data).unwrap_or(0);
                for (i, b) in data[..n].iter().enumerate() {
                    let _ = cpu.debug_write(bus, buf + i as u32, Size::Byte, u32::from(*b));
                }
                len - n as u32
            } else {
                len
            }
        }
        SYS_READC => {
            let mut b = [0u8; 1];
            match host.stdin.as_mut().map(|i| i.read(&mut b)) {
                Some(Ok(1)) => u32::from(b[0]),
                _ => minus1,
            }
        }
        SYS_OPEN => {
            // Only the console (":tt"): modes 0-3 read, 4-7 write, 8-11 append.
            let (Some(name), Some(mode)) = (rd(cpu, bus, arg), rd(cpu, bus, arg + 4)) else {
                return set(cpu, minus1);
            };
            match read_bytes(cpu, bus, name, 3) {
                Some(n) if n == b":tt" => {
                    if mode < 4 {
                        0
                    } else if mode < 8 {
                        1
                    } else {
                        2
                    }
                }
                _ => minus1,
            }
        }
        SYS_CLOSE => 0,
        SYS_ISTTY => 1,
        SYS_FLEN => minus1,
        SYS_ERRNO => 0,
        SYS_CLOCK => (cpu.cycles() / (host.clock_hz / 100).max(1)) as u32,
        SYS_TIME => (cpu.cycles() / host.clock_hz.max(1)) as u32,
        SYS_HEAPINFO => {
            // Four zero words: "unknown", the C library then uses its link-time values.
            if let Some(block) = rd(cpu, bus, arg) {
                for i in 0..4 {
                    let _ = cpu.debug_write(bus, block + 4 * i, Size::Word, 0);
                }
            }
            0
        }
        SYS_EXIT => {
            return Outcome::Exit(if arg == ADP_STOPPED_APPLICATION_EXIT {
                0
            } else {
                1
            });
        }
        SYS_EXIT_EXTENDED => {
            let reason = rd(cpu, bus, arg).unwrap_or(0);
            let code = rd(cpu, bus, arg + 4).unwrap_or(1);
            return Outcome::Exit(if reason == ADP_STOPPED_APPLICATION_EXIT {
                code as i32
            } else {
                1
            });
        }
        _ => minus1,
    };
    set(cpu, result)
}

fn set(cpu: &mut Cpu, r0: u32) -> Outcome {
    cpu.set_reg(Reg::R(0), r0);
    Outcome::Continue
}
