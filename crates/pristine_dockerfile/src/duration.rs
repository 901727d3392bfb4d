//! Go durations and the HEALTHCHECK option rules.
//!
//! [`parse_duration`] ports Go's `time.ParseDuration` (`src/time/format.go`, Go 1.22; its error
//! strings quote with `time.quote`, which escapes every non-ASCII or control byte as `\xNN`).
//! [`parse_healthcheck_interval`] and [`parse_healthcheck_retries`] port `parseOptInterval` and the
//! `--retries` handling of `parseHealthcheck` in moby/buildkit
//! `frontend/dockerfile/instructions/parse.go` (Apache-2.0; the version where 0 is allowed and
//! the minimum is `time.Millisecond`).

use std::fmt;
use std::fmt::Write as _;

/// A Go `time.Duration`: signed nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoDuration(pub i64);

impl GoDuration {
    /// One nanosecond.
    pub const NANOSECOND: Self = Self(1);
    /// One microsecond.
    pub const MICROSECOND: Self = Self(1_000);
    /// One millisecond.
    pub const MILLISECOND: Self = Self(1_000_000);
    /// One second.
    pub const SECOND: Self = Self(1_000_000_000);
    /// One minute.
    pub const MINUTE: Self = Self(60_000_000_000);
    /// One hour.
    pub const HOUR: Self = Self(3_600_000_000_000);

    /// The duration in nanoseconds.
    pub fn as_nanos(self) -> i64 {
        self.0
    }
}

/// Go `time.Duration.String`: `72h3m0.5s`, `1.5ms`, `0s`.
impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let mut u = self.0.unsigned_abs();
        let mut out = String::new();
        if u < 1_000_000_000 {
            // Less than a second: a smaller unit, with a fraction.
            let (prec, unit) = match u {
                0 => return f.write_str("0s"),
                1..=999 => (0, "ns"),
                1_000..=999_999 => (3, "µs"),
                _ => (6, "ms"),
            };
            out.push_str(&fmt_int_frac(u, prec));
            out.push_str(unit);
        } else {
            let secs_frac = fmt_int_frac(u % 60_000_000_000, 9);
            u /= 60_000_000_000;
            out.push_str(&secs_frac);
            out.push('s');
            if u > 0 {
                let mut prefix = String::new();
                let minutes = u % 60;
                u /= 60;
                if u > 0 {
                    prefix = format!("{u}h");
                }
                out = format!("{prefix}{minutes}m{out}");
            }
        }
        if neg {
            f.write_str("-")?;
        }
        f.write_str(&out)
    }
}

/// Go `fmtFrac` + `fmtInt`: `v / 10^prec` with trailing zeros (and a bare `.`) dropped.
fn fmt_int_frac(v: u64, prec: u32) -> String {
    let scale = 10u64.pow(prec);
    let (int, frac) = (v / scale, v % scale);
    if frac == 0 {
        return int.to_string();
    }
    let digits = format!("{frac:0width$}", width = prec as usize);
    format!("{int}.{}", digits.trim_end_matches('0'))
}

/// A `time.ParseDuration` error; `Display` is Go's text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Not a duration at all, or out of range.
    #[error("time: invalid duration {}", time_quote(.0))]
    Invalid(String),
    /// A number without a unit (other than a lone `0`).
    #[error("time: missing unit in duration {}", time_quote(.0))]
    MissingUnit(String),
    /// A unit other than ns, us, µs, μs, ms, s, m, h.
    #[error("time: unknown unit {} in duration {}", time_quote(.unit), time_quote(.input))]
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The whole input.
        input: String,
    },
}

/// Go `time.quote`: double quotes, `\"` and `\\`, and every byte of a non-ASCII or control rune
/// as `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if !c.is_ascii() || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\x{b:02x}");
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

const MAX: u64 = 1 << 63;

/// Go `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, e.g. `300ms`, `-1.5h`, `2h45m`.
pub fn parse_duration(input: &str) -> Result<GoDuration, DurationError> {
    let invalid = || DurationError::Invalid(input.to_owned());
    let mut rest = input.as_bytes();
    let mut neg = false;
    if let Some(&c @ (b'-' | b'+')) = rest.first() {
        neg = c == b'-';
        rest = &rest[1..];
    }
    // Special case: if all that is left is "0", this is zero.
    if rest == b"0" {
        return Ok(GoDuration(0));
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        // The next character must be [0-9.]
        if !(rest[0] == b'.' || rest[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Consume [0-9]*
        let before = rest.len();
        let (mut v, after) = leading_int(rest).ok_or_else(invalid)?;
        rest = after;
        let pre = before != rest.len();

        // Consume (\.[0-9]*)?
        let mut post = false;
        let (mut frac_digits, mut scale) = (0u64, 1f64);
        if rest.first() == Some(&b'.') {
            rest = &rest[1..];
            let before = rest.len();
            (frac_digits, scale, rest) = leading_fraction(rest);
            post = before != rest.len();
        }
        if !pre && !post {
            // No digits (e.g. ".s" or "-.s").
            return Err(invalid());
        }

        // Consume unit.
        let i = rest
            .iter()
            .position(|&c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        if i == 0 {
            return Err(DurationError::MissingUnit(input.to_owned()));
        }
        let (unit_str, after) = rest.split_at(i);
        rest = after;
        let unit: u64 = match unit_str {
            b"ns" => 1,
            // "us", "µs" (U+00B5 micro sign), "μs" (U+03BC Greek mu)
            b"us" | b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
            b"ms" => 1_000_000,
            b"s" => 1_000_000_000,
            b"m" => 60_000_000_000,
            b"h" => 3_600_000_000_000,
            _ => {
                return Err(DurationError::UnknownUnit {
                    // The unit stops at an ASCII byte, so it is whole UTF-8.
                    unit: String::from_utf8_lossy(unit_str).into_owned(),
                    input: input.to_owned(),
                });
            }
        };
        if v > MAX / unit {
            return Err(invalid());
        }
        v *= unit;
        if frac_digits > 0 {
            // float64 is needed to be nanosecond accurate for fractions of hours.
            #[expect(
                clippy::cast_precision_loss,
                clippy::cast_sign_loss,
                reason = "Go: v += uint64(float64(f) * (float64(unit) / scale))"
            )]
            let frac = (frac_digits as f64 * (unit as f64 / scale)) as u64;
            v += frac;
            if v > MAX {
                return Err(invalid());
            }
        }
        // Go's uint64 addition wraps: 2^63 + 2^63 is 0 and passes the check below.
        total = total.wrapping_add(v);
        if total > MAX {
            return Err(invalid());
        }
    }
    if neg {
        // total <= 1<<63, so -d fits (i64::MIN at the extreme).
        return Ok(GoDuration(0i64.wrapping_sub_unsigned(total)));
    }
    i64::try_from(total).map(GoDuration).map_err(|_| invalid())
}

/// Go `leadingInt`: the leading `[0-9]*`, or `None` on overflow.
fn leading_int(s: &[u8]) -> Option<(u64, &[u8])> {
    let mut x: u64 = 0;
    let mut i = 0;
    while let Some(&c) = s.get(i).filter(|c| c.is_ascii_digit()) {
        if x > MAX / 10 {
            return None;
        }
        x = x * 10 + u64::from(c - b'0');
        if x > MAX {
            return None;
        }
        i += 1;
    }
    Some((x, &s[i..]))
}

/// Go `leadingFraction`: the leading `[0-9]*` after a `.`; on overflow it stops accumulating
/// precision but keeps consuming digits.
fn leading_fraction(s: &[u8]) -> (u64, f64, &[u8]) {
    let mut x: u64 = 0;
    let mut scale = 1f64;
    let mut overflow = false;
    let mut i = 0;
    while let Some(&c) = s.get(i).filter(|c| c.is_ascii_digit()) {
        i += 1;
        if overflow {
            continue;
        }
        if x > (MAX - 1) / 10 {
            overflow = true;
            continue;
        }
        let y = x * 10 + u64::from(c - b'0');
        if y > MAX {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale, &s[i..])
}

/// The smallest non-zero HEALTHCHECK duration (`const minimumDuration = time.Millisecond`).
pub const HEALTHCHECK_MINIMUM: GoDuration = GoDuration::MILLISECOND;

/// A HEALTHCHECK option error; `Display` is BuildKit's text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HealthcheckError {
    /// The value is not a Go duration.
    #[error(transparent)]
    Duration(#[from] DurationError),
    /// Non-zero and below 1ms (negative included).
    #[error("Interval {} cannot be less than {HEALTHCHECK_MINIMUM}", crate::quote::go_quote(.flag))]
    TooShort {
        /// The flag name without `--` (`interval`, `timeout`, `start-period`, `start-interval`).
        flag: String,
    },
    /// `--retries` is not a 32-bit integer (Go `strconv.ParseInt(v, 10, 32)`).
    #[error("strconv.ParseInt: parsing {}: {}", crate::quote::go_quote(.value), if *.out_of_range { "value out of range" } else { "invalid syntax" })]
    RetriesNotInt {
        /// The value as written.
        value: String,
        /// Whether it is a well-formed number outside the 32-bit range.
        out_of_range: bool,
    },
    /// `--retries` below zero.
    #[error("--retries cannot be negative ({0})")]
    NegativeRetries(i64),
}

/// BuildKit `parseOptInterval` for `--interval`, `--timeout`, `--start-period` and
/// `--start-interval`: empty or zero is 0 (use the default), otherwise at least 1ms.
/// `flag` is the name without `--`, as it appears in the error.
pub fn parse_healthcheck_interval(flag: &str, value: &str) -> Result<GoDuration, HealthcheckError> {
    if value.is_empty() {
        return Ok(GoDuration(0));
    }
    let d = parse_duration(value)?;
    if d.0 == 0 {
        return Ok(d);
    }
    if d < HEALTHCHECK_MINIMUM {
        return Err(HealthcheckError::TooShort {
            flag: flag.to_owned(),
        });
    }
    Ok(d)
}

/// BuildKit's `--retries` handling: empty is 0, otherwise `strconv.ParseInt(v, 10, 32)` and
/// not negative.
pub fn parse_healthcheck_retries(value: &str) -> Result<i64, HealthcheckError> {
    if value.is_empty() {
        return Ok(0);
    }
    let retries =
        go_parse_int32(value).map_err(|out_of_range| HealthcheckError::RetriesNotInt {
            value: value.to_owned(),
            out_of_range,
        })?;
    if retries < 0 {
        return Err(HealthcheckError::NegativeRetries(retries));
    }
    Ok(retries)
}

/// Go `strconv.ParseInt(s, 10, 32)`; the error is `true` for a range error, `false` for a
/// syntax error.
fn go_parse_int32(s: &str) -> Result<i64, bool> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let un = match go_parse_uint(digits, 10, 32) {
        Ok(un) => un,
        Err(GoNumError::Syntax) => return Err(false),
        Err(GoNumError::Range) => u64::from(u32::MAX),
    };
    let cutoff: u64 = 1 << 31;
    if !neg && un >= cutoff {
        return Err(true);
    }
    if neg && un > cutoff {
        return Err(true);
    }
    let un = i64::try_from(un).map_err(|_| true)?;
    Ok(if neg { -un } else { un })
}

/// Why a Go `strconv` integer parse failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GoNumError {
    /// `strconv.ErrSyntax`.
    Syntax,
    /// `strconv.ErrRange`.
    Range,
}

/// Go `strconv.ParseUint(s, base, bit_size)` for `2 <= base <= 36` (no prefixes, no
/// underscores, no sign). As in Go, an overflow is reported as soon as it happens, even if a
/// bad digit follows.
pub(crate) fn go_parse_uint(s: &str, base: u32, bit_size: u32) -> Result<u64, GoNumError> {
    if s.is_empty() {
        return Err(GoNumError::Syntax);
    }
    let base64 = u64::from(base);
    let max_val: u64 = if bit_size >= 64 {
        u64::MAX
    } else {
        (1u64 << bit_size) - 1
    };
    let cutoff = u64::MAX / base64 + 1;
    let mut n: u64 = 0;
    for c in s.bytes() {
        let lower = c | 0x20;
        let d = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            _ if lower.is_ascii_lowercase() => u32::from(lower - b'a') + 10,
            _ => return Err(GoNumError::Syntax),
        };
        if d >= base {
            return Err(GoNumError::Syntax);
        }
        if n >= cutoff {
            return Err(GoNumError::Range);
        }
        n *= base64;
        let n1 = n.wrapping_add(u64::from(d));
        if n1 < n || n1 > max_val {
            return Err(GoNumError::Range);
        }
        n = n1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> i64 {
        parse_duration(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).0
    }

    fn err(s: &str) -> String {
        parse_duration(s).unwrap_err().to_string()
    }

    #[test]
    fn parse_duration_values() {
        // A selection of Go's time_test.go parseDurationTests.
        assert_eq!(ok("0"), 0);
        assert_eq!(ok("5s"), 5_000_000_000);
        assert_eq!(ok("30s"), 30_000_000_000);
        assert_eq!(ok("1478s"), 1_478_000_000_000);
        assert_eq!(ok("-5s"), -5_000_000_000);
        assert_eq!(ok("+5s"), 5_000_000_000);
        assert_eq!(ok("-0"), 0);
        assert_eq!(ok("+0"), 0);
        assert_eq!(ok("5.0s"), 5_000_000_000);
        assert_eq!(ok("5.6s"), 5_600_000_000);
        assert_eq!(ok("5.s"), 5_000_000_000);
        assert_eq!(ok(".5s"), 500_000_000);
        assert_eq!(ok("1.0s"), 1_000_000_000);
        assert_eq!(ok("1.00s"), 1_000_000_000);
        assert_eq!(ok("1.004s"), 1_004_000_000);
        assert_eq!(ok("1.0040s"), 1_004_000_000);
        assert_eq!(ok("100.00100s"), 100_001_000_000);
        assert_eq!(ok("10ns"), 10);
        assert_eq!(ok("11us"), 11_000);
        assert_eq!(ok("12µs"), 12_000);
        assert_eq!(ok("12μs"), 12_000);
        assert_eq!(ok("13ms"), 13_000_000);
        assert_eq!(ok("14s"), 14_000_000_000);
        assert_eq!(ok("15m"), 900_000_000_000);
        assert_eq!(ok("16h"), 57_600_000_000_000);
        assert_eq!(ok("3h30m"), 12_600_000_000_000);
        assert_eq!(ok("10.5s4m"), 250_500_000_000);
        assert_eq!(ok("-2m3.4s"), -123_400_000_000);
        assert_eq!(ok("1h2m3s4ms5us6ns"), 3_723_004_005_006);
        assert_eq!(ok("39h9m14.425s"), 140_954_425_000_000);
        assert_eq!(ok("52763797000ns"), 52_763_797_000);
        assert_eq!(ok("0.3333333333333333333h"), 1_200_000_000_000);
        assert_eq!(ok("9007199254740993ns"), 9_007_199_254_740_993);
        assert_eq!(ok("9223372036854775807ns"), i64::MAX);
        assert_eq!(ok("9223372036854775.807us"), i64::MAX);
        assert_eq!(ok("9223372036s854ms775us807ns"), i64::MAX);
        assert_eq!(ok("-9223372036854775808ns"), i64::MIN);
        assert_eq!(ok("-9223372036854775.808us"), i64::MIN);
        assert_eq!(ok("-2562047h47m16.854775808s"), i64::MIN);
        assert_eq!(ok("0.100000000000000000000h"), 360_000_000_000);
        assert_eq!(ok("0.830103483285477580700h"), 2_988_372_539_827);
        // Bug-compatible: the uint64 sum wraps to 0 in Go.
        assert_eq!(ok("9223372036854775808ns9223372036854775808ns"), 0);
    }

    #[test]
    fn parse_duration_errors() {
        assert_eq!(err(""), "time: invalid duration \"\"");
        assert_eq!(err("3"), "time: missing unit in duration \"3\"");
        assert_eq!(err("-"), "time: invalid duration \"-\"");
        assert_eq!(err("s"), "time: invalid duration \"s\"");
        assert_eq!(err("."), "time: invalid duration \".\"");
        assert_eq!(err("-.s"), "time: invalid duration \"-.s\"");
        assert_eq!(err(".s"), "time: invalid duration \".s\"");
        assert_eq!(err("+.s"), "time: invalid duration \"+.s\"");
        assert_eq!(err("1d"), "time: unknown unit \"d\" in duration \"1d\"");
        assert_eq!(err("1.1.1s"), "time: missing unit in duration \"1.1.1s\"");
        assert_eq!(
            err("9223372036854775808ns"),
            "time: invalid duration \"9223372036854775808ns\""
        );
        assert_eq!(
            err("9223372036854775.808us"),
            "time: invalid duration \"9223372036854775.808us\""
        );
        assert_eq!(
            err("-9223372036854775809ns"),
            "time: invalid duration \"-9223372036854775809ns\""
        );
        assert_eq!(err("3000000h"), "time: invalid duration \"3000000h\"");
        assert_eq!(
            err("\"\u{1}é"),
            "time: invalid duration \"\\\"\\x01\\xc3\\xa9\""
        );
        assert_eq!(
            err("1é"),
            "time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\""
        );
    }

    #[test]
    fn display_like_go() {
        for (nanos, s) in [
            (0, "0s"),
            (1, "1ns"),
            (1_100, "1.1µs"),
            (2_200_000, "2.2ms"),
            (3_300_000_000, "3.3s"),
            (240_000_000_000, "4m0s"),
            (301_000_000_000, "5m1s"),
            (4_200_000_000_000 + 5_000_000_000 + 1_000_000, "1h10m5.001s"),
            (-1, "-1ns"),
            (i64::MAX, "2562047h47m16.854775807s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ] {
            assert_eq!(GoDuration(nanos).to_string(), s);
        }
    }

    #[test]
    fn healthcheck_intervals() {
        assert_eq!(
            parse_healthcheck_interval("interval", ""),
            Ok(GoDuration(0))
        );
        assert_eq!(
            parse_healthcheck_interval("interval", "0s"),
            Ok(GoDuration(0))
        );
        assert_eq!(
            parse_healthcheck_interval("interval", "-0"),
            Ok(GoDuration(0))
        );
        assert_eq!(
            parse_healthcheck_interval("timeout", "1ms"),
            Ok(GoDuration::MILLISECOND)
        );
        assert_eq!(
            parse_healthcheck_interval("interval", "999us")
                .unwrap_err()
                .to_string(),
            "Interval \"interval\" cannot be less than 1ms"
        );
        assert_eq!(
            parse_healthcheck_interval("start-period", "-1s")
                .unwrap_err()
                .to_string(),
            "Interval \"start-period\" cannot be less than 1ms"
        );
        assert_eq!(
            parse_healthcheck_interval("interval", "5")
                .unwrap_err()
                .to_string(),
            "time: missing unit in duration \"5\""
        );
    }

    #[test]
    fn healthcheck_retries() {
        assert_eq!(parse_healthcheck_retries(""), Ok(0));
        assert_eq!(parse_healthcheck_retries("3"), Ok(3));
        assert_eq!(parse_healthcheck_retries("+3"), Ok(3));
        assert_eq!(parse_healthcheck_retries("-0"), Ok(0));
        assert_eq!(parse_healthcheck_retries("2147483647"), Ok(2_147_483_647));
        let msg = |v| parse_healthcheck_retries(v).unwrap_err().to_string();
        assert_eq!(msg("-1"), "--retries cannot be negative (-1)");
        assert_eq!(msg("x"), "strconv.ParseInt: parsing \"x\": invalid syntax");
        assert_eq!(
            msg("1_0"),
            "strconv.ParseInt: parsing \"1_0\": invalid syntax"
        );
        assert_eq!(
            msg("0x10"),
            "strconv.ParseInt: parsing \"0x10\": invalid syntax"
        );
        assert_eq!(
            msg("2147483648"),
            "strconv.ParseInt: parsing \"2147483648\": value out of range"
        );
        assert_eq!(
            msg("-2147483649"),
            "strconv.ParseInt: parsing \"-2147483649\": value out of range"
        );
        // Go reports the overflow before it sees the bad digit.
        assert_eq!(
            msg("99999999999999999999x"),
            "strconv.ParseInt: parsing \"99999999999999999999x\": value out of range"
        );
        assert_eq!(msg("-"), "strconv.ParseInt: parsing \"-\": invalid syntax");
    }
}
