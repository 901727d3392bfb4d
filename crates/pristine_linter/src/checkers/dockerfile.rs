//! Checks one Dockerfile: parses it once, builds the stage model once, and runs every enabled
//! Dockerfile-family and Python-family rule over those facts.

use std::cell::OnceCell;
use std::path::Path;
use std::rc::Rc;

use pristine_diagnostics::{Diagnostic, TextRange};
use pristine_dockerfile::{Dockerfile, Stages};
use pristine_shell::{RunScript, ScriptModel};

use crate::rules::dockerfile::general::GlobalArgs;
use crate::{LinterSettings, Rule, rules};

/// The facts a Dockerfile rule reads, and where it reports.
#[allow(
    dead_code,
    reason = "read by the rules of issue 5 as they land; `allow`, not `expect`, so that it holds either way"
)]
pub(crate) struct Checker<'a> {
    pub(crate) path: &'a Path,
    pub(crate) source: &'a str,
    pub(crate) dockerfile: &'a Dockerfile,
    pub(crate) stages: Stages,
    pub(crate) settings: &'a LinterSettings,
    diagnostics: Vec<Diagnostic>,
    /// See [`Checker::run_scripts`] and [`Checker::script_models`].
    shell: &'a Shell<'a>,
    /// See [`crate::rules::dockerfile::general::global_args`].
    pub(crate) global_args: OnceCell<Rc<GlobalArgs>>,
}

impl<'a> Checker<'a> {
    fn new(
        path: &'a Path,
        source: &'a str,
        dockerfile: &'a Dockerfile,
        settings: &'a LinterSettings,
        shell: &'a Shell<'a>,
    ) -> Self {
        Self {
            path,
            source,
            dockerfile,
            stages: dockerfile.stages(),
            settings,
            diagnostics: Vec::new(),
            shell,
            global_args: OnceCell::new(),
        }
    }

    /// The parsed shell of every `RUN` and `ONBUILD RUN` of this Dockerfile, in order: the
    /// shell-form command line (continuation lines joined as BuildKit does), the heredoc bodies
    /// that run as shell (`RUN <<EOF`, `RUN bash <<EOF`), the `sh -c '…'` scripts, and exec
    /// form as one command. Every [`pristine_shell::Word`] / [`pristine_shell::Command`] range
    /// is a range of this Dockerfile's source. Each `RunScript` carries its instruction index,
    /// stage index, `ONBUILD` flag and the `SHELL` in effect.
    ///
    /// Parsed once, on first call. The slice borrows from storage that outlives the checker
    /// (not from `&self`), so a rule can iterate it while it reports:
    ///
    /// ```ignore
    /// for (run, model) in checker.run_scripts().iter().zip(checker.script_models()) {
    ///     for pip in &model.pip_installs {
    ///         if !pip.no_cache_dir {
    ///             let d = checker.diagnostic(Rule::X, "…", pip.invocation.command.range);
    ///             checker.report(d);
    ///         }
    ///     }
    /// }
    /// ```
    pub(crate) fn run_scripts(&self) -> RunScripts<'a> {
        RunScripts(self.shell.scripts.get_or_init(|| {
            pristine_shell::run_scripts(self.dockerfile, self.source, &self.stages)
        }))
    }

    /// The recognised commands of each of [`Checker::run_scripts`] (same index): recognised
    /// once per `RUN` on first call, instead of once per rule that reads them.
    pub(crate) fn script_models(&self) -> &'a [ScriptModel<'a>] {
        let scripts = self.run_scripts().0;
        self.shell.models.get_or_init(|| {
            scripts
                .iter()
                .map(|r| ScriptModel::new(&r.script))
                .collect()
        })
    }

    /// The model of `run`, one of [`Checker::run_scripts`]; an empty model for a `RunScript`
    /// that is not one of them.
    pub(crate) fn script_model(&self, run: &RunScript) -> &'a ScriptModel<'a> {
        static EMPTY: ScriptModel<'static> = ScriptModel {
            programs: Vec::new(),
            invocations: Vec::new(),
            pip_installs: Vec::new(),
            package_installs: Vec::new(),
            removals: Vec::new(),
        };
        self.run_scripts()
            .0
            .iter()
            .position(|r| std::ptr::eq(r, run))
            .and_then(|i| self.script_models().get(i))
            .unwrap_or(&EMPTY)
    }

    /// A diagnostic of `rule` about `range` of this Dockerfile, ready to be given help or a
    /// fix and then [`report`](Self::report)ed.
    pub(crate) fn diagnostic(
        &self,
        rule: Rule,
        message: impl Into<String>,
        range: TextRange,
    ) -> Diagnostic {
        rule.diagnostic(message, self.path).with_range(range)
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub(crate) fn enabled(&self, rule: Rule) -> bool {
        self.settings.rules.contains(rule)
    }
}

/// [`Checker::run_scripts`]: a shared slice that does not borrow the checker, used like
/// `&[RunScript]` (it replaced an `Rc<[RunScript]>`, so `&scripts` still reads as a slice).
#[derive(Clone, Copy)]
pub(crate) struct RunScripts<'a>(&'a [RunScript]);

impl std::ops::Deref for RunScripts<'_> {
    type Target = [RunScript];

    fn deref(&self) -> &[RunScript] {
        self.0
    }
}

/// The shell of a Dockerfile's `RUN`s, computed on first use by [`Checker::run_scripts`] and
/// [`Checker::script_models`]. It lives outside the [`Checker`] so that the models can borrow
/// the scripts and rules can borrow both while they report through `&mut Checker`.
#[derive(Default)]
pub(crate) struct Shell<'a> {
    scripts: OnceCell<Vec<RunScript>>,
    models: OnceCell<Vec<ScriptModel<'a>>>,
}

/// Parses `source` and reports its findings.
pub fn check_dockerfile(path: &Path, source: &str, settings: &LinterSettings) -> Vec<Diagnostic> {
    let dockerfile = pristine_dockerfile::parse(source);
    check_parsed(path, source, &dockerfile, settings)
}

/// Reports the findings of an already parsed Dockerfile (`source` is the text it was parsed
/// from).
pub fn check_parsed(
    path: &Path,
    source: &str,
    dockerfile: &Dockerfile,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    let shell = Shell::default();
    let mut checker = Checker::new(path, source, dockerfile, settings, &shell);

    // One line per rule: the rule runs only when enabled. Rules are plain functions
    // `fn(&mut Checker)`; keep the list in code order.
    macro_rules! run {
        ($($rule:ident => $check:path,)*) => {
            $(
                if checker.enabled(Rule::$rule) {
                    $check(&mut checker);
                }
            )*
        };
    }
    run! {
        InvalidSyntax => rules::dockerfile::invalid_syntax::invalid_syntax,
        EmptyContinuationLine => rules::dockerfile::empty_continuation_line::empty_continuation_line,
        StageNameCasing => rules::dockerfile::stage_name_casing::stage_name_casing,
        FromAsCasing => rules::dockerfile::from_as_casing::from_as_casing,
        InconsistentInstructionCasing => rules::dockerfile::inconsistent_instruction_casing::inconsistent_instruction_casing,
        DuplicateStageName => rules::dockerfile::duplicate_stage_name::duplicate_stage_name,
        ReservedStageName => rules::dockerfile::reserved_stage_name::reserved_stage_name,
        JsonArgsRecommended => rules::dockerfile::json_args_recommended::json_args_recommended,
        MaintainerDeprecated => rules::dockerfile::maintainer_deprecated::maintainer_deprecated,
        UndefinedArgInFrom => rules::dockerfile::undefined_arg_in_from::undefined_arg_in_from,
        RelativeWorkdir => rules::dockerfile::relative_workdir::relative_workdir,
        UndefinedVar => rules::dockerfile::undefined_var::undefined_var,
        MultipleInstructionsDisallowed => rules::dockerfile::multiple_instructions_disallowed::multiple_instructions_disallowed,
        LegacyKeyValueFormat => rules::dockerfile::legacy_key_value_format::legacy_key_value_format,
        RedundantTargetPlatform => rules::dockerfile::redundant_target_platform::redundant_target_platform,
        FromPlatformFlagConstDisallowed => rules::dockerfile::from_platform_flag_const_disallowed::from_platform_flag_const_disallowed,
        InvalidDefaultArgInFrom => rules::dockerfile::invalid_default_arg_in_from::invalid_default_arg_in_from,
        ExposeProtoCasing => rules::dockerfile::expose_proto_casing::expose_proto_casing,
        ExposeInvalidFormat => rules::dockerfile::expose_invalid_format::expose_invalid_format,
        InvalidExposePort => rules::dockerfile::invalid_expose_port::invalid_expose_port,
        UntaggedBaseImage => rules::dockerfile::untagged_base_image::untagged_base_image,
        LatestBaseImageTag => rules::dockerfile::latest_base_image_tag::latest_base_image_tag,
        CopyMultipleSourcesFileDest => rules::dockerfile::copy_multiple_sources_file_dest::copy_multiple_sources_file_dest,
        CopyFromUndefinedStage => rules::dockerfile::copy_from_undefined_stage::copy_from_undefined_stage,
        CopyFromOwnOrLaterStage => rules::dockerfile::copy_from_own_or_later_stage::copy_from_own_or_later_stage,
        EnvSelfReference => rules::dockerfile::env_self_reference::env_self_reference,
        CopyRelativeDestWithoutWorkdir => rules::dockerfile::copy_relative_dest_without_workdir::copy_relative_dest_without_workdir,
        CopyEntireFilesystem => rules::dockerfile::copy_entire_filesystem::copy_entire_filesystem,
        NonNumericUser => rules::dockerfile::non_numeric_user::non_numeric_user,
        ConsecutiveRunInstructions => rules::dockerfile::consecutive_run_instructions::consecutive_run_instructions,
        InvalidLabelKey => rules::dockerfile::invalid_label_key::invalid_label_key,
        // @@ general Dockerfile rules (DF003-DF099)
        ContainerIrrelevantCommand => rules::shell::container_irrelevant_command::container_irrelevant_command,
        CdInRun => rules::shell::cd_in_run::cd_in_run,
        SudoInRun => rules::shell::sudo_in_run::sudo_in_run,
        AptPackageUnpinned => rules::shell::apt_package_unpinned::apt_package_unpinned,
        AptListsNotRemoved => rules::shell::apt_lists_not_removed::apt_lists_not_removed,
        AptInstallWithoutYes => rules::shell::apt_install_without_yes::apt_install_without_yes,
        AptInstallRecommends => rules::shell::apt_install_recommends::apt_install_recommends,
        NpmPackageUnpinned => rules::shell::npm_package_unpinned::npm_package_unpinned,
        ApkPackageUnpinned => rules::shell::apk_package_unpinned::apk_package_unpinned,
        ApkAddWithoutNoCache => rules::shell::apk_add_without_no_cache::apk_add_without_no_cache,
        AptInsteadOfAptGet => rules::shell::apt_instead_of_apt_get::apt_instead_of_apt_get,
        GemPackageUnpinned => rules::shell::gem_package_unpinned::gem_package_unpinned,
        PackageInstallWithoutYes => rules::shell::package_install_without_yes::package_install_without_yes,
        RpmCacheNotCleaned => rules::shell::rpm_cache_not_cleaned::rpm_cache_not_cleaned,
        RpmPackageUnpinned => rules::shell::rpm_package_unpinned::rpm_package_unpinned,
        ZypperDistUpgrade => rules::shell::zypper_dist_upgrade::zypper_dist_upgrade,
        UseraddWithoutNoLogInit => rules::shell::useradd_without_no_log_init::useradd_without_no_log_init,
        WgetWithoutProgress => rules::shell::wget_without_progress::wget_without_progress,
        YarnCacheNotCleaned => rules::shell::yarn_cache_not_cleaned::yarn_cache_not_cleaned,
        GoInstallUnpinned => rules::shell::go_install_unpinned::go_install_unpinned,
        CurlAndWget => rules::shell::curl_and_wget::curl_and_wget,
        LnBinSh => rules::shell::ln_bin_sh::ln_bin_sh,
        PipeWithoutPipefail => rules::shell::pipe_without_pipefail::pipe_without_pipefail,
        // @@ shell rules (DF100-DF199)
        RequirementsInstalledAfterSourceCopy => rules::python::requirements_installed_after_source_copy::requirements_installed_after_source_copy,
        ProjectDepsNotLayered => rules::python::project_deps_not_layered::project_deps_not_layered,
        PoetryDepsNotLayered => rules::python::poetry_deps_not_layered::poetry_deps_not_layered,
        UvDepsNotLayered => rules::python::uv_deps_not_layered::uv_deps_not_layered,
        PipenvDepsNotLayered => rules::python::pipenv_deps_not_layered::pipenv_deps_not_layered,
        PdmDepsNotLayered => rules::python::pdm_deps_not_layered::pdm_deps_not_layered,
        PipCacheInLayer => rules::python::pip_cache_in_layer::pip_cache_in_layer,
        UvCacheInLayer => rules::python::uv_cache_in_layer::uv_cache_in_layer,
        PoetryCacheInLayer => rules::python::poetry_cache_in_layer::poetry_cache_in_layer,
        PipCacheMountWithNoCacheDir => rules::python::pip_cache_mount_with_no_cache_dir::pip_cache_mount_with_no_cache_dir,
        UvSyncNotLocked => rules::python::uv_sync_not_locked::uv_sync_not_locked,
        PipenvInstallWithoutDeploy => rules::python::pipenv_install_without_deploy::pipenv_install_without_deploy,
        PdmInstallNotFrozen => rules::python::pdm_install_not_frozen::pdm_install_not_frozen,
        LockRegeneratedInBuild => rules::python::lock_regenerated_in_build::lock_regenerated_in_build,
        PipUnpinnedPackage => rules::python::pip_unpinned_package::pip_unpinned_package,
        PipUserInstall => rules::python::pip_user_install::pip_user_install,
        DistroPythonExternallyManaged => rules::python::distro_python_externally_managed::distro_python_externally_managed,
        BreakSystemPackages => rules::python::break_system_packages::break_system_packages,
        UvBinaryUnpinned => rules::python::uv_binary_unpinned::uv_binary_unpinned,
        DistroPythonInPythonImage => rules::python::distro_python_in_python_image::distro_python_in_python_image,
        PythonBaseImageFloatingTag => rules::python::python_base_image_floating_tag::python_base_image_floating_tag,
        PythonBaseImageNotSlim => rules::python::python_base_image_not_slim::python_base_image_not_slim,
        AlpineNativeDeps => rules::python::alpine_native_deps::alpine_native_deps,
        PythonStageBaseMismatch => rules::python::python_stage_base_mismatch::python_stage_base_mismatch,
        DeprecatedFastapiBaseImage => rules::python::deprecated_fastapi_base_image::deprecated_fastapi_base_image,
        VenvPathChangedBetweenStages => rules::python::venv_path_changed_between_stages::venv_path_changed_between_stages,
        BuildToolsInRuntimeImage => rules::python::build_tools_in_runtime_image::build_tools_in_runtime_image,
        VenvNotOnPath => rules::python::venv_not_on_path::venv_not_on_path,
        VenvActivateInRun => rules::python::venv_activate_in_run::venv_activate_in_run,
        MissingPythonUnbuffered => rules::python::missing_pythonunbuffered::missing_python_unbuffered,
        MissingPythonDontWriteBytecode => rules::python::missing_pythondontwritebytecode::missing_python_dont_write_bytecode,
        PythonEnvFlagMisuse => rules::python::python_env_flag_misuse::python_env_flag_misuse,
        CredentialsInUrl => rules::python::credentials_in_url::credentials_in_url,
        SecretInArgOrEnv => rules::python::secret_in_arg_or_env::secret_in_arg_or_env,
        RunsAsRoot => rules::python::runs_as_root::runs_as_root,
        ShellFormProcess => rules::python::shell_form_process::shell_form_process,
        ExecFormVariable => rules::python::exec_form_variable::exec_form_variable,
        DevServerInCmd => rules::python::dev_server_in_cmd::dev_server_in_cmd,
        ServerBindsLocalhost => rules::python::server_binds_localhost::server_binds_localhost,
        AddForLocalFiles => rules::python::add_for_local_files::add_for_local_files,
        // @@ Python rules (PY001-PY199)
    }

    crate::suppression::apply(checker.diagnostics, source, dockerfile, settings, path)
}
