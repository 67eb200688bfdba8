//! The protocol side: gdbstub's `Target` over any [`Machine`], the event loop
//! that runs the machine while watching the connection for an interrupt,
//! and [`serve`], which takes debugger after debugger on one port.

use crate::arch::{ArmMProfile, MRegId, MRegisters, WORD_REGS};
use crate::conn::BufferedTcp;
use crate::machine::{Halt, Machine, Slice};
use gdbstub::common::Signal;
use gdbstub::conn::ConnectionExt;
use gdbstub::outputln;
use gdbstub::stub::run_blocking::{self, BlockingEventLoop};
use gdbstub::stub::{DisconnectReason, GdbStub, SingleThreadStopReason};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::ext::base::single_register_access::{
    SingleRegisterAccess, SingleRegisterAccessOps,
};
use gdbstub::target::ext::base::singlethread::{
    SingleThreadBase, SingleThreadResume, SingleThreadResumeOps, SingleThreadSingleStep,
    SingleThreadSingleStepOps,
};
use gdbstub::target::ext::breakpoints::{
    self as bp, Breakpoints, BreakpointsOps, HwBreakpointOps, HwWatchpointOps, SwBreakpointOps,
};
use gdbstub::target::ext::monitor_cmd::{ConsoleOutput, MonitorCmd, MonitorCmdOps};
use gdbstub::target::{Target, TargetError, TargetResult};
use mb4_armv8m::{Reg, Size, WatchKind};
use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// How long the stub naps while the machine has nothing to do and the
/// debugger has said nothing (real time; emulated time stands still).
const IDLE_NAP: Duration = Duration::from_millis(5);

/// How a debugging session over [`serve`] ended for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The program exited (semihosting) with this status.
    Exited(i32),
    /// A debugger asked to kill the target.
    Killed,
}

/// Why the stub gave up.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The listening socket failed.
    #[error("the GDB port failed: {0}")]
    Listen(#[source] io::Error),
}

/// Serves debuggers on `listener`, one at a time, until the program exits or
/// a debugger kills it. The machine waits halted for the first debugger. When
/// a debugger detaches or its connection drops, the machine runs on freely,
/// as a chip does when a probe lets go, until the next debugger connects and
/// halts it. `log` gets one line per connection and disconnection.
pub fn serve<M: Machine>(
    machine: &mut M,
    listener: &TcpListener,
    log: &mut dyn Write,
) -> Result<Ended, ServeError> {
    let mut first = true;
    loop {
        let stream = if first {
            first = false;
            listener
                .set_nonblocking(false)
                .map_err(ServeError::Listen)?;
            listener.accept().map_err(ServeError::Listen)?.0
        } else {
            match run_until_connect(machine, listener)? {
                Waited::Connected(s) => s,
                Waited::Ended(e) => return Ok(e),
            }
        };
        let peer = stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| "?".into());
        let _ = writeln!(
            log,
            "mb4 gdb: debugger connected from {peer}; the core is halted"
        );
        match session(machine, stream) {
            Ok(DisconnectReason::TargetExited(code)) => return Ok(Ended::Exited(i32::from(code))),
            Ok(DisconnectReason::Kill) => return Ok(Ended::Killed),
            Ok(DisconnectReason::Disconnect | DisconnectReason::TargetTerminated(_)) => {
                let _ = writeln!(log, "mb4 gdb: debugger detached; the core runs on");
            }
            Err(e) => {
                let _ = writeln!(log, "mb4 gdb: the session ended: {e}; the core runs on");
            }
        }
    }
}

enum Waited {
    Connected(TcpStream),
    Ended(Ended),
}

/// Runs the machine with no debugger until one connects or the program ends.
fn run_until_connect<M: Machine>(
    machine: &mut M,
    listener: &TcpListener,
) -> Result<Waited, ServeError> {
    listener.set_nonblocking(true).map_err(ServeError::Listen)?;
    loop {
        match listener.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).map_err(ServeError::Listen)?;
                return Ok(Waited::Connected(s));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(ServeError::Listen(e)),
        }
        match machine.run_slice() {
            Slice::Running => {}
            Slice::Idle => std::thread::sleep(IDLE_NAP),
            Slice::Stopped(Halt::Exited(code)) => return Ok(Waited::Ended(Ended::Exited(code))),
            // Breakpoints left behind and BKPTs halt the core, as on a chip:
            // the next debugger finds it there.
            Slice::Stopped(_) => std::thread::sleep(IDLE_NAP),
        }
    }
}

/// One debugger, until it detaches, kills, or its connection drops.
fn session<M: Machine>(machine: &mut M, stream: TcpStream) -> Result<DisconnectReason, String> {
    let conn = BufferedTcp::new(stream).map_err(|e| e.to_string())?;
    let mut target = Session {
        machine,
        stepping: false,
    };
    GdbStub::new(conn)
        .run_blocking::<EventLoop<'_, M>>(&mut target)
        .map_err(|e| e.to_string())
}

/// gdbstub's view of a machine during one session.
struct Session<'m, M: Machine> {
    machine: &'m mut M,
    /// Whether the debugger asked for a single step rather than a continue.
    stepping: bool,
}

fn stop_reason(halt: Halt) -> SingleThreadStopReason<u32> {
    match halt {
        Halt::Stepped => SingleThreadStopReason::DoneStep,
        Halt::Breakpoint => SingleThreadStopReason::SwBreak(()),
        Halt::Watchpoint { addr, kind } => SingleThreadStopReason::Watch {
            tid: (),
            kind: match kind {
                WatchKind::Read => bp::WatchKind::Read,
                WatchKind::Write => bp::WatchKind::Write,
                WatchKind::Access => bp::WatchKind::ReadWrite,
            },
            addr,
        },
        Halt::Bkpt => SingleThreadStopReason::Signal(Signal::SIGTRAP),
        Halt::Exited(code) => SingleThreadStopReason::Exited(code as u8),
        Halt::Lockup => SingleThreadStopReason::Signal(Signal::SIGSEGV),
    }
}

/// gdbstub's blocking loop, run on our thread: the machine only runs inside
/// `wait_for_stop_reason`, a slice at a time, with a look at the connection
/// between slices.
struct EventLoop<'m, M>(std::marker::PhantomData<&'m mut M>);

impl<'m, M: Machine> BlockingEventLoop for EventLoop<'m, M> {
    type Target = Session<'m, M>;
    type Connection = BufferedTcp;
    type StopReason = SingleThreadStopReason<u32>;

    fn wait_for_stop_reason(
        target: &mut Session<'m, M>,
        conn: &mut BufferedTcp,
    ) -> Result<
        run_blocking::Event<Self::StopReason>,
        run_blocking::WaitForStopReasonError<&'static str, io::Error>,
    > {
        if std::mem::take(&mut target.stepping) {
            let halt = match target.machine.step() {
                Slice::Stopped(h) => h,
                Slice::Running | Slice::Idle => Halt::Stepped,
            };
            return Ok(run_blocking::Event::TargetStopped(stop_reason(halt)));
        }
        loop {
            match target.machine.run_slice() {
                Slice::Running => {}
                Slice::Idle => std::thread::sleep(IDLE_NAP),
                Slice::Stopped(h) => return Ok(run_blocking::Event::TargetStopped(stop_reason(h))),
            }
            let waiting = conn
                .peek()
                .map_err(run_blocking::WaitForStopReasonError::Connection)?;
            if waiting.is_some() {
                let byte = conn
                    .read()
                    .map_err(run_blocking::WaitForStopReasonError::Connection)?;
                return Ok(run_blocking::Event::IncomingData(byte));
            }
        }
    }

    fn on_interrupt(
        _target: &mut Session<'m, M>,
    ) -> Result<Option<Self::StopReason>, &'static str> {
        // The machine only runs inside wait_for_stop_reason: it is already still.
        Ok(Some(SingleThreadStopReason::Signal(Signal::SIGINT)))
    }
}

impl<M: Machine> Target for Session<'_, M> {
    type Arch = ArmMProfile;
    type Error = &'static str;

    #[inline(always)]
    fn base_ops(&mut self) -> BaseOps<'_, ArmMProfile, &'static str> {
        BaseOps::SingleThread(self)
    }

    #[inline(always)]
    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_monitor_cmd(&mut self) -> Option<MonitorCmdOps<'_, Self>> {
        Some(self)
    }
}

impl<M: Machine> Session<'_, M> {
    /// Reads `data.len()` bytes: aligned 1-, 2- and 4-byte requests are one
    /// access of that width (probe tools rely on it for device registers),
    /// longer ones are words where aligned and bytes elsewhere. Returns how
    /// many bytes could be read before the first bus error.
    fn read_bytes(&mut self, addr: u32, data: &mut [u8]) -> usize {
        let mut done = 0;
        while done < data.len() {
            let a = addr.wrapping_add(done as u32);
            let left = data.len() - done;
            let size = access_size(a, left, data.len());
            match self.machine.read(a, size) {
                Ok(v) => {
                    let n = size.bytes() as usize;
                    data[done..done + n].copy_from_slice(&v.to_le_bytes()[..n]);
                    done += n;
                }
                Err(_) => break,
            }
        }
        done
    }

    fn write_bytes(&mut self, addr: u32, data: &[u8]) -> bool {
        let mut done = 0;
        while done < data.len() {
            let a = addr.wrapping_add(done as u32);
            let left = data.len() - done;
            let size = access_size(a, left, data.len());
            let n = size.bytes() as usize;
            let mut w = [0u8; 4];
            w[..n].copy_from_slice(&data[done..done + n]);
            if self.machine.write(a, size, u32::from_le_bytes(w)).is_err() {
                return false;
            }
            done += n;
        }
        true
    }
}

/// The access width for the next piece of a transfer of `total` bytes.
fn access_size(addr: u32, left: usize, total: usize) -> Size {
    match total {
        2 if addr.is_multiple_of(2) => Size::Half,
        _ if left >= 4 && addr.is_multiple_of(4) => Size::Word,
        _ => Size::Byte,
    }
}

impl<M: Machine> SingleThreadBase for Session<'_, M> {
    fn read_registers(&mut self, regs: &mut MRegisters) -> TargetResult<(), Self> {
        let cpu = self.machine.cpu();
        for (slot, reg) in regs.words.iter_mut().zip(WORD_REGS) {
            *slot = cpu.reg(reg);
        }
        for (n, slot) in regs.s.iter_mut().enumerate() {
            *slot = cpu.reg(Reg::S(n as u8));
        }
        regs.fpscr = cpu.reg(Reg::Fpscr);
        Ok(())
    }

    fn write_registers(&mut self, regs: &MRegisters) -> TargetResult<(), Self> {
        // Write only what changed: writing SP, MSP and PSP all back in order
        // would let a stale one undo the debugger's edit.
        let cpu = self.machine.cpu();
        for (&value, reg) in regs.words.iter().zip(WORD_REGS) {
            if cpu.reg(reg) != value {
                cpu.set_reg(reg, value);
            }
        }
        for (n, &value) in regs.s.iter().enumerate() {
            let reg = Reg::S(n as u8);
            if cpu.reg(reg) != value {
                cpu.set_reg(reg, value);
            }
        }
        if cpu.reg(Reg::Fpscr) != regs.fpscr {
            cpu.set_reg(Reg::Fpscr, regs.fpscr);
        }
        Ok(())
    }

    #[inline(always)]
    fn support_single_register_access(&mut self) -> Option<SingleRegisterAccessOps<'_, (), Self>> {
        Some(self)
    }

    fn read_addrs(&mut self, start: u32, data: &mut [u8]) -> TargetResult<usize, Self> {
        match self.read_bytes(start, data) {
            0 if !data.is_empty() => Err(TargetError::Errno(14)), // EFAULT
            n => Ok(n),
        }
    }

    fn write_addrs(&mut self, start: u32, data: &[u8]) -> TargetResult<(), Self> {
        if self.write_bytes(start, data) {
            Ok(())
        } else {
            Err(TargetError::Errno(14))
        }
    }

    #[inline(always)]
    fn support_resume(&mut self) -> Option<SingleThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl<M: Machine> SingleRegisterAccess<()> for Session<'_, M> {
    fn read_register(
        &mut self,
        _tid: (),
        reg: MRegId,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let cpu = self.machine.cpu();
        let bytes: Vec<u8> = match reg {
            MRegId::Word(r) => cpu.reg(r).to_le_bytes().to_vec(),
            MRegId::Double(d) => {
                let lo = cpu.reg(Reg::S(2 * d));
                let hi = cpu.reg(Reg::S(2 * d + 1));
                (u64::from(lo) | u64::from(hi) << 32).to_le_bytes().to_vec()
            }
        };
        let n = bytes.len().min(buf.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        Ok(n)
    }

    fn write_register(&mut self, _tid: (), reg: MRegId, val: &[u8]) -> TargetResult<(), Self> {
        if val.len() != reg.size() {
            return Err(TargetError::NonFatal);
        }
        let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let cpu = self.machine.cpu();
        match reg {
            MRegId::Word(r) => cpu.set_reg(r, word(val)),
            MRegId::Double(d) => {
                cpu.set_reg(Reg::S(2 * d), word(&val[..4]));
                cpu.set_reg(Reg::S(2 * d + 1), word(&val[4..]));
            }
        }
        Ok(())
    }
}

impl<M: Machine> SingleThreadResume for Session<'_, M> {
    fn resume(&mut self, _signal: Option<Signal>) -> Result<(), &'static str> {
        self.stepping = false;
        Ok(())
    }

    #[inline(always)]
    fn support_single_step(&mut self) -> Option<SingleThreadSingleStepOps<'_, Self>> {
        Some(self)
    }
}

impl<M: Machine> SingleThreadSingleStep for Session<'_, M> {
    fn step(&mut self, _signal: Option<Signal>) -> Result<(), &'static str> {
        self.stepping = true;
        Ok(())
    }
}

impl<M: Machine> Breakpoints for Session<'_, M> {
    #[inline(always)]
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_hw_breakpoint(&mut self) -> Option<HwBreakpointOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_hw_watchpoint(&mut self) -> Option<HwWatchpointOps<'_, Self>> {
        Some(self)
    }
}

// Software and hardware breakpoints are the same thing to an emulator: the
// core stops before executing the address; memory is never patched.
impl<M: Machine> bp::SwBreakpoint for Session<'_, M> {
    fn add_sw_breakpoint(&mut self, addr: u32, _kind: usize) -> TargetResult<bool, Self> {
        self.machine.cpu().add_breakpoint(addr);
        Ok(true)
    }

    fn remove_sw_breakpoint(&mut self, addr: u32, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.machine.cpu().remove_breakpoint(addr))
    }
}

impl<M: Machine> bp::HwBreakpoint for Session<'_, M> {
    fn add_hw_breakpoint(&mut self, addr: u32, _kind: usize) -> TargetResult<bool, Self> {
        self.machine.cpu().add_breakpoint(addr);
        Ok(true)
    }

    fn remove_hw_breakpoint(&mut self, addr: u32, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.machine.cpu().remove_breakpoint(addr))
    }
}

fn watch_kind(kind: bp::WatchKind) -> WatchKind {
    match kind {
        bp::WatchKind::Read => WatchKind::Read,
        bp::WatchKind::Write => WatchKind::Write,
        bp::WatchKind::ReadWrite => WatchKind::Access,
    }
}

impl<M: Machine> bp::HwWatchpoint for Session<'_, M> {
    fn add_hw_watchpoint(
        &mut self,
        addr: u32,
        len: u32,
        kind: bp::WatchKind,
    ) -> TargetResult<bool, Self> {
        self.machine
            .cpu()
            .add_watchpoint(addr, len, watch_kind(kind));
        Ok(true)
    }

    fn remove_hw_watchpoint(
        &mut self,
        addr: u32,
        len: u32,
        kind: bp::WatchKind,
    ) -> TargetResult<bool, Self> {
        Ok(self
            .machine
            .cpu()
            .remove_watchpoint(addr, len, watch_kind(kind)))
    }
}

/// The `monitor` commands, named as OpenOCD and J-Link GDB Server name them
/// so that scripts written for those work here.
pub const MONITOR_HELP: &str = "\
monitor commands of the mb4 emulator:
  reset [halt|init]   reset the whole system (boot ROM included) and halt
                      before the first instruction
  halt                (the core is already halted while gdb has control)
  version             name the emulator and the machine
  help                this text";

impl<M: Machine> MonitorCmd for Session<'_, M> {
    fn handle_monitor_cmd(
        &mut self,
        cmd: &[u8],
        mut out: ConsoleOutput<'_>,
    ) -> Result<(), &'static str> {
        let cmd = String::from_utf8_lossy(cmd);
        let words: Vec<&str> = cmd.split_whitespace().collect();
        match words.as_slice() {
            ["reset"] | ["reset", "halt" | "init"] => match self.machine.reset() {
                Ok(()) => outputln!(
                    out,
                    "mb4: system reset; the core is halted at the reset vector"
                ),
                Err(e) => outputln!(out, "mb4: reset failed: {e}"),
            },
            ["halt"] => outputln!(out, "mb4: the core is halted"),
            ["version"] => outputln!(
                out,
                "mb4 emulator {} GDB stub: {}",
                env!("CARGO_PKG_VERSION"),
                self.machine.describe()
            ),
            ["help"] | [] => outputln!(out, "{MONITOR_HELP}"),
            _ => outputln!(
                out,
                "mb4: unknown monitor command {cmd:?}; `monitor help` lists them"
            ),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_sizes_keep_small_aligned_requests_whole() {
        assert_eq!(access_size(0x100, 4, 4), Size::Word);
        assert_eq!(access_size(0x100, 2, 2), Size::Half);
        assert_eq!(access_size(0x101, 2, 2), Size::Byte);
        assert_eq!(access_size(0x100, 1, 1), Size::Byte);
        assert_eq!(access_size(0x102, 6, 6), Size::Byte);
        assert_eq!(access_size(0x104, 3, 7), Size::Byte);
        assert_eq!(access_size(0x104, 8, 8), Size::Word);
    }
}
