//! `mb4 emu run --board …`: the DA1469x machine booting a flash image.

use anyhow::{Context, Result, bail};
use mb4_emu::da1469x::{Da1469x, Exit, Until};
use mb4_periph::time::Instant;
use std::io::Write;
use std::path::Path;

/// What `mb4 emu run` passes on.
#[derive(Debug)]
pub struct Options<'a> {
    pub board: &'a str,
    pub until_time_ps: Option<u64>,
    pub until_uart: Option<String>,
    pub until_pc: Option<u32>,
    pub max_instructions: u64,
    pub quiet: bool,
    pub gdb: Option<u16>,
    pub screenshot: Option<std::path::PathBuf>,
    pub events: Option<std::path::PathBuf>,
    pub uart: String,
    pub preview: bool,
    /// `--jit`: the core's translation threshold (`None`: interpret only).
    pub jit: Option<u32>,
}

pub fn run(bytes: &[u8], path: &Path, o: Options<'_>) -> Result<std::process::ExitCode> {
    let board = mb4_board::Board::builtin(o.board).with_context(|| {
        format!(
            "unknown board {:?}; known: {}",
            o.board,
            mb4_board::builtin_names().collect::<Vec<_>>().join(", ")
        )
    })?;
    let mut m = Da1469x::for_board(&board, bytes)
        .with_context(|| format!("cannot put {} in the flash", path.display()))?;
    m.cpu.set_jit_threshold(o.jit);
    let until = Until {
        time: o.until_time_ps.map(Instant),
        uart_text: o.until_uart.clone(),
        pc: o.until_pc,
        max_instructions: Some(o.max_instructions),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut err = std::io::stderr();
    let started = std::time::Instant::now();
    if let Some(port) = o.gdb {
        // Boot first, so the debugger finds the core at the image's reset vector.
        if let Err(e) = m.power_on() {
            eprintln!("mb4 emu: the boot ROM found nothing to boot ({e}); the core idles");
        }
        let listener = crate::cmd::emu::listen_for_gdb(port)?;
        let mut target = mb4_emu::debug::DebugDa1469x {
            machine: &mut m,
            console: &mut out,
            reports: &mut err,
            name: board.board.name.clone(),
        };
        let ended = mb4_gdb::serve(&mut target, &listener, &mut std::io::stderr())?;
        out.flush()?;
        show_panel(&m, &o)?;
        return Ok(std::process::ExitCode::from(
            crate::cmd::emu::gdb_exit_code(ended),
        ));
    }
    let events = match &o.events {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            mb4_emu::events::parse(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => Vec::new(),
    };
    let exit = match uart_port(&o.uart)? {
        None => run_with_events(&mut m, &until, events, &mut out, &mut err),
        Some(port) => {
            let mut term = wait_for_terminal(port)?;
            run_with_terminal(&mut m, &until, events, &mut term, &mut err)?
        }
    };
    out.flush()?;
    show_panel(&m, &o)?;
    let secs = started.elapsed().as_secs_f64();
    let st = m.stats();
    if !o.quiet {
        let emulated = st.emulated.as_secs_f64();
        eprintln!(
            "mb4 emu: {} on {}: pc {:#010x}, {} instructions, {:.6} s emulated ({:.1}% asleep), {:.3} s real, {:.1}x real time, {:.1} MIPS, {} blocks translated",
            board.board.name,
            m.soc
                .qspic
                .flash
                .jedec()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
            m.cpu.pc(),
            st.instructions,
            emulated,
            100.0 * st.asleep.as_secs_f64() / emulated.max(1e-12),
            secs,
            emulated / secs.max(1e-9),
            st.instructions as f64 / secs.max(1e-9) / 1e6,
            m.cpu.translated_blocks()
        );
    }
    if !o.quiet {
        report_parts(&m);
    }
    if let (Some(boot), false) = (&m.boot, o.quiet) {
        for n in &boot.notes {
            eprintln!("mb4 emu: boot ROM: {n}");
        }
    }
    let code = match exit {
        Exit::Time | Exit::UartText | Exit::Pc => 0,
        Exit::InstructionLimit => {
            eprintln!(
                "mb4 emu: stopped after {} instructions (--max-instructions)",
                o.max_instructions
            );
            124
        }
        Exit::BootFailed(e) => bail!("nothing boots: {e}"),
        Exit::Lockup { pc } => {
            bail!("the core locked up (a fault it could not escalate), PC {pc:#010x}")
        }
        Exit::Bkpt { pc, imm } => bail!("BKPT #{imm:#x} at {pc:#010x} with no debugger attached"),
        Exit::AsleepForever { pc } => {
            bail!("the core sleeps (WFI/WFE at {pc:#010x}) and nothing can wake it")
        }
        // Only a debugger sets these, and with --gdb the debugger runs the show.
        Exit::Breakpoint { addr } => bail!("stopped at a breakpoint at {addr:#010x}"),
        Exit::Watchpoint { addr, .. } => bail!("stopped at a watchpoint at {addr:#010x}"),
    };
    Ok(std::process::ExitCode::from(code))
}

/// `--screenshot` and `--preview`: the panel as it is now.
fn show_panel(m: &Da1469x, o: &Options<'_>) -> Result<()> {
    if o.screenshot.is_none() && !o.preview {
        return Ok(());
    }
    let Some(panel) = &m.panel else {
        bail!(
            "board {} has no panel on the LCDC to take a screenshot of",
            o.board
        );
    };
    let panel = panel.borrow();
    // What the panel model found odd (commands it does not know, data with no
    // command): the first clue when a driver's picture does not appear.
    let reports = panel.reports();
    for r in reports.iter().take(10) {
        eprintln!("mb4 emu: panel: {r}");
    }
    if reports.len() > 10 {
        eprintln!("mb4 emu: panel: … {} more", reports.len() - 10);
    }
    eprintln!(
        "mb4 emu: panel: {} pixels written, {}, display {}",
        panel.pixels_written(),
        if panel.asleep() { "asleep" } else { "awake" },
        if panel.display_on() { "on" } else { "off" }
    );
    if let Some(path) = &o.screenshot {
        std::fs::write(path, panel.to_png())
            .with_context(|| format!("cannot write {}", path.display()))?;
        let state = if panel.asleep() {
            " (the panel is asleep: black)"
        } else if !panel.display_on() {
            " (the display is off: black)"
        } else {
            ""
        };
        eprintln!("mb4 emu: screenshot {}{state}", path.display());
    }
    if o.preview {
        eprint!("{}", panel.preview_ansi());
    }
    Ok(())
}

/// Runs to `until`, stopping at each event's time to let the parts take it.
fn run_with_events(
    m: &mut Da1469x,
    until: &Until,
    events: Vec<(Instant, mb4_parts::world::World)>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let mut pending = events.into_iter().peekable();
    loop {
        let next = pending.peek().map(|(t, _)| *t);
        let stop_at = match (next, until.time) {
            (Some(e), Some(u)) => Some(e.min(u)),
            (Some(e), None) => Some(e),
            (None, u) => u,
        };
        let leg = Until {
            time: stop_at,
            ..until.clone()
        };
        let exit = m.run(&leg, out, err);
        let now = m.now();
        let finished = until.time.is_some_and(|t| now >= t);
        if exit != Exit::Time || finished || next.is_none() {
            return exit;
        }
        while let Some((_, event)) = pending.next_if(|(t, _)| *t <= now) {
            let took = m.apply(&event);
            let who = if took.is_empty() {
                "no part senses it".to_string()
            } else {
                took.join(", ")
            };
            let _ = writeln!(err, "mb4 emu: [{now}] event: {event} ({who})");
        }
    }
}

/// `stdio` → None, `tcp:PORT` → the port.
fn uart_port(spec: &str) -> Result<Option<u16>> {
    if spec == "stdio" {
        return Ok(None);
    }
    let port = spec
        .strip_prefix("tcp:")
        .and_then(|p| p.parse::<u16>().ok())
        .with_context(|| format!("--uart {spec:?}: use stdio or tcp:PORT (e.g. tcp:4444)"))?;
    Ok(Some(port))
}

fn wait_for_terminal(port: u16) -> Result<std::net::TcpStream> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} for the UART"))?;
    eprintln!(
        "mb4 emu: the console UART waits for a terminal on {} (nc 127.0.0.1 {})",
        listener.local_addr()?,
        listener.local_addr()?.port()
    );
    let (stream, peer) = listener.accept()?;
    eprintln!("mb4 emu: terminal connected from {peer}");
    stream.set_nonblocking(true)?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Emulated time between looks at the terminal for typed bytes.
const TERMINAL_POLL: Instant = Instant::from_millis(10);
/// While typed bytes wait: this much emulated time per leg, and at most
/// [`TYPED_PER_LEG`] bytes into the UART's 16-byte RX FIFO per leg (about
/// 115200 baud), so firmware reading it by interrupt loses nothing.
const TYPING_LEG: Instant = Instant::from_millis(1);
const TYPED_PER_LEG: usize = 8;

/// Like [`run_with_events`], with the console on a TCP terminal: output goes
/// to it, and what it sends is typed into the UART. The run keeps pace with
/// the wall clock (a person is at the other end: the watch's clock should
/// tick like a real one), and ends at `until` or when the terminal hangs up.
fn run_with_terminal(
    m: &mut Da1469x,
    until: &Until,
    events: Vec<(Instant, mb4_parts::world::World)>,
    term: &mut std::net::TcpStream,
    err: &mut dyn Write,
) -> Result<Exit> {
    use std::io::Read;
    let mut events = events;
    let mut typed: std::collections::VecDeque<u8> = std::collections::VecDeque::new();
    let (wall0, emu0) = (std::time::Instant::now(), m.now());
    loop {
        let step = if typed.is_empty() {
            TERMINAL_POLL
        } else {
            TYPING_LEG
        };
        let leg_end = Instant(m.now().0 + step.0);
        let stop = until.time.map_or(leg_end, |t| t.min(leg_end));
        let due: Vec<_> = {
            let split = events.partition_point(|(t, _)| *t <= stop);
            events.drain(..split).collect()
        };
        let leg = Until {
            time: Some(stop),
            ..until.clone()
        };
        let exit = run_with_events(m, &leg, due, &mut TerminalWriter(term), err);
        let finished = until.time.is_some_and(|t| m.now() >= t);
        if exit != Exit::Time || finished {
            return Ok(exit);
        }
        let mut buf = [0u8; 256];
        match term.read(&mut buf) {
            Ok(0) => {
                eprintln!("mb4 emu: the terminal hung up");
                return Ok(Exit::Time);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
                ) =>
            {
                eprintln!("mb4 emu: the terminal hung up ({e})");
                return Ok(Exit::Time);
            }
            Ok(n) => typed.extend(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e.into()),
        }
        if !typed.is_empty() {
            let n = typed.len().min(TYPED_PER_LEG);
            let chunk: Vec<u8> = typed.drain(..n).collect();
            m.uart_input(&chunk);
        }
        // Keep pace with the wall clock.
        let emulated = m.now().since(emu0) as f64 / 1e12;
        let real = wall0.elapsed().as_secs_f64();
        if emulated > real {
            std::thread::sleep(std::time::Duration::from_secs_f64(
                (emulated - real).min(0.05),
            ));
        }
    }
}

/// Writes to a non-blocking socket, waiting when its buffer is full.
struct TerminalWriter<'a>(&'a mut std::net::TcpStream);

impl Write for TerminalWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        loop {
            match self.0.write(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(std::time::Duration::from_millis(1))
                }
                r => return r,
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// What the parts that only show in the world did: the motor's buzzes.
fn report_parts(m: &Da1469x) {
    let now = m.now();
    for (id, part) in &m.parts {
        if let mb4_parts::world::AnyPart::ErmMotor(motor) = &*part.borrow() {
            let starts = motor.log().iter().filter(|e| e.on).count();
            if starts > 0 {
                let first = motor.log().iter().find(|e| e.on).map(|e| e.at);
                eprintln!(
                    "mb4 emu: {id}: buzzed {starts} time(s), {:.0} ms in all, first at {}",
                    motor.time_on(now) as f64 / 1e9,
                    first.map(|t| t.to_string()).unwrap_or_default()
                );
            }
        }
    }
}
