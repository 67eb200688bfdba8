//! Register numbers from a server's target description.
//!
//! gdb numbers registers as the server's target description lists them
//! (`qXfer:features:read:target.xml`, with `<xi:include>`d parts in order),
//! each `<reg>` taking the next number unless it says `regnum="N"`. Servers
//! differ: J-Link GDB Server keeps the old M-profile layout with xPSR at 25,
//! pyOCD and mb4's own stub put it at 16. Writing the wrong number writes
//! another register, or is refused.

/// The `href`s of `<xi:include>` elements, in order.
pub fn includes(xml: &str) -> Vec<String> {
    tags(xml, "xi:include")
        .filter_map(|t| attr(t, "href"))
        .collect()
}

/// Registers declared in one document, as (name, explicit regnum).
pub fn regs(xml: &str) -> Vec<(String, Option<u32>)> {
    tags(xml, "reg")
        .filter_map(|t| {
            let name = attr(t, "name")?;
            let regnum = attr(t, "regnum").and_then(|n| n.parse().ok());
            Some((name, regnum))
        })
        .collect()
}

/// The number of register `name` (case-insensitive) across `docs`, the
/// target description's documents in include order.
pub fn number_of(docs: &[String], name: &str) -> Option<u32> {
    let mut next = 0u32;
    for doc in docs {
        for (reg, regnum) in regs(doc) {
            let n = regnum.unwrap_or(next);
            if reg.eq_ignore_ascii_case(name) {
                return Some(n);
            }
            next = n.checked_add(1)?;
        }
    }
    None
}

/// The attribute text of every `<name ...>` tag.
fn tags<'a>(xml: &'a str, name: &str) -> impl Iterator<Item = &'a str> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    for (at, _) in xml.match_indices(open.as_str()) {
        let rest = &xml[at + open.len()..];
        // `<reg` must not match `<register...>`.
        if !rest.starts_with(|c: char| c.is_whitespace() || c == '/' || c == '>') {
            continue;
        }
        if let Some(end) = rest.find('>') {
            found.push(&rest[..end]);
        }
    }
    found.into_iter()
}

/// `key="value"` (or single quotes) inside a tag's text.
fn attr(tag: &str, key: &str) -> Option<String> {
    let mut search = tag;
    loop {
        let at = search.find(key)?;
        let before_ok = at == 0 || search[..at].ends_with(char::is_whitespace);
        let rest = search[at + key.len()..].trim_start();
        if before_ok && let Some(rest) = rest.strip_prefix('=') {
            let rest = rest.trim_start();
            let quote = rest.chars().next()?;
            if quote == '"' || quote == '\'' {
                let body = &rest[1..];
                return Some(body[..body.find(quote)?].to_string());
            }
        }
        search = &search[at + key.len()..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_numbers_and_explicit_regnums() {
        let core = r#"<feature name="org.gnu.gdb.arm.m-profile">
            <reg name="r0" bitsize="32"/> <reg name="pc" bitsize="32" type="code_ptr"/>
            <reg name="xpsr" bitsize="32"/></feature>"#
            .to_string();
        assert_eq!(number_of(std::slice::from_ref(&core), "xPSR"), Some(2));
        let jlink = r#"<reg name="pc" bitsize="32" regnum="15"/><reg name="xPSR" bitsize="32" regnum="25"/>"#.to_string();
        assert_eq!(number_of(&[jlink], "xpsr"), Some(25));
        let split = [
            r#"<reg name="r0"/><reg name="r1"/>"#.to_string(),
            r#"<register-ish/><reg name='msp'/><reg name="xpsr"/>"#.to_string(),
        ];
        assert_eq!(number_of(&split, "xpsr"), Some(3));
        assert_eq!(number_of(&split, "fpscr"), None);
    }

    #[test]
    fn includes_in_order() {
        let xml = r#"<target><xi:include href="core.xml"/><xi:include href='fpu.xml'/></target>"#;
        assert_eq!(includes(xml), ["core.xml", "fpu.xml"]);
    }

    #[test]
    fn garbage_gives_nothing_and_no_panic() {
        for junk in [
            "<reg",
            "<reg name=",
            "<reg name=\"x",
            "<<<>>>",
            "<reg regnum=\"-1\" name=\"xpsr\">",
        ] {
            let _ = number_of(&[junk.to_string()], "xpsr");
            let _ = includes(junk);
        }
    }
}
