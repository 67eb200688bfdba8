//! Event scripts: what happens to the band, and when (`mb4 emu run --events`).
//!
//! One event per line, at an emulated time; `#` starts a comment:
//!
//! ```text
//! # time  event
//! 1s      key down          # the touch key below the screen
//! 1.1s    key up
//! 2s      touch 60 120      # a finger at column 60, line 120
//! 2.2s    release
//! 3s      walk 110          # steps per minute (0 stands still)
//! 4s      heart-rate 72     # beats per minute
//! 5s      worn no           # off the wrist (yes: back on)
//! 6s      charger on        # the cradle (off: removed)
//! 7s      battery 0.35      # state of charge, 0..1
//! 8s      button down       # a push-button (up: released)
//! 9s      acceleration 0 0 1  # still, in g
//! ```
//!
//! Times take the units `h`, `m`, `s`, `ms`, `us`, `ns` (plain numbers are
//! seconds) and must not go backwards. Each event goes to every part that
//! senses it, at exactly its time, so a run with the same image and script
//! is the same run.

use mb4_parts::world::World;
use mb4_periph::time::Instant;

/// A line of the script that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("events line {line}: {reason}: {text:?}")]
pub struct EventError {
    /// 1-based line number.
    pub line: usize,
    /// The line as written.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Parses a script into events in time order.
pub fn parse(script: &str) -> Result<Vec<(Instant, World)>, EventError> {
    let mut out: Vec<(Instant, World)> = Vec::new();
    for (i, raw) in script.lines().enumerate() {
        let text = raw.split('#').next().unwrap_or("").trim();
        if text.is_empty() {
            continue;
        }
        let err = |reason: String| EventError {
            line: i + 1,
            text: raw.trim().to_string(),
            reason,
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        let at = parse_time(words[0]).map_err(err)?;
        if let Some((last, _)) = out.last()
            && at < *last
        {
            return Err(err(format!(
                "goes back in time (the line before is at {last})"
            )));
        }
        let event = parse_event(&words[1..]).map_err(err)?;
        out.push((at, event));
    }
    Ok(out)
}

fn parse_time(word: &str) -> Result<Instant, String> {
    let split = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(word.len());
    let (num, unit) = word.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("{word:?} is not a time (write 1.5s, 200ms, 2m)"))?;
    let ps_per_unit = match unit {
        "" | "s" => 1e12,
        "ms" => 1e9,
        "us" => 1e6,
        "ns" => 1e3,
        "m" | "min" => 60e12,
        "h" => 3600e12,
        _ => {
            return Err(format!(
                "unknown time unit {unit:?} (use h, m, s, ms, us, ns)"
            ));
        }
    };
    let ps = value * ps_per_unit;
    if !ps.is_finite() || !(0.0..=1e21).contains(&ps) {
        return Err(format!("{word:?} is out of range"));
    }
    Ok(Instant(ps.round() as u64))
}

fn number(words: &[&str], i: usize, what: &str) -> Result<f64, String> {
    let w = words
        .get(i)
        .ok_or_else(|| format!("{} needs {what}", words[0]))?;
    let v: f64 = w
        .parse()
        .map_err(|_| format!("{w:?} is not a number ({what})"))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{w:?} is not a finite number"))
    }
}

fn switch(words: &[&str], on: &str, off: &str) -> Result<bool, String> {
    match words.get(1).copied() {
        Some(w) if w == on => Ok(true),
        Some(w) if w == off => Ok(false),
        _ => Err(format!("{} takes {on} or {off}", words[0])),
    }
}

fn parse_event(words: &[&str]) -> Result<World, String> {
    let Some(&name) = words.first() else {
        return Err("a time with no event".into());
    };
    let expect = |n: usize| {
        if words.len() == n {
            Ok(())
        } else {
            Err(format!("{name} takes {} word(s) after it", n - 1))
        }
    };
    let event = match name {
        "touch" => {
            expect(3)?;
            let (x, y) = (number(words, 1, "x")?, number(words, 2, "y")?);
            if !(0.0..=u16::MAX as f64).contains(&x) || !(0.0..=u16::MAX as f64).contains(&y) {
                return Err("touch coordinates are pixels, 0 or more".into());
            }
            World::Touch {
                x: x as u16,
                y: y as u16,
            }
        }
        "release" => {
            expect(1)?;
            World::Release
        }
        "key" => {
            expect(2)?;
            World::Key(switch(words, "down", "up")?)
        }
        "button" => {
            expect(2)?;
            World::Button(switch(words, "down", "up")?)
        }
        "walk" => {
            expect(2)?;
            let spm = number(words, 1, "steps per minute")?;
            if !(0.0..=400.0).contains(&spm) {
                return Err("walk takes 0 to 400 steps per minute".into());
            }
            World::Walk(spm)
        }
        "heart-rate" => {
            expect(2)?;
            let bpm = number(words, 1, "beats per minute")?;
            if !(20.0..=250.0).contains(&bpm) {
                return Err("heart-rate takes 20 to 250 beats per minute".into());
            }
            World::HeartRate(bpm)
        }
        "worn" => {
            expect(2)?;
            World::Worn(switch(words, "yes", "no")?)
        }
        "charger" => {
            expect(2)?;
            World::Charger(switch(words, "on", "off")?)
        }
        "battery" => {
            expect(2)?;
            let soc = number(words, 1, "a state of charge")?;
            if !(0.0..=1.0).contains(&soc) {
                return Err("battery takes a state of charge from 0 to 1".into());
            }
            World::StateOfCharge(soc)
        }
        "acceleration" => {
            expect(4)?;
            World::Acceleration([
                number(words, 1, "x in g")?,
                number(words, 2, "y in g")?,
                number(words, 3, "z in g")?,
            ])
        }
        _ => {
            return Err(format!(
                "unknown event {name:?} (touch, release, key, button, walk, heart-rate, worn, charger, battery, acceleration)"
            ));
        }
    };
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_script_parses() {
        let script = "# time  event\n1s key down\n1.1s key up # the touch key\n\n2s touch 60 120\n\
                      2.2s release\n3s walk 110\n4s heart-rate 72\n5s worn no\n6s charger on\n\
                      7s battery 0.35\n8s button down\n9s acceleration 0 0 1\n";
        let ev = parse(script).expect("valid");
        assert_eq!(ev.len(), 11);
        assert_eq!(ev[0], (Instant::from_secs(1), World::Key(true)));
        assert_eq!(ev[1].0, Instant::from_millis(1100));
        assert_eq!(ev[2].1, World::Touch { x: 60, y: 120 });
        assert_eq!(ev[6].1, World::Worn(false));
        assert_eq!(ev[10].1, World::Acceleration([0.0, 0.0, 1.0]));
    }

    #[test]
    fn bad_lines_name_their_line_and_say_why() {
        for (script, line, why) in [
            ("1s key sideways", 1, "key takes down or up"),
            ("\n2s walk", 2, "walk takes 1 word"),
            ("1s key down\n0.5s key up", 2, "goes back in time"),
            ("soon key down", 1, "is not a time"),
            ("1fortnight key down", 1, "unknown time unit"),
            ("1s dance", 1, "unknown event"),
            ("1s heart-rate 900", 1, "20 to 250"),
            ("1s touch -3 4", 1, "0 or more"),
            ("1s battery NaN", 1, "finite"),
            ("1e400s key up", 1, "unknown time unit"),
            ("99999999999999h key up", 1, "out of range"),
            ("1s", 1, "no event"),
        ] {
            let e = parse(script).expect_err(script);
            assert_eq!(e.line, line, "{script}");
            assert!(e.reason.contains(why), "{script}: {}", e.reason);
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed = 0x1234_5678u32;
        let alphabet = b"0123456789.smhu #\nkeytouchwalkbattery-+ \xe2\x82\xac";
        for _ in 0..2000 {
            let mut s = Vec::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                s.push(alphabet[(seed as usize) % alphabet.len()]);
            }
            let _ = parse(&String::from_utf8_lossy(&s));
        }
    }
}
