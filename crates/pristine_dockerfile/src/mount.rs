//! `RUN --mount=…` values.
//!
//! [`parse_mount`] ports `parseMount` of moby/buildkit
//! `frontend/dockerfile/instructions/commands_runmount.go` (Apache-2.0; the version with the
//! secret `env` key and `go-csvvalue`), and its CSV step ports `csvvalue.Fields` of
//! tonistiigi/go-csvvalue (what BuildKit uses instead of `encoding/csv` for one record).
//! The defaults that BuildKit only applies when converting to LLB (secret id and target, ssh id,
//! cache id, the working-directory join of relative targets) are on [`Mount`] as methods; they port
//! `dockerfile2llb/convert_runmount.go`, `convert_secrets.go` and `convert_ssh.go` for Linux
//! targets.

use std::fmt;

use crate::duration::go_parse_uint;
use crate::flags::{go_to_lower, suggest};
use crate::quote::go_quote;

/// A mount type (`type=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MountType {
    /// `bind` (the default): a directory of the build context or of another stage.
    #[default]
    Bind,
    /// `cache`: a persistent cache directory.
    Cache,
    /// `tmpfs`: an in-memory file system.
    Tmpfs,
    /// `secret`: a build secret as a file (or an environment variable with `env=`).
    Secret,
    /// `ssh`: an SSH agent socket.
    Ssh,
}

impl MountType {
    /// Every type, in BuildKit's declaration order.
    pub const ALL: [Self; 5] = [
        Self::Bind,
        Self::Cache,
        Self::Tmpfs,
        Self::Secret,
        Self::Ssh,
    ];

    /// The name used in Dockerfiles.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bind => "bind",
            Self::Cache => "cache",
            Self::Tmpfs => "tmpfs",
            Self::Secret => "secret",
            Self::Ssh => "ssh",
        }
    }

    fn from_lower(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for MountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cache sharing mode (`sharing=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShareMode {
    /// `shared` (BuildKit's default for caches).
    Shared,
    /// `private`.
    Private,
    /// `locked`.
    Locked,
}

impl ShareMode {
    /// Every mode, in BuildKit's declaration order.
    pub const ALL: [Self; 3] = [Self::Shared, Self::Private, Self::Locked];

    /// The name used in Dockerfiles.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shared => "shared",
            Self::Private => "private",
            Self::Locked => "locked",
        }
    }
}

impl fmt::Display for ShareMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed `--mount` value (BuildKit's `instructions.Mount`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mount {
    /// `type=`.
    pub ty: MountType,
    /// `from=`: a stage or image name.
    pub from: String,
    /// `source=` / `src=`.
    pub source: String,
    /// `target=` / `dst=` / `destination=`.
    pub target: String,
    /// After defaults: read-only unless `cache`/`tmpfs` or `rw` was given.
    pub read_only: bool,
    /// `size=` of a tmpfs, in bytes (0 = unset).
    pub size_limit: i64,
    /// `id=`.
    pub cache_id: String,
    /// `sharing=`.
    pub cache_sharing: Option<ShareMode>,
    /// `required` (secret and ssh only).
    pub required: bool,
    /// `env=`: expose a secret as this environment variable.
    pub env: Option<String>,
    /// `mode=` (octal).
    pub mode: Option<u64>,
    /// `uid=`.
    pub uid: Option<u64>,
    /// `gid=`.
    pub gid: Option<u64>,
}

/// A `--mount` error; `Display` is BuildKit's text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MountError {
    /// The value is not one CSV record.
    #[error("failed to parse csv mounts: {0}")]
    Csv(CsvError),
    /// A field without `=` other than `ro`/`rw`/`required`.
    #[error("invalid field '{0}' must be a key=value pair")]
    NotKeyValue(String),
    /// `required`/`size` on a type that does not take it.
    #[error("unexpected key '{key}' for mount type '{ty}'")]
    KeyNotForType {
        /// The key, lower-cased.
        key: String,
        /// The type at that point of the field list.
        ty: MountType,
    },
    /// `from=` containing `$` followed by anything (checked before expansion).
    #[error("'from' doesn't support variable expansion, define alias stage instead")]
    FromVariable,
    /// The expander (variable substitution) failed; holds its message.
    #[error("{0}")]
    Expand(String),
    /// `type=` with an unknown type.
    #[error("unsupported mount type {}{}", go_quote(.value), did_you_mean(.suggestion.as_deref()))]
    UnsupportedType {
        /// The value as written.
        value: String,
        /// The closest type name.
        suggestion: Option<String>,
    },
    /// `sharing=` with an unknown mode.
    #[error("unsupported sharing value {}{}", go_quote(.value), did_you_mean(.suggestion.as_deref()))]
    UnsupportedSharing {
        /// The value as written.
        value: String,
        /// The closest mode name.
        suggestion: Option<String>,
    },
    /// A bad boolean (`ro`, `rw`, `required`) or `size` value.
    #[error("invalid value for {key}: {value}")]
    InvalidValue {
        /// The key, lower-cased.
        key: String,
        /// The value as written.
        value: String,
    },
    /// A bad `mode`, `uid` or `gid` number.
    #[error("invalid value {value} for {key}")]
    InvalidNumber {
        /// `mode`, `uid` or `gid`.
        key: &'static str,
        /// The value as written.
        value: String,
    },
    /// An unknown key.
    #[error("unexpected key '{key}' in '{field}'{}", did_you_mean(.suggestion.as_deref()))]
    UnknownKey {
        /// The key, lower-cased.
        key: String,
        /// The whole field.
        field: String,
        /// The closest known key.
        suggestion: Option<String>,
    },
    /// `mode`/`uid`/`gid` on a bind or tmpfs mount.
    #[error("{what} not allowed for {} type mounts", go_quote(.ty.as_str()))]
    FileInfoNotAllowed {
        /// `mode`, `uid` or `gid`.
        what: &'static str,
        /// The mount type.
        ty: MountType,
    },
    /// A secret mount with `from=`.
    #[error("secret mount should not have a from")]
    SecretFrom,
    /// A secret mount with `sharing=`.
    #[error("secret mount should not define sharing")]
    SecretSharing,
    /// A secret mount with none of source, target, id.
    #[error("invalid secret mount. one of source, target required")]
    SecretMissingSourceTarget,
    /// A secret mount with both source and id.
    #[error("both source and id can't be set")]
    SecretSourceAndId,
    /// `sharing=` on a type other than cache.
    #[error("invalid cache sharing set for {0} mount")]
    SharingNotCache(MountType),
    /// Conversion: a secret mount whose id cannot be derived.
    #[error("one of source, target required")]
    SecretIdRequired,
    /// Conversion: an ssh mount with `source=`.
    #[error("ssh does not support source")]
    SshSource,
    /// Conversion: the target resolves to `/`.
    #[error("invalid mount target {}", go_quote(.0))]
    InvalidTarget(String),
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean {s}?)"))
}

/// A CSV error (`csv.ParseError` as go-csvvalue builds it, or `io.EOF`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// The value is empty.
    #[error("EOF")]
    Eof,
    /// `"` inside an unquoted field.
    #[error("parse error on line 1, column {column}: bare \" in non-quoted-field")]
    BareQuote {
        /// 1-based byte column.
        column: usize,
    },
    /// A quoted field not closed, or closed and followed by something other than `,`.
    #[error("parse error on line 1, column {column}: extraneous or missing \" in quoted-field")]
    Quote {
        /// 1-based byte column.
        column: usize,
    },
}

/// go-csvvalue `Fields` with the default parser (comma `,`, strict quotes, no space trimming):
/// split one CSV record. A trailing `\n` or `\r\n` is dropped; an empty record is `EOF`.
pub fn csv_fields(line: &str) -> Result<Vec<String>, CsvError> {
    let line = line
        .strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .unwrap_or(line);
    if line.is_empty() {
        return Err(CsvError::Eof);
    }
    let mut fields: Vec<String> = Vec::new();
    let mut rest = line;
    let mut pos = 0;
    'field: loop {
        if !rest.starts_with('"') {
            // Non-quoted field.
            let end = rest.find(',');
            let field = &rest[..end.unwrap_or(rest.len())];
            if let Some(j) = field.find('"') {
                return Err(CsvError::BareQuote {
                    column: pos + j + 1,
                });
            }
            fields.push(field.to_owned());
            match end {
                Some(i) => {
                    rest = &rest[i + 1..];
                    pos += i + 1;
                    continue;
                }
                None => break,
            }
        }
        // Quoted field.
        rest = &rest[1..];
        pos += 1;
        let mut half_open = false;
        loop {
            let Some(i) = rest.find('"') else {
                return Err(CsvError::Quote { column: pos + 1 });
            };
            if half_open {
                if let Some(last) = fields.last_mut() {
                    last.push_str(&rest[..i]);
                }
            } else {
                fields.push(rest[..i].to_owned());
            }
            rest = &rest[i + 1..];
            pos += i + 1;
            match rest.chars().next() {
                Some('"') => {
                    // `""`: a literal quote.
                    if let Some(last) = fields.last_mut() {
                        last.push('"');
                    }
                    rest = &rest[1..];
                    pos += 1;
                    half_open = true;
                }
                Some(',') => {
                    rest = &rest[1..];
                    pos += 1;
                    continue 'field;
                }
                None => break 'field,
                Some(_) => return Err(CsvError::Quote { column: pos }),
            }
        }
    }
    Ok(fields)
}

/// Go `strconv.ParseBool`.
fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Every key `parseMount` knows, in its order (for suggestions).
const ALL_KEYS: [&str; 19] = [
    "type",
    "from",
    "source",
    "target",
    "readonly",
    "id",
    "sharing",
    "required",
    "size",
    "mode",
    "uid",
    "gid",
    "src",
    "dst",
    "destination",
    "ro",
    "rw",
    "readwrite",
    "env",
];

/// Parses a `--mount` value the way BuildKit does when it builds (`parseMount` with an
/// expander): every value is passed through `expand` (variable substitution) first.
pub fn parse_mount<F, E>(value: &str, expand: F) -> Result<Mount, MountError>
where
    F: FnMut(&str) -> Result<String, E>,
    E: fmt::Display,
{
    parse_mount_impl(value, Some(expand))
}

/// Parses a `--mount` value without substituting variables: values are taken as written.
pub fn parse_mount_literal(value: &str) -> Result<Mount, MountError> {
    parse_mount(value, |v| Ok::<_, std::convert::Infallible>(v.to_owned()))
}

/// The checks BuildKit makes when it parses the Dockerfile, before variables are known
/// (`parseMount` with a nil expander): CSV syntax and `$` in `from=`. Other keys are not looked
/// at, so the returned mount holds only the defaults.
pub fn check_mount_syntax(value: &str) -> Result<Mount, MountError> {
    parse_mount_impl::<fn(&str) -> Result<String, String>, String>(value, None)
}

fn parse_mount_impl<F, E>(value: &str, mut expand: Option<F>) -> Result<Mount, MountError>
where
    F: FnMut(&str) -> Result<String, E>,
    E: fmt::Display,
{
    let fields = csv_fields(value).map_err(MountError::Csv)?;
    let mut m = Mount::default();
    let mut ro_auto = true;

    for field in &fields {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (go_to_lower(k), Some(v)),
            None => (go_to_lower(field), None),
        };
        let key_not_for_type = |ty| MountError::KeyNotForType {
            key: key.clone(),
            ty,
        };

        let Some(value) = value else {
            if expand.is_none() {
                continue; // evaluate later
            }
            match key.as_str() {
                "readonly" | "ro" => {
                    m.read_only = true;
                    ro_auto = false;
                }
                "readwrite" | "rw" => {
                    m.read_only = false;
                    ro_auto = false;
                }
                "required" => {
                    if matches!(m.ty, MountType::Secret | MountType::Ssh) {
                        m.required = true;
                    } else {
                        return Err(key_not_for_type(m.ty));
                    }
                }
                // Any other option requires a value.
                _ => return Err(MountError::NotKeyValue(field.clone())),
            }
            continue;
        };

        // Check for a potential variable.
        let value = if let Some(expand) = expand.as_mut() {
            expand(value).map_err(|e| MountError::Expand(e.to_string()))?
        } else if key == "from" {
            // `$` anywhere but last.
            if value.find('$').is_some_and(|idx| idx != value.len() - 1) {
                return Err(MountError::FromVariable);
            }
            value.to_owned()
        } else {
            // Without an expander, defer evaluation to later.
            continue;
        };

        let invalid_value = || MountError::InvalidValue {
            key: key.clone(),
            value: value.clone(),
        };
        match key.as_str() {
            "type" => {
                let Some(ty) = MountType::from_lower(&go_to_lower(&value)) else {
                    return Err(MountError::UnsupportedType {
                        suggestion: suggest(&value, MountType::ALL.map(MountType::as_str), true),
                        value,
                    });
                };
                m.ty = ty;
            }
            "from" => m.from = value,
            "source" | "src" => m.source = value,
            "target" | "dst" | "destination" => m.target = value,
            "readonly" | "ro" => {
                m.read_only = go_parse_bool(&value).ok_or_else(invalid_value)?;
                ro_auto = false;
            }
            "readwrite" | "rw" => {
                m.read_only = !go_parse_bool(&value).ok_or_else(invalid_value)?;
                ro_auto = false;
            }
            "required" => {
                if !matches!(m.ty, MountType::Secret | MountType::Ssh) {
                    return Err(key_not_for_type(m.ty));
                }
                m.required = go_parse_bool(&value).ok_or_else(invalid_value)?;
            }
            "size" => {
                if m.ty != MountType::Tmpfs {
                    return Err(key_not_for_type(m.ty));
                }
                m.size_limit = ram_in_bytes(&value).ok_or_else(invalid_value)?;
            }
            "id" => m.cache_id = value,
            "sharing" => {
                let lower = go_to_lower(&value);
                let Some(mode) = ShareMode::ALL.into_iter().find(|s| s.as_str() == lower) else {
                    return Err(MountError::UnsupportedSharing {
                        suggestion: suggest(&value, ShareMode::ALL.map(ShareMode::as_str), true),
                        value,
                    });
                };
                m.cache_sharing = Some(mode);
            }
            "mode" => {
                m.mode =
                    Some(
                        go_parse_uint(&value, 8, 32).map_err(|_| MountError::InvalidNumber {
                            key: "mode",
                            value: value.clone(),
                        })?,
                    );
            }
            "uid" => {
                m.uid =
                    Some(
                        go_parse_uint(&value, 10, 32).map_err(|_| MountError::InvalidNumber {
                            key: "uid",
                            value: value.clone(),
                        })?,
                    );
            }
            "gid" => {
                m.gid =
                    Some(
                        go_parse_uint(&value, 10, 32).map_err(|_| MountError::InvalidNumber {
                            key: "gid",
                            value: value.clone(),
                        })?,
                    );
            }
            "env" => m.env = Some(value),
            _ => {
                return Err(MountError::UnknownKey {
                    suggestion: suggest(&key, ALL_KEYS, true),
                    key,
                    field: field.clone(),
                });
            }
        }
    }

    let file_info_allowed = matches!(m.ty, MountType::Secret | MountType::Ssh | MountType::Cache);
    if !file_info_allowed {
        for (what, set) in [
            ("mode", m.mode.is_some()),
            ("uid", m.uid.is_some()),
            ("gid", m.gid.is_some()),
        ] {
            if set {
                return Err(MountError::FileInfoNotAllowed { what, ty: m.ty });
            }
        }
    }

    if ro_auto {
        m.read_only = !matches!(m.ty, MountType::Cache | MountType::Tmpfs);
    }

    if m.ty == MountType::Secret {
        if !m.from.is_empty() {
            return Err(MountError::SecretFrom);
        }
        if m.cache_sharing.is_some() {
            return Err(MountError::SecretSharing);
        }
        if m.source.is_empty() && m.target.is_empty() && m.cache_id.is_empty() {
            return Err(MountError::SecretMissingSourceTarget);
        }
        if !m.source.is_empty() && !m.cache_id.is_empty() {
            return Err(MountError::SecretSourceAndId);
        }
    }

    if m.cache_sharing.is_some() && m.ty != MountType::Cache {
        return Err(MountError::SharingNotCache(m.ty));
    }

    Ok(m)
}

impl Mount {
    /// The secret's id (convert_secrets.go `dispatchSecret`): `source`, else `id`, else the base
    /// name of `target`.
    pub fn secret_id(&self) -> Result<String, MountError> {
        let id = if self.source.is_empty() {
            &self.cache_id
        } else {
            &self.source
        };
        if !id.is_empty() {
            return Ok(id.clone());
        }
        if self.target.is_empty() {
            return Err(MountError::SecretIdRequired);
        }
        Ok(go_path_base(&self.target))
    }

    /// Where a secret file is mounted: `target`, else `/run/secrets/<base of id>` unless the
    /// secret goes to an environment variable (`env=`), in which case there is no file.
    pub fn secret_target(&self) -> Result<Option<String>, MountError> {
        let id = self.secret_id()?;
        if !self.target.is_empty() {
            return Ok(Some(self.target.clone()));
        }
        if self.env.is_some() {
            return Ok(None);
        }
        Ok(Some(format!("/run/secrets/{}", go_path_base(&id))))
    }

    /// The SSH agent id (convert_ssh.go `dispatchSSH`): `id`, else `default`.
    pub fn ssh_id(&self) -> Result<String, MountError> {
        if !self.source.is_empty() {
            return Err(MountError::SshSource);
        }
        Ok(if self.cache_id.is_empty() {
            "default".to_owned()
        } else {
            self.cache_id.clone()
        })
    }

    /// The cache id (convert_runmount.go): `id`, else the cleaned target.
    pub fn cache_id_or_default(&self) -> String {
        if self.cache_id.is_empty() {
            go_path_clean(&self.target)
        } else {
            self.cache_id.clone()
        }
    }

    /// The mount point of a bind, cache or tmpfs mount (convert_runmount.go): a relative target
    /// is joined to `/` and the working directory; `/` itself is an error. An absolute target is
    /// returned as written.
    pub fn resolved_target(&self, workdir: &str) -> Result<String, MountError> {
        let target = if go_path_clean(&self.target).starts_with('/') {
            self.target.clone()
        } else {
            go_path_join(&["/", workdir, &self.target])
        };
        if target == "/" {
            return Err(MountError::InvalidTarget(target));
        }
        Ok(target)
    }
}

/// docker/go-units `RAMInBytes` (`parseSize` with binary multipliers). `None` where Go returns
/// an error.
pub fn ram_in_bytes(size: &str) -> Option<i64> {
    let sep = size.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')?;
    let (num, sfx) = if size.as_bytes()[sep] == b' ' {
        (&size[..sep], &size[sep + 1..])
    } else {
        (&size[..=sep], &size[sep + 1..])
    };
    let mut value = go_parse_float(num)?;
    // Backward compatibility: reject negative sizes.
    if value < 0.0 {
        return None;
    }
    if !sfx.is_empty() {
        if sfx.len() > 3 {
            return None;
        }
        let sfx = go_to_lower(sfx);
        let bytes = sfx.as_bytes();
        if bytes[0] == b'b' {
            if bytes.len() > 1 {
                return None;
            }
        } else {
            let mul: f64 = match bytes[0] {
                b'k' => 1024.0,
                b'm' => 1_048_576.0,
                b'g' => 1_073_741_824.0,
                b't' => 1_099_511_627_776.0,
                b'p' => 1_125_899_906_842_624.0,
                _ => return None,
            };
            value *= mul;
            match bytes.len() {
                2 if bytes[1] != b'b' => return None,
                3 if &bytes[1..] != b"ib" => return None,
                _ => {}
            }
        }
    }
    Some(go_f64_to_i64(value))
}

/// Go's `int64(f)` on amd64 (`CVTTSD2SQ`): truncation, and `math.MinInt64` for NaN and
/// out-of-range values.
fn go_f64_to_i64(f: f64) -> i64 {
    #[expect(clippy::cast_precision_loss, reason = "bounds of the i64 range as f64")]
    let in_range = f >= i64::MIN as f64 && f < i64::MAX as f64;
    if in_range {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked range, Go truncates"
        )]
        let v = f as i64;
        v
    } else {
        i64::MIN
    }
}

/// Go `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1.8p3`) forms, `_` digit
/// separators, `inf`/`infinity`/`nan`. `None` where Go returns an error (including overflow).
fn go_parse_float(s: &str) -> Option<f64> {
    // strconv `special`.
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" && body.len() == s.len() {
        return Some(f64::NAN);
    }
    if body.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let value = if let Some(hex) = clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        parse_hex_float(hex)?
    } else {
        let bytes = clean.as_bytes();
        let valid = !bytes.is_empty()
            && bytes.iter().any(u8::is_ascii_digit)
            && bytes
                .iter()
                .all(|&c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
            && !matches!(bytes[0], b'+' | b'-');
        if !valid {
            return None;
        }
        // Digits are required before any exponent.
        let mantissa = clean.split(['e', 'E']).next().unwrap_or_default();
        if !mantissa.bytes().any(|c| c.is_ascii_digit()) {
            return None;
        }
        clean.parse::<f64>().ok()?
    };
    if value.is_infinite() {
        return None; // ErrRange
    }
    Some(if neg { -value } else { value })
}

/// `0x` mantissa `[pP][+-]?digits`, the exponent being mandatory (Go syntax).
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once(['p', 'P'])?;
    let exp: i32 = {
        let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let e: i64 = digits.parse().unwrap_or(i64::MAX).min(100_000);
        let e = i32::try_from(e).unwrap_or(100_000);
        if exp.starts_with('-') { -e } else { e }
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int.chars().chain(frac.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let frac_len = i32::try_from(frac.len()).ok()?;
    Some(value * 2f64.powi(exp.saturating_sub(frac_len.saturating_mul(4))))
}

/// strconv `underscoreOK`: `_` only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    if let Some(b'-' | b'+') = s.first() {
        s = &s[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1] | 0x20 == b'x';
    }
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_digit() || hex && (c | 0x20).is_ascii_hexdigit() {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// Go `path.Clean`.
pub(crate) fn go_path_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let p = path.as_bytes();
    let rooted = p[0] == b'/';
    let n = p.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let (mut r, mut dotdot) = (0, 0);
    if rooted {
        out.push(b'/');
        r = 1;
        dotdot = 1;
    }
    while r < n {
        if p[r] == b'/' || (p[r] == b'.' && (r + 1 == n || p[r + 1] == b'/')) {
            // Empty path element, or a `.` element.
            r += 1;
        } else if p[r] == b'.' && p.get(r + 1) == Some(&b'.') && (r + 2 == n || p[r + 2] == b'/') {
            r += 2;
            if out.len() > dotdot {
                // Back up to the previous '/' (exclusive), but not past `dotdot`.
                let mut w = out.len() - 1;
                while w > dotdot && out[w] != b'/' {
                    w -= 1;
                }
                out.truncate(w);
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if (rooted && out.len() != 1) || (!rooted && !out.is_empty()) {
                out.push(b'/');
            }
            while r < n && p[r] != b'/' {
                out.push(p[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        return ".".to_owned();
    }
    // Only whole runes are copied or dropped (cuts happen at '/').
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Go `path.Join`.
pub(crate) fn go_path_join(elems: &[&str]) -> String {
    let parts: Vec<&str> = elems.iter().copied().filter(|e| !e.is_empty()).collect();
    if parts.is_empty() {
        return String::new();
    }
    go_path_clean(&parts.join("/"))
}

/// Go `path.Base`.
pub(crate) fn go_path_base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let trimmed = path.trim_end_matches('/');
    let base = trimmed.rsplit('/').next().unwrap_or(trimmed);
    if base.is_empty() {
        "/".to_owned()
    } else {
        base.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(v: &str) -> Mount {
        parse_mount_literal(v).unwrap_or_else(|e| panic!("{v:?}: {e}"))
    }

    fn err(v: &str) -> String {
        parse_mount_literal(v).unwrap_err().to_string()
    }

    #[test]
    fn csv_like_go() {
        assert_eq!(csv_fields("a,b").unwrap(), ["a", "b"]);
        assert_eq!(csv_fields("a,").unwrap(), ["a", ""]);
        assert_eq!(csv_fields("\"a,b\",c").unwrap(), ["a,b", "c"]);
        assert_eq!(csv_fields("\"a\"\"b\"").unwrap(), ["a\"b"]);
        assert_eq!(csv_fields("x\n").unwrap(), ["x"]);
        assert_eq!(csv_fields(""), Err(CsvError::Eof));
        assert_eq!(csv_fields("\n"), Err(CsvError::Eof));
        assert_eq!(
            csv_fields("a\"b").unwrap_err().to_string(),
            "parse error on line 1, column 2: bare \" in non-quoted-field"
        );
        assert_eq!(
            csv_fields("\"ab").unwrap_err().to_string(),
            "parse error on line 1, column 2: extraneous or missing \" in quoted-field"
        );
        assert_eq!(
            csv_fields("\"a\"b").unwrap_err().to_string(),
            "parse error on line 1, column 3: extraneous or missing \" in quoted-field"
        );
    }

    #[test]
    fn defaults_per_type() {
        let m = lit("target=/x");
        assert_eq!(m.ty, MountType::Bind);
        assert!(m.read_only);
        assert!(!lit("type=cache,target=/x").read_only);
        assert!(!lit("type=tmpfs,target=/x").read_only);
        assert!(lit("type=secret,id=a").read_only);
        assert!(!lit("target=/x,rw").read_only);
        assert!(!lit("target=/x,readwrite=true").read_only);
        assert!(lit("type=cache,target=/x,ro").read_only);
        assert!(!lit("type=cache,target=/x,ro=false").read_only);
        let m = lit(
            "TYPE=Cache,Target=/root/.cache/pip,sharing=LOCKED,id=pip,mode=0755,uid=1000,gid=0",
        );
        assert_eq!(m.ty, MountType::Cache);
        assert_eq!(m.target, "/root/.cache/pip");
        assert_eq!(m.cache_sharing, Some(ShareMode::Locked));
        assert_eq!(m.mode, Some(0o755));
        assert_eq!(m.uid, Some(1000));
        assert_eq!(m.gid, Some(0));
        let m = lit("type=tmpfs,dst=/t,size=1.5k");
        assert_eq!(m.size_limit, 1536);
        let m = lit("type=secret,id=tok,env=TOKEN,required");
        assert_eq!(m.env.as_deref(), Some("TOKEN"));
        assert!(m.required);
        assert_eq!(m.secret_target().unwrap(), None);
        let m = lit("type=secret,id=aws");
        assert_eq!(
            m.secret_target().unwrap().as_deref(),
            Some("/run/secrets/aws")
        );
        let m = lit("type=secret,target=/etc/key.pem");
        assert_eq!(m.secret_id().unwrap(), "key.pem");
        assert_eq!(lit("type=ssh").ssh_id().unwrap(), "default");
        assert_eq!(lit("type=ssh,id=gh,required=true").ssh_id().unwrap(), "gh");
        assert_eq!(
            lit("type=cache,target=/a/../b/").cache_id_or_default(),
            "/b"
        );
    }

    #[test]
    fn resolved_targets() {
        assert_eq!(lit("target=x").resolved_target("/app").unwrap(), "/app/x");
        assert_eq!(lit("target=/x/").resolved_target("/app").unwrap(), "/x/");
        assert_eq!(
            lit("target=.")
                .resolved_target("/")
                .unwrap_err()
                .to_string(),
            "invalid mount target \"/\""
        );
        assert_eq!(
            lit("source=a").resolved_target("").unwrap_err().to_string(),
            "invalid mount target \"/\""
        );
    }

    #[test]
    fn error_texts() {
        assert_eq!(err(""), "failed to parse csv mounts: EOF");
        assert_eq!(err("foo"), "invalid field 'foo' must be a key=value pair");
        assert_eq!(
            err("required"),
            "unexpected key 'required' for mount type 'bind'"
        );
        assert_eq!(
            err("size=1m"),
            "unexpected key 'size' for mount type 'bind'"
        );
        assert_eq!(
            err("type=cahce"),
            "unsupported mount type \"cahce\" (did you mean cache?)"
        );
        assert_eq!(err("type=volume"), "unsupported mount type \"volume\"");
        assert_eq!(
            err("type=cache,sharing=lockd"),
            "unsupported sharing value \"lockd\" (did you mean locked?)"
        );
        assert_eq!(err("ro=maybe"), "invalid value for ro: maybe");
        assert_eq!(err("type=tmpfs,size=lots"), "invalid value for size: lots");
        assert_eq!(err("type=cache,mode=0999"), "invalid value 0999 for mode");
        assert_eq!(err("type=cache,uid=-1"), "invalid value -1 for uid");
        assert_eq!(
            err("targte=/x"),
            "unexpected key 'targte' in 'targte=/x' (did you mean target?)"
        );
        assert_eq!(
            err("mode=0644"),
            "mode not allowed for \"bind\" type mounts"
        );
        assert_eq!(
            err("type=tmpfs,uid=1"),
            "uid not allowed for \"tmpfs\" type mounts"
        );
        assert_eq!(
            err("type=secret,id=a,from=x"),
            "secret mount should not have a from"
        );
        assert_eq!(
            err("type=secret,id=a,sharing=shared"),
            "secret mount should not define sharing"
        );
        assert_eq!(
            err("type=secret"),
            "invalid secret mount. one of source, target required"
        );
        assert_eq!(
            err("type=secret,id=a,src=b"),
            "both source and id can't be set"
        );
        assert_eq!(
            err("sharing=shared"),
            "invalid cache sharing set for bind mount"
        );
        assert_eq!(
            lit("type=ssh,source=x").ssh_id().unwrap_err().to_string(),
            "ssh does not support source"
        );
    }

    #[test]
    fn syntax_check_before_expansion() {
        assert_eq!(
            check_mount_syntax("type=bind,from=$STAGE")
                .unwrap_err()
                .to_string(),
            "'from' doesn't support variable expansion, define alias stage instead"
        );
        // `$` as the last character is allowed; other keys are not looked at yet.
        assert!(check_mount_syntax("from=a$,bogus,type=nope").is_ok());
        assert!(check_mount_syntax("a\"b").is_err());
    }

    #[test]
    fn expander_is_applied_to_values() {
        let m = parse_mount("type=cache,target=$HOME/.cache", |v| {
            Ok::<_, String>(v.replace("$HOME", "/root"))
        })
        .unwrap();
        assert_eq!(m.target, "/root/.cache");
        let e = parse_mount("target=x", |_| Err::<String, _>("boom")).unwrap_err();
        assert_eq!(e.to_string(), "boom");
    }

    #[test]
    fn ram_sizes() {
        assert_eq!(ram_in_bytes("32"), Some(32));
        assert_eq!(ram_in_bytes("32b"), Some(32));
        assert_eq!(ram_in_bytes("32k"), Some(32 * 1024));
        assert_eq!(ram_in_bytes("32KiB"), Some(32 * 1024));
        assert_eq!(ram_in_bytes("32 MB"), Some(32 * 1024 * 1024));
        assert_eq!(ram_in_bytes("1g"), Some(1 << 30));
        assert_eq!(ram_in_bytes("1_000"), Some(1000));
        assert_eq!(ram_in_bytes("1e3"), Some(1000));
        assert_eq!(ram_in_bytes("0x1p4"), Some(16));
        assert_eq!(ram_in_bytes("-1"), None);
        assert_eq!(ram_in_bytes("k"), None);
        assert_eq!(ram_in_bytes("1kk"), None);
        assert_eq!(ram_in_bytes("1kib2"), None);
        assert_eq!(ram_in_bytes("1x"), None);
        assert_eq!(ram_in_bytes("0x10"), None);
        assert_eq!(ram_in_bytes("1__0"), None);
        assert_eq!(ram_in_bytes(""), None);
    }

    #[test]
    fn go_paths() {
        for (input, want) in [
            ("", "."),
            ("abc", "abc"),
            ("abc/def/../ghi", "abc/ghi"),
            ("/../abc", "/abc"),
            ("../../abc", "../../abc"),
            ("abc/./../def", "def"),
            ("//abc//", "/abc"),
            ("abc/..", "."),
            ("/", "/"),
        ] {
            assert_eq!(go_path_clean(input), want, "{input:?}");
        }
        assert_eq!(go_path_base("/a/b/"), "b");
        assert_eq!(go_path_base("///"), "/");
        assert_eq!(go_path_base(""), ".");
        assert_eq!(go_path_join(&["/", "app", "x"]), "/app/x");
        assert_eq!(go_path_join(&["", ""]), "");
    }
}
