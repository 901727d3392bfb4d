//! Rules over the shell of `RUN` (`DF100`–`DF199`), on the scripts `pristine_shell` parses:
//! hadolint's RUN-based DL rules and ShellCheck-like checks that matter in Dockerfiles.

pub(crate) mod helpers;

pub(crate) mod apk_add_without_no_cache;
pub(crate) mod apk_package_unpinned;
pub(crate) mod apt_install_recommends;
pub(crate) mod apt_install_without_yes;
pub(crate) mod apt_instead_of_apt_get;
pub(crate) mod apt_lists_not_removed;
pub(crate) mod apt_package_unpinned;
pub(crate) mod cd_in_run;
pub(crate) mod container_irrelevant_command;
pub(crate) mod curl_and_wget;
pub(crate) mod gem_package_unpinned;
pub(crate) mod go_install_unpinned;
pub(crate) mod ln_bin_sh;
pub(crate) mod npm_package_unpinned;
pub(crate) mod package_install_without_yes;
pub(crate) mod pipe_without_pipefail;
pub(crate) mod rpm_cache_not_cleaned;
pub(crate) mod rpm_package_unpinned;
pub(crate) mod sudo_in_run;
pub(crate) mod useradd_without_no_log_init;
pub(crate) mod wget_without_progress;
pub(crate) mod yarn_cache_not_cleaned;
pub(crate) mod zypper_dist_upgrade;
