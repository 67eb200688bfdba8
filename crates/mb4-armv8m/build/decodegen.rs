//! A small decodetree-style generator: pattern tables (`decode/*.decode`) in,
//! typed Rust decoders out.
//!
//! Table syntax (one item per line, `#` starts a comment):
//!
//! ```text
//! %name  12:3 6:2 [!function=f]   a field built from bit segments (high part first),
//!                                 optionally passed through `f(u32) -> u32` (in `decode.rs`)
//! NAME   bits... [arg=%field] [arg=123]
//!                                 a pattern: `0`/`1` fixed bits, `.`/`-` don't-care bits,
//!                                 `name:N` an inline N-bit field; spaces are ignored.
//!                                 Bits are written from the most significant down; a 32-bit
//!                                 Thumb pattern is the first halfword then the second.
//! {  ...  }                       an ordered overlap group: the first pattern that matches wins
//! ```
//!
//! Outside groups patterns must be disjoint; the generator checks it, so adding a
//! line can never silently shadow another. Every pattern NAME becomes a variant
//! `Op::NAME { fields }` (lines sharing a NAME must have the same fields); fields
//! of at most 8 bits with no function are `u8`, others `u32`.
//! The generated matcher cites `file:line` for each arm.

use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Debug, Clone)]
struct Segment {
    pos: u32,
    len: u32,
}

#[derive(Debug, Clone)]
struct FieldDef {
    segments: Vec<Segment>,
    function: Option<String>,
}

impl FieldDef {
    fn width(&self) -> u32 {
        self.segments.iter().map(|s| s.len).sum()
    }
    fn rust_type(&self) -> &'static str {
        if self.function.is_none() && self.width() <= 8 {
            "u8"
        } else {
            "u32"
        }
    }
    fn extract_expr(&self) -> String {
        let mut parts = Vec::new();
        let mut shift_after = self.width();
        for s in &self.segments {
            shift_after -= s.len;
            let mask = (1u64 << s.len) - 1;
            let bits = if s.pos == 0 {
                format!("insn & {mask:#x}")
            } else {
                format!("(insn >> {}) & {mask:#x}", s.pos)
            };
            parts.push(if shift_after == 0 && self.segments.len() == 1 {
                bits
            } else if shift_after == 0 {
                format!("({bits})")
            } else {
                format!("(({bits}) << {shift_after})")
            });
        }
        let raw = parts.join(" | ");
        match &self.function {
            Some(f) => format!("{f}({raw})"),
            None => format!("({raw}) as {}", self.rust_type()),
        }
    }
}

#[derive(Debug, Clone)]
enum Arg {
    Field(FieldDef),
    Const(u32),
}

#[derive(Debug, Clone)]
struct Pattern {
    name: String,
    line: usize,
    mask: u32,
    value: u32,
    args: Vec<(String, Arg)>,
}

#[derive(Debug)]
enum Item {
    Pattern(Pattern),
    Group(Vec<Item>),
}

/// A parsed table.
#[derive(Debug)]
pub struct Table {
    file: String,
    width: u32,
    items: Vec<Item>,
}

fn err(file: &str, line: usize, msg: impl std::fmt::Display) -> String {
    format!("{file}:{line}: {msg}")
}

/// Parses one table of patterns `width` bits wide.
pub fn parse(file: &str, text: &str, width: u32) -> Result<Table, String> {
    let mut fields: BTreeMap<String, FieldDef> = BTreeMap::new();
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let text = raw.split('#').next().unwrap_or("").trim();
        if text.is_empty() {
            continue;
        }
        if text == "{" {
            stack.push(Vec::new());
            continue;
        }
        if text == "}" {
            let group = stack.pop().ok_or_else(|| err(file, line, "unbalanced }"))?;
            let top = stack
                .last_mut()
                .ok_or_else(|| err(file, line, "unbalanced }"))?;
            top.push(Item::Group(group));
            continue;
        }
        let mut toks = text.split_whitespace();
        let head = toks.next().unwrap_or_default();
        if let Some(name) = head.strip_prefix('%') {
            let mut def = FieldDef {
                segments: Vec::new(),
                function: None,
            };
            for t in toks {
                if let Some(f) = t.strip_prefix("!function=") {
                    def.function = Some(f.to_string());
                } else if let Some((p, l)) = t.split_once(':') {
                    let pos = p.parse().map_err(|_| err(file, line, "bad segment"))?;
                    let len = l.parse().map_err(|_| err(file, line, "bad segment"))?;
                    def.segments.push(Segment { pos, len });
                } else {
                    return Err(err(file, line, format!("bad field token `{t}`")));
                }
            }
            fields.insert(name.to_string(), def);
            continue;
        }
        // A pattern line.
        let name = head.to_string();
        let mut bits: Vec<char> = Vec::new(); // MSB first; 'f' marks a field bit
        let mut inline: Vec<(String, usize, u32)> = Vec::new(); // name, start index, len
        let mut args = Vec::new();
        for t in toks {
            if let Some((n, v)) = t.split_once('=') {
                let arg = if let Some(f) = v.strip_prefix('%') {
                    Arg::Field(
                        fields
                            .get(f)
                            .cloned()
                            .ok_or_else(|| err(file, line, format!("unknown field %{f}")))?,
                    )
                } else {
                    Arg::Const(v.parse().map_err(|_| err(file, line, "bad constant"))?)
                };
                args.push((n.to_string(), arg));
            } else if let Some((n, l)) = t.split_once(':') {
                let len: u32 = l.parse().map_err(|_| err(file, line, "bad field width"))?;
                inline.push((n.to_string(), bits.len(), len));
                bits.extend(std::iter::repeat_n('f', len as usize));
            } else {
                for c in t.chars() {
                    match c {
                        '0' | '1' | '.' | '-' => bits.push(c),
                        _ => return Err(err(file, line, format!("bad pattern char `{c}`"))),
                    }
                }
            }
        }
        if bits.len() as u32 != width {
            return Err(err(
                file,
                line,
                format!("pattern has {} bits, table is {width} wide", bits.len()),
            ));
        }
        let (mut mask, mut value) = (0u32, 0u32);
        for (i, c) in bits.iter().enumerate() {
            let bit = width - 1 - i as u32;
            match c {
                '0' => mask |= 1 << bit,
                '1' => {
                    mask |= 1 << bit;
                    value |= 1 << bit;
                }
                _ => {}
            }
        }
        let mut all_args = Vec::new();
        for (n, start, len) in inline {
            let pos = width - start as u32 - len;
            all_args.push((
                n,
                Arg::Field(FieldDef {
                    segments: vec![Segment { pos, len }],
                    function: None,
                }),
            ));
        }
        all_args.extend(args);
        stack
            .last_mut()
            .ok_or_else(|| err(file, line, "unbalanced"))?
            .push(Item::Pattern(Pattern {
                name,
                line,
                mask,
                value,
                args: all_args,
            }));
    }
    if stack.len() != 1 {
        return Err(err(file, text.lines().count(), "unclosed {"));
    }
    let items = stack.pop().unwrap_or_default();
    let table = Table {
        file: file.to_string(),
        width,
        items,
    };
    table.check_disjoint()?;
    Ok(table)
}

fn flatten<'a>(item: &'a Item, out: &mut Vec<&'a Pattern>) {
    match item {
        Item::Pattern(p) => out.push(p),
        Item::Group(g) => g.iter().for_each(|i| flatten(i, out)),
    }
}

impl Table {
    fn patterns(&self) -> Vec<&Pattern> {
        let mut out = Vec::new();
        self.items.iter().for_each(|i| flatten(i, &mut out));
        out
    }

    /// Top-level items must not overlap each other (overlap only inside `{ }`).
    fn check_disjoint(&self) -> Result<(), String> {
        let tops: Vec<Vec<&Pattern>> = self
            .items
            .iter()
            .map(|i| {
                let mut v = Vec::new();
                flatten(i, &mut v);
                v
            })
            .collect();
        for (i, a) in tops.iter().enumerate() {
            for b in &tops[i + 1..] {
                for pa in a {
                    for pb in b {
                        let common = pa.mask & pb.mask;
                        if (pa.value ^ pb.value) & common == 0 {
                            return Err(format!(
                                "{}:{}: {} overlaps {} (line {}); put both in a {{ }} group",
                                self.file, pb.line, pb.name, pa.name, pa.line
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Generates the `Op` enum over all tables and one `decode_<fn>` per table.
pub fn generate(tables: &[(&Table, &str)]) -> Result<String, String> {
    // Variant name -> (field name, type) list, checked consistent across lines.
    let mut variants: BTreeMap<String, Vec<(String, &'static str)>> = BTreeMap::new();
    let mut lines_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (t, _) in tables {
        for p in t.patterns() {
            let sig: Vec<(String, &'static str)> = p
                .args
                .iter()
                .map(|(n, a)| {
                    let ty = match a {
                        Arg::Field(f) => f.rust_type(),
                        Arg::Const(c) if *c <= 255 => "u8",
                        Arg::Const(_) => "u32",
                    };
                    (n.clone(), ty)
                })
                .collect();
            let mut sorted = sig.clone();
            sorted.sort();
            if let Some(prev) = variants.get(&p.name) {
                let mut ps = prev.clone();
                ps.sort();
                if ps != sorted {
                    return Err(format!(
                        "{}:{}: {} has fields {:?}, another line has {:?}",
                        t.file, p.line, p.name, sorted, ps
                    ));
                }
            } else {
                variants.insert(p.name.clone(), sig);
            }
            lines_of
                .entry(p.name.clone())
                .or_default()
                .push(format!("{}:{}", t.file, p.line));
        }
    }
    let mut o = String::new();
    o.push_str("// @generated by build/decodegen.rs from decode/*.decode. Do not edit.\n\n");
    o.push_str("/// One decoded instruction: the pattern name from the tables and its fields.\n");
    o.push_str("#[allow(non_camel_case_types)]\n#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum Op {\n");
    o.push_str("    /// No pattern matched: the instruction is UNDEFINED.\n    UNDEFINED,\n");
    for (name, fields) in &variants {
        let _ = writeln!(o, "    /// {}", lines_of[name].join(", "));
        if fields.is_empty() {
            let _ = writeln!(o, "    {name},");
        } else {
            let fs: Vec<String> = fields.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            let _ = writeln!(o, "    {name} {{ {} }},", fs.join(", "));
        }
    }
    o.push_str("}\n\nimpl Op {\n    /// The pattern name, as written in the decode tables.\n    pub fn name(&self) -> &'static str {\n        match self {\n            Op::UNDEFINED => \"UNDEFINED\",\n");
    for (name, fields) in &variants {
        let pat = if fields.is_empty() {
            String::new()
        } else {
            " { .. }".into()
        };
        let _ = writeln!(o, "            Op::{name}{pat} => \"{name}\",");
    }
    o.push_str("        }\n    }\n}\n\n");
    for (t, fname) in tables {
        let _ = writeln!(
            o,
            "/// Decodes one {}-bit instruction with the patterns of `{}`.\n#[allow(clippy::unnecessary_cast, clippy::identity_op, unused_parens)]\npub fn {fname}(insn: u32) -> Option<Op> {{",
            t.width, t.file
        );
        for item in &t.items {
            emit_item(&mut o, t, item, 1);
        }
        o.push_str("    None\n}\n\n");
    }
    Ok(o)
}

fn emit_item(o: &mut String, t: &Table, item: &Item, depth: usize) {
    let ind = "    ".repeat(depth);
    match item {
        Item::Pattern(p) => {
            let _ = writeln!(
                o,
                "{ind}// {}:{}\n{ind}if insn & {:#x} == {:#x} {{",
                t.file, p.line, p.mask, p.value
            );
            if p.args.is_empty() {
                let _ = writeln!(o, "{ind}    return Some(Op::{});", p.name);
            } else {
                let _ = writeln!(o, "{ind}    return Some(Op::{} {{", p.name);
                for (n, a) in &p.args {
                    let e = match a {
                        Arg::Field(f) => f.extract_expr(),
                        Arg::Const(c) => format!("{c}"),
                    };
                    let _ = writeln!(o, "{ind}        {n}: {e},");
                }
                let _ = writeln!(o, "{ind}    }});");
            }
            let _ = writeln!(o, "{ind}}}");
        }
        Item::Group(g) => {
            for i in g {
                emit_item(o, t, i, depth);
            }
        }
    }
}
