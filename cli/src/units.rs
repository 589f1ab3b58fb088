//! Parsing and printing of the quantities the commands take: amounts in an asset's decimal
//! units (or base units), hashrate with its unit, and durations.
use crate::error::CliError;

/// Decimals of the share token.
pub const SHARE_DECIMALS: u32 = 7;

/// The most decimals an i128 amount can have a unit of (10^38 < 2^127).
pub const MAX_DECIMALS: u32 = 38;

/// An amount of an asset with `decimals` decimals: decimal units (`10`, `2.5`), or with
/// `base_units` a whole number of base units (`25000000`, `_` allowed as a separator).
pub fn parse_amount(
    what: &'static str,
    text: &str,
    decimals: u32,
    base_units: bool,
) -> Result<i128, CliError> {
    if base_units {
        return parse_units(what, text);
    }
    if decimals > MAX_DECIMALS {
        return Err(CliError::invalid(
            what,
            text,
            "the asset has more decimals than any amount can hold",
        ));
    }
    let bad = |reason: String| CliError::invalid(what, text, reason);
    let example = || {
        "expected an amount such as 10 or 2.5 (--base-units: a whole number of base units)"
            .to_string()
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if (whole.is_empty() && fraction.is_empty())
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad(example()));
    }
    if fraction.len() > decimals as usize {
        return Err(bad(format!(
            "at most {decimals} decimals (or --base-units)"
        )));
    }
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad("too large".into()))?
    };
    let padded = format!("{fraction:0<width$}", width = decimals as usize);
    let fraction: i128 = if padded.is_empty() {
        0
    } else {
        padded.parse().map_err(|_| bad("bad decimals".into()))?
    };
    10i128
        .checked_pow(decimals)
        .and_then(|unit| whole.checked_mul(unit))
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(|| bad("too large".into()))
}

/// Whole shares, with up to 7 decimals (`10`, `2.5`), in base units.
pub fn parse_shares(text: &str, base_units: bool) -> Result<i128, CliError> {
    parse_amount("share amount", text, SHARE_DECIMALS, base_units)
}

/// A non-negative integer amount of base units.
pub fn parse_units(what: &'static str, text: &str) -> Result<i128, CliError> {
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return Err(CliError::invalid(
            what,
            text,
            "expected a whole number of base units",
        ));
    }
    text.replace('_', "")
        .parse()
        .map_err(|_| CliError::invalid(what, text, "too large"))
}

/// Base units of an asset with `decimals` decimals as decimal units (`12.5`, `0.0000001`).
pub fn decimal(base_units: i128, decimals: u32) -> String {
    let sign = if base_units < 0 { "-" } else { "" };
    let abs = base_units.unsigned_abs();
    let Some(unit) = 10u128.checked_pow(decimals) else {
        return format!("{base_units} base units");
    };
    let (whole, fraction) = (abs / unit, abs % unit);
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let fraction = format!("{fraction:0width$}", width = decimals as usize);
    format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
}

/// Hashrate in H/s: a number (up to 3 decimals) with its unit H, KH, MH, GH, TH, PH or EH
/// (`/s` optional), e.g. `100TH` or `1.5PH`. A bare number is refused: 100 could be H/s or TH/s.
pub fn parse_hashrate(text: &str) -> Result<i128, CliError> {
    let bad = |reason: &str| CliError::invalid("hashrate", text, reason);
    let upper = text.trim().to_ascii_uppercase();
    let upper = upper.strip_suffix("/S").unwrap_or(&upper);
    let number_end = upper
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(upper.len());
    let (number, unit) = upper.split_at(number_end);
    let exponent = match unit {
        "H" => 0,
        "KH" => 3,
        "MH" => 6,
        "GH" => 9,
        "TH" => 12,
        "PH" => 15,
        "EH" => 18,
        "" if !number.is_empty() => {
            return Err(bad("give its unit, e.g. 100TH (H, KH, MH, GH, TH, PH, EH)"))
        }
        _ => return Err(bad("expected a number and a unit, e.g. 100TH")),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || fraction.len() > 3 || fraction.len() as u32 > exponent {
        return Err(bad("expected a number and a unit, e.g. 100TH or 1.5PH"));
    }
    parse_amount("hashrate", &format!("{whole}.{fraction}"), exponent, false)
        .map_err(|_| bad("expected a number and a unit, e.g. 100TH or 1.5PH"))
}

/// A duration: seconds, or a number with a unit s, m, h, d (`90`, `30m`, `25h`, `1d`).
pub fn parse_duration(text: &str) -> Result<u64, CliError> {
    let bad = || {
        CliError::invalid(
            "duration",
            text,
            "expected seconds or a number with s, m, h or d, e.g. 25h",
        )
    };
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits_end);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    number.checked_mul(scale).ok_or_else(bad)
}

/// A duration in the largest unit that divides it (`1 h`, `2 d`, `90 m`, `50 s`).
pub fn duration(seconds: u64) -> String {
    match seconds {
        0 => "0 s".to_string(),
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3_600 == 0 => format!("{} h", s / 3_600),
        s if s % 60 == 0 => format!("{} m", s / 60),
        s => format!("{s} s"),
    }
}

/// Base units of the share token as whole shares (`12.5`, `0.0000001`, `3`).
pub fn shares(base_units: i128) -> String {
    decimal(base_units, SHARE_DECIMALS)
}

/// A hashrate in the largest unit it reaches (`100 TH/s`, `57.5 TH/s`), to 3 decimals; `~`
/// marks a value cut at the third decimal.
pub fn hashrate(hs: i128) -> String {
    const UNITS: [(&str, i128); 6] = [
        ("EH/s", 1_000_000_000_000_000_000),
        ("PH/s", 1_000_000_000_000_000),
        ("TH/s", 1_000_000_000_000),
        ("GH/s", 1_000_000_000),
        ("MH/s", 1_000_000),
        ("kH/s", 1_000),
    ];
    for (name, scale) in UNITS {
        if hs >= scale {
            let (whole, rest) = (hs / scale, hs % scale);
            if rest == 0 {
                return format!("{whole} {name}");
            }
            let milli = scale / 1_000;
            let thousandths = format!("{:03}", rest / milli);
            let approx = if rest % milli == 0 { "" } else { "~" };
            return format!(
                "{approx}{whole}.{} {name}",
                thousandths.trim_end_matches('0')
            )
            .replace(". ", " ");
        }
    }
    format!("{hs} H/s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_trip() {
        assert_eq!(parse_shares("10", false).ok(), Some(100_000_000));
        assert_eq!(parse_shares("2.5", false).ok(), Some(25_000_000));
        assert_eq!(parse_shares("0.0000001", false).ok(), Some(1));
        assert_eq!(parse_shares("25_000_000", true).ok(), Some(25_000_000));
        assert!(parse_shares("2.5", true).is_err());
        assert!(parse_shares("1.00000001", false).is_err());
        assert!(parse_shares("ten", false).is_err());
        assert!(parse_shares("-1", false).is_err());
        assert!(parse_shares(".", false).is_err());
        assert_eq!(parse_amount("amount", "1.5", 2, false).ok(), Some(150));
        assert_eq!(parse_amount("amount", "3", 0, false).ok(), Some(3));
        assert!(parse_amount("amount", "1.5", 0, false).is_err());
        assert_eq!(decimal(150, 2), "1.5");
        assert_eq!(decimal(-1, 7), "-0.0000001");
        assert_eq!(shares(25_000_000), "2.5");
        assert_eq!(shares(100_000_000), "10");
    }

    #[test]
    fn hashrate_and_durations() {
        assert_eq!(parse_hashrate("100TH").ok(), Some(100_000_000_000_000));
        assert_eq!(parse_hashrate("5ph/s").ok(), Some(5_000_000_000_000_000));
        assert_eq!(parse_hashrate("1.5PH").ok(), Some(1_500_000_000_000_000));
        assert_eq!(parse_hashrate("7H").ok(), Some(7));
        assert!(parse_hashrate("100XH").is_err());
        assert!(parse_hashrate("100").is_err());
        assert!(parse_hashrate("1.5H").is_err());
        assert!(parse_hashrate("1.2345TH").is_err());
        assert!(parse_hashrate("TH").is_err());
        assert_eq!(parse_duration("25h").ok(), Some(90_000));
        assert_eq!(parse_duration("1d").ok(), Some(86_400));
        assert!(parse_duration("soon").is_err());
        assert_eq!(hashrate(100_000_000_000_000), "100 TH/s");
        assert_eq!(hashrate(94_583_333_333_333), "~94.583 TH/s");
        assert_eq!(hashrate(57_500_000_000_000), "57.5 TH/s");
        assert_eq!(hashrate(1_000_000_000_001), "~1 TH/s");
        assert_eq!(hashrate(999), "999 H/s");
        assert_eq!(duration(3_600), "1 h");
        assert_eq!(duration(172_800), "2 d");
        assert_eq!(duration(5_400), "90 m");
        assert_eq!(duration(50), "50 s");
    }
}
