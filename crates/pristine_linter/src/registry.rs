//! The one table of rules: stable code, kebab-case name, family, default severity, fix
//! availability, the equivalent hadolint / BuildKit checks, and the user documentation.
//!
//! A rule is declared in its own file with [`declare_rule!`]; its doc comment *is* the text
//! `pristine rule NAME` prints. Adding a rule = one file + one line in [`registry!`] below.

use pristine_diagnostics::{Diagnostic, RuleRef, Severity};
use serde::Serialize;
use std::path::PathBuf;

/// Which input a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// The Dockerfile (`DF`).
    Dockerfile,
    /// The `.dockerignore` file (`DI`).
    Ignore,
    /// The files of the build context (`CX`).
    Context,
    /// Python packaging in a Dockerfile (`PY`).
    Python,
    /// A built image: its files, layers and config (`IM`).
    Image,
}

impl Family {
    /// The code prefix every rule of the family has.
    pub const fn prefix(self) -> &'static str {
        match self {
            Family::Dockerfile => "DF",
            Family::Ignore => "DI",
            Family::Context => "CX",
            Family::Python => "PY",
            Family::Image => "IM",
        }
    }
}

/// Whether a rule can offer a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    Always,
    Sometimes,
    None,
}

/// Everything known about a rule that does not depend on a finding.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// hadolint rule codes this rule covers (`DL3042`, `SC2086`).
    pub hadolint: &'static [&'static str],
    /// BuildKit check names this rule covers (`JSONArgsRecommended`).
    pub buildkit: &'static [&'static str],
    /// One line, shown in `pristine rules`.
    pub summary: &'static str,
    /// The rule's doc comment, Markdown, each line with the single leading space that `///`
    /// leaves; use [`RuleMeta::explain`].
    #[serde(skip)]
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation as Markdown.
    pub fn explain(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    pub const fn rule_ref(&self) -> RuleRef {
        RuleRef {
            code: self.code,
            name: self.name,
        }
    }
}

/// Implemented by every rule struct through [`declare_rule!`].
pub trait RuleMetadata {
    const META: RuleMeta;
}

/// Declares a rule: its doc comment becomes both the Rust docs and the user documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub(crate) struct $name:ident {
            code: $code:literal,
            name: $kebab:literal,
            family: $family:ident,
            severity: $severity:ident,
            fix: $fix:ident,
            hadolint: [$($hadolint:literal),* $(,)?],
            buildkit: [$($buildkit:literal),* $(,)?],
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct $name;

        impl $crate::registry::RuleMetadata for $name {
            const META: $crate::registry::RuleMeta = $crate::registry::RuleMeta {
                code: $code,
                name: $kebab,
                family: $crate::registry::Family::$family,
                severity: pristine_diagnostics::Severity::$severity,
                fix: $crate::registry::FixAvailability::$fix,
                hadolint: &[$($hadolint),*],
                buildkit: &[$($buildkit),*],
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

macro_rules! registry {
    ($($variant:ident => $path:path,)*) => {
        /// Every rule pristine has.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// All rules, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(Rule::$variant => {
                        const META: RuleMeta = <$path as RuleMetadata>::META;
                        &META
                    })*
                }
            }
        }
    };
}

use crate::rules::{context, dockerfile, ignore, image};

// One line per rule. Each group has an insertion marker: add a line directly above the marker
// of your group (several people add rules at the same time; this keeps edits apart).
registry! {
    InvalidSyntax => dockerfile::invalid_syntax::InvalidSyntax,
    EmptyContinuationLine => dockerfile::empty_continuation_line::EmptyContinuationLine,
    UnusedSuppression => dockerfile::unused_suppression::UnusedSuppression,
    StageNameCasing => dockerfile::stage_name_casing::StageNameCasing,
    FromAsCasing => dockerfile::from_as_casing::FromAsCasing,
    InconsistentInstructionCasing => dockerfile::inconsistent_instruction_casing::InconsistentInstructionCasing,
    DuplicateStageName => dockerfile::duplicate_stage_name::DuplicateStageName,
    ReservedStageName => dockerfile::reserved_stage_name::ReservedStageName,
    JsonArgsRecommended => dockerfile::json_args_recommended::JsonArgsRecommended,
    MaintainerDeprecated => dockerfile::maintainer_deprecated::MaintainerDeprecated,
    UndefinedArgInFrom => dockerfile::undefined_arg_in_from::UndefinedArgInFrom,
    RelativeWorkdir => dockerfile::relative_workdir::RelativeWorkdir,
    UndefinedVar => dockerfile::undefined_var::UndefinedVar,
    MultipleInstructionsDisallowed => dockerfile::multiple_instructions_disallowed::MultipleInstructionsDisallowed,
    LegacyKeyValueFormat => dockerfile::legacy_key_value_format::LegacyKeyValueFormat,
    RedundantTargetPlatform => dockerfile::redundant_target_platform::RedundantTargetPlatform,
    FromPlatformFlagConstDisallowed => dockerfile::from_platform_flag_const_disallowed::FromPlatformFlagConstDisallowed,
    InvalidDefaultArgInFrom => dockerfile::invalid_default_arg_in_from::InvalidDefaultArgInFrom,
    ExposeProtoCasing => dockerfile::expose_proto_casing::ExposeProtoCasing,
    ExposeInvalidFormat => dockerfile::expose_invalid_format::ExposeInvalidFormat,
    InvalidExposePort => dockerfile::invalid_expose_port::InvalidExposePort,
    UntaggedBaseImage => dockerfile::untagged_base_image::UntaggedBaseImage,
    LatestBaseImageTag => dockerfile::latest_base_image_tag::LatestBaseImageTag,
    CopyMultipleSourcesFileDest => dockerfile::copy_multiple_sources_file_dest::CopyMultipleSourcesFileDest,
    CopyFromUndefinedStage => dockerfile::copy_from_undefined_stage::CopyFromUndefinedStage,
    CopyFromOwnOrLaterStage => dockerfile::copy_from_own_or_later_stage::CopyFromOwnOrLaterStage,
    EnvSelfReference => dockerfile::env_self_reference::EnvSelfReference,
    CopyRelativeDestWithoutWorkdir => dockerfile::copy_relative_dest_without_workdir::CopyRelativeDestWithoutWorkdir,
    CopyEntireFilesystem => dockerfile::copy_entire_filesystem::CopyEntireFilesystem,
    NonNumericUser => dockerfile::non_numeric_user::NonNumericUser,
    ConsecutiveRunInstructions => dockerfile::consecutive_run_instructions::ConsecutiveRunInstructions,
    InvalidLabelKey => dockerfile::invalid_label_key::InvalidLabelKey,
    // @@ general Dockerfile rules (DF003-DF099)
    ContainerIrrelevantCommand => crate::rules::shell::container_irrelevant_command::ContainerIrrelevantCommand,
    CdInRun => crate::rules::shell::cd_in_run::CdInRun,
    SudoInRun => crate::rules::shell::sudo_in_run::SudoInRun,
    AptPackageUnpinned => crate::rules::shell::apt_package_unpinned::AptPackageUnpinned,
    AptListsNotRemoved => crate::rules::shell::apt_lists_not_removed::AptListsNotRemoved,
    AptInstallWithoutYes => crate::rules::shell::apt_install_without_yes::AptInstallWithoutYes,
    AptInstallRecommends => crate::rules::shell::apt_install_recommends::AptInstallRecommends,
    NpmPackageUnpinned => crate::rules::shell::npm_package_unpinned::NpmPackageUnpinned,
    ApkPackageUnpinned => crate::rules::shell::apk_package_unpinned::ApkPackageUnpinned,
    ApkAddWithoutNoCache => crate::rules::shell::apk_add_without_no_cache::ApkAddWithoutNoCache,
    AptInsteadOfAptGet => crate::rules::shell::apt_instead_of_apt_get::AptInsteadOfAptGet,
    GemPackageUnpinned => crate::rules::shell::gem_package_unpinned::GemPackageUnpinned,
    PackageInstallWithoutYes => crate::rules::shell::package_install_without_yes::PackageInstallWithoutYes,
    RpmCacheNotCleaned => crate::rules::shell::rpm_cache_not_cleaned::RpmCacheNotCleaned,
    RpmPackageUnpinned => crate::rules::shell::rpm_package_unpinned::RpmPackageUnpinned,
    ZypperDistUpgrade => crate::rules::shell::zypper_dist_upgrade::ZypperDistUpgrade,
    UseraddWithoutNoLogInit => crate::rules::shell::useradd_without_no_log_init::UseraddWithoutNoLogInit,
    WgetWithoutProgress => crate::rules::shell::wget_without_progress::WgetWithoutProgress,
    YarnCacheNotCleaned => crate::rules::shell::yarn_cache_not_cleaned::YarnCacheNotCleaned,
    GoInstallUnpinned => crate::rules::shell::go_install_unpinned::GoInstallUnpinned,
    CurlAndWget => crate::rules::shell::curl_and_wget::CurlAndWget,
    LnBinSh => crate::rules::shell::ln_bin_sh::LnBinSh,
    PipeWithoutPipefail => crate::rules::shell::pipe_without_pipefail::PipeWithoutPipefail,
    // @@ shell rules (DF100-DF199)
    RequirementsInstalledAfterSourceCopy => crate::rules::python::requirements_installed_after_source_copy::RequirementsInstalledAfterSourceCopy,
    ProjectDepsNotLayered => crate::rules::python::project_deps_not_layered::ProjectDepsNotLayered,
    PoetryDepsNotLayered => crate::rules::python::poetry_deps_not_layered::PoetryDepsNotLayered,
    UvDepsNotLayered => crate::rules::python::uv_deps_not_layered::UvDepsNotLayered,
    PipenvDepsNotLayered => crate::rules::python::pipenv_deps_not_layered::PipenvDepsNotLayered,
    PdmDepsNotLayered => crate::rules::python::pdm_deps_not_layered::PdmDepsNotLayered,
    PipCacheInLayer => crate::rules::python::pip_cache_in_layer::PipCacheInLayer,
    UvCacheInLayer => crate::rules::python::uv_cache_in_layer::UvCacheInLayer,
    PoetryCacheInLayer => crate::rules::python::poetry_cache_in_layer::PoetryCacheInLayer,
    PipCacheMountWithNoCacheDir => crate::rules::python::pip_cache_mount_with_no_cache_dir::PipCacheMountWithNoCacheDir,
    UvSyncNotLocked => crate::rules::python::uv_sync_not_locked::UvSyncNotLocked,
    PipenvInstallWithoutDeploy => crate::rules::python::pipenv_install_without_deploy::PipenvInstallWithoutDeploy,
    PdmInstallNotFrozen => crate::rules::python::pdm_install_not_frozen::PdmInstallNotFrozen,
    LockRegeneratedInBuild => crate::rules::python::lock_regenerated_in_build::LockRegeneratedInBuild,
    PipUnpinnedPackage => crate::rules::python::pip_unpinned_package::PipUnpinnedPackage,
    PipUserInstall => crate::rules::python::pip_user_install::PipUserInstall,
    DistroPythonExternallyManaged => crate::rules::python::distro_python_externally_managed::DistroPythonExternallyManaged,
    BreakSystemPackages => crate::rules::python::break_system_packages::BreakSystemPackages,
    UvBinaryUnpinned => crate::rules::python::uv_binary_unpinned::UvBinaryUnpinned,
    DistroPythonInPythonImage => crate::rules::python::distro_python_in_python_image::DistroPythonInPythonImage,
    PythonBaseImageFloatingTag => crate::rules::python::python_base_image_floating_tag::PythonBaseImageFloatingTag,
    PythonBaseImageNotSlim => crate::rules::python::python_base_image_not_slim::PythonBaseImageNotSlim,
    AlpineNativeDeps => crate::rules::python::alpine_native_deps::AlpineNativeDeps,
    PythonStageBaseMismatch => crate::rules::python::python_stage_base_mismatch::PythonStageBaseMismatch,
    DeprecatedFastapiBaseImage => crate::rules::python::deprecated_fastapi_base_image::DeprecatedFastapiBaseImage,
    VenvPathChangedBetweenStages => crate::rules::python::venv_path_changed_between_stages::VenvPathChangedBetweenStages,
    BuildToolsInRuntimeImage => crate::rules::python::build_tools_in_runtime_image::BuildToolsInRuntimeImage,
    VenvNotOnPath => crate::rules::python::venv_not_on_path::VenvNotOnPath,
    VenvActivateInRun => crate::rules::python::venv_activate_in_run::VenvActivateInRun,
    MissingPythonUnbuffered => crate::rules::python::missing_pythonunbuffered::MissingPythonUnbuffered,
    MissingPythonDontWriteBytecode => crate::rules::python::missing_pythondontwritebytecode::MissingPythonDontWriteBytecode,
    PythonEnvFlagMisuse => crate::rules::python::python_env_flag_misuse::PythonEnvFlagMisuse,
    CredentialsInUrl => crate::rules::python::credentials_in_url::CredentialsInUrl,
    SecretInArgOrEnv => crate::rules::python::secret_in_arg_or_env::SecretInArgOrEnv,
    RunsAsRoot => crate::rules::python::runs_as_root::RunsAsRoot,
    ShellFormProcess => crate::rules::python::shell_form_process::ShellFormProcess,
    ExecFormVariable => crate::rules::python::exec_form_variable::ExecFormVariable,
    DevServerInCmd => crate::rules::python::dev_server_in_cmd::DevServerInCmd,
    ServerBindsLocalhost => crate::rules::python::server_binds_localhost::ServerBindsLocalhost,
    AddForLocalFiles => crate::rules::python::add_for_local_files::AddForLocalFiles,
    // @@ Python rules (PY001-PY199)
    InvalidIgnorePattern => ignore::invalid_ignore_pattern::InvalidIgnorePattern,
    MissingDockerignore => ignore::missing_dockerignore::MissingDockerignore,
    IgnoreTrailingComment => ignore::ignore_trailing_comment::IgnoreTrailingComment,
    RootAnchoredIgnorePattern => ignore::root_anchored_ignore_pattern::RootAnchoredIgnorePattern,
    IgnorePatternMatchesNothing => ignore::ignore_pattern_matches_nothing::IgnorePatternMatchesNothing,
    IneffectiveIgnoreException => ignore::ineffective_ignore_exception::IneffectiveIgnoreException,
    CopySourceExcluded => ignore::copy_source_excluded::CopySourceExcluded,
    // @@ ignore-file rules (DI002-DI099)
    UnreadableContextEntry => context::unreadable_context_entry::UnreadableContextEntry,
    SpecialFileInContext => context::special_file_in_context::SpecialFileInContext,
    NonUtf8ContextPath => context::non_utf8_context_path::NonUtf8ContextPath,
    HostVirtualenv => context::host_virtualenv::HostVirtualenv,
    HostCondaEnvironment => context::host_conda_environment::HostCondaEnvironment,
    ForeignNativeBinary => context::foreign_native_binary::ForeignNativeBinary,
    BytecodeCache => context::bytecode_cache::BytecodeCache,
    VcsMetadata => context::vcs_metadata::VcsMetadata,
    DotenvFile => context::dotenv_file::DotenvFile,
    CredentialFile => context::credential_file::CredentialFile,
    ToolCache => context::tool_cache::ToolCache,
    BuildArtifact => context::build_artifact::BuildArtifact,
    EditorOsJunk => context::editor_os_junk::EditorOsJunk,
    LargeContextFile => context::large_context_file::LargeContextFile,
    // @@ context rules (CX004-CX199)
    ImageForeignNativeBinary => image::foreign_native_binary::ImageForeignNativeBinary,
    ImageMissingSharedLibrary => image::missing_shared_library::ImageMissingSharedLibrary,
    ImageForeignWheel => image::foreign_wheel::ImageForeignWheel,
    ImageVenvInterpreterMissing => image::venv_interpreter_missing::ImageVenvInterpreterMissing,
    ImageVenvPythonMismatch => image::venv_python_mismatch::ImageVenvPythonMismatch,
    ImageVenvRelocated => image::venv_relocated::ImageVenvRelocated,
    ImagePackageCache => image::package_cache::ImagePackageCache,
    ImageVcsMetadata => image::vcs_metadata::ImageVcsMetadata,
    ImageDotenvFile => image::dotenv_file::ImageDotenvFile,
    ImageCredentialFile => image::credential_file::ImageCredentialFile,
    ImageToolCache => image::tool_cache::ImageToolCache,
    ImageWastedBytes => image::wasted_bytes::ImageWastedBytes,
    ImageRunsAsRoot => image::runs_as_root::ImageRunsAsRoot,
    ImageMissingHealthcheck => image::missing_healthcheck::ImageMissingHealthcheck,
    // @@ image rules (IM001-IM199)
}

/// hadolint rules with no pristine equivalent, and why (shown in the generated rule table).
pub const HADOLINT_NOT_COVERED: &[(&str, &str)] = &[
    (
        "DL1001",
        "a meta rule about hadolint's own pragmas; pristine reports unused suppressions instead (DF090)",
    ),
    (
        "DL3010",
        "not implemented yet (`ADD` to extract a local archive instead of `COPY` + `RUN tar`)",
    ),
    (
        "DL3026",
        "needs a list of trusted registries; no such option yet",
    ),
    (
        "DL3049",
        "label-schema rules need a per-project label schema; no such option yet",
    ),
    (
        "DL3050",
        "label-schema rules need a per-project label schema; no such option yet",
    ),
    (
        "DL3051",
        "label-schema rules need a per-project label schema; no such option yet",
    ),
    (
        "DL3052",
        "label-schema rules need a per-project label schema; no such option yet",
    ),
    (
        "DL3053",
        "label-schema rules need a per-project label schema; no such option yet",
    ),
    (
        "DL3054",
        "label-schema rules need a per-project label schema; no such option yet",
    ),
    (
        "DL3055",
        "label-schema rules need a per-project label schema; no such option yet",
    ),
    (
        "DL3056",
        "label-schema rules need a per-project label schema; no such option yet",
    ),
    (
        "DL3058",
        "label-schema rules need a per-project label schema; no such option yet",
    ),
    (
        "DL3057",
        "opt-in in hadolint (missing `HEALTHCHECK`); pristine has no off-by-default rules yet",
    ),
    (
        "DL3063",
        "hadolint's source and its documentation disagree on what it checks; reserved stage names are `reserved-stage-name` (DF007)",
    ),
    ("DL3005", "retired in hadolint (2023)"),
    ("DL3017", "retired in hadolint (2021)"),
    ("DL3031", "retired in hadolint (2021)"),
    ("DL3039", "retired in hadolint (2021)"),
];

/// BuildKit build checks with no pristine equivalent, and why.
pub const BUILDKIT_NOT_COVERED: &[(&str, &str)] = &[
    (
        "InvalidBaseImagePlatform",
        "needs the pulled base image's platform list; not decidable from the Dockerfile",
    ),
    (
        "InvalidDefinitionDescription",
        "experimental in BuildKit and off by default",
    ),
];

impl Rule {
    /// Looks a rule up by code (`DF001`, case-insensitive) or name (`invalid-syntax`).
    pub fn from_code_or_name(key: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| {
            let meta = rule.meta();
            meta.code.eq_ignore_ascii_case(key) || meta.name == key
        })
    }

    /// Looks a rule up by its exact code (`DF001`), as a diagnostic carries it: a map built
    /// once, where [`Rule::from_code_or_name`] scans every rule (it ran per finding).
    pub fn from_code(code: &str) -> Option<Rule> {
        static BY_CODE: std::sync::OnceLock<std::collections::HashMap<&'static str, Rule>> =
            std::sync::OnceLock::new();
        BY_CODE
            .get_or_init(|| {
                Rule::ALL
                    .iter()
                    .map(|rule| (rule.meta().code, *rule))
                    .collect()
            })
            .get(code)
            .copied()
    }

    /// A diagnostic of this rule with its default severity.
    pub fn diagnostic(self, message: impl Into<String>, file: impl Into<PathBuf>) -> Diagnostic {
        let meta = self.meta();
        Diagnostic::new(meta.rule_ref(), meta.severity, message, file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn from_code_finds_every_rule_by_its_exact_code_only() {
        for rule in Rule::ALL.iter().copied() {
            let meta = rule.meta();
            assert_eq!(Rule::from_code(meta.code), Some(rule));
            assert_eq!(
                Rule::from_code(meta.code),
                Rule::from_code_or_name(meta.code)
            );
            assert_eq!(Rule::from_code(meta.name), None);
        }
        assert_eq!(Rule::from_code("df001"), None);
    }

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in Rule::ALL {
            let meta = rule.meta();
            assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
            assert!(names.insert(meta.name), "duplicate name {}", meta.name);
            let prefix = meta.family.prefix();
            assert!(
                meta.code.starts_with(prefix),
                "{} in {:?}",
                meta.code,
                meta.family
            );
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                meta.name
            );
            assert_eq!(Rule::from_code_or_name(meta.name), Some(*rule));
            assert_eq!(
                Rule::from_code_or_name(&meta.code.to_lowercase()),
                Some(*rule)
            );
        }
    }

    #[test]
    fn docs_have_the_fixed_sections() {
        for rule in Rule::ALL {
            let doc = rule.meta().explain();
            for section in ["## What it does", "## Why is this bad?", "## References"] {
                assert!(
                    doc.contains(section),
                    "{}: missing {section}",
                    rule.meta().name
                );
            }
            if rule.meta().fix != FixAvailability::None {
                assert!(doc.contains("## Fix safety"), "{}", rule.meta().name);
            }
            assert!(!rule.meta().summary.ends_with('.'), "{}", rule.meta().name);
        }
    }
}
