//! DA1469x pin names: `P0_09` is port 0, pin 9.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A GPIO pin of the SoC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pin {
    /// Port: 0 or 1.
    pub port: u8,
    /// Pin number within the port.
    pub number: u8,
}

/// Why a pin name did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a pin name; write P<port>_<pin>, e.g. P0_09 or P1_22")]
pub struct PinParseError(pub String);

impl std::str::FromStr for Pin {
    type Err = PinParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || PinParseError(s.to_owned());
        let rest = s.strip_prefix('P').ok_or_else(bad)?;
        let (port, number) = rest.split_once('_').ok_or_else(bad)?;
        let port: u8 = port.parse().map_err(|_| bad())?;
        let number: u8 = number.parse().map_err(|_| bad())?;
        if port > 1 {
            return Err(bad());
        }
        Ok(Pin { port, number })
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}_{:02}", self.port, self.number)
    }
}

impl<'de> Deserialize<'de> for Pin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Pin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let p: Pin = "P1_22".parse().unwrap();
        assert_eq!(
            p,
            Pin {
                port: 1,
                number: 22
            }
        );
        assert_eq!(p.to_string(), "P1_22");
        assert_eq!("P0_9".parse::<Pin>().unwrap().to_string(), "P0_09");
        for bad in ["P2_01", "p0_01", "P0-01", "P0_", "GPIO5", ""] {
            assert!(bad.parse::<Pin>().is_err(), "{bad}");
        }
    }
}
