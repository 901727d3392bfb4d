//! Python packaging rules (`PY…`): layering, package-manager caches and locks, base images,
//! multi-stage environments, runtime environment and process. Rules about the final image look
//! at the final stage and the stages it is built `FROM`, not at builder stages.

pub(crate) mod fixes;
pub(crate) mod helpers;

pub(crate) mod add_for_local_files;
pub(crate) mod alpine_native_deps;
pub(crate) mod break_system_packages;
pub(crate) mod build_tools_in_runtime_image;
pub(crate) mod credentials_in_url;
pub(crate) mod deprecated_fastapi_base_image;
pub(crate) mod dev_server_in_cmd;
pub(crate) mod distro_python_externally_managed;
pub(crate) mod distro_python_in_python_image;
pub(crate) mod exec_form_variable;
pub(crate) mod lock_regenerated_in_build;
pub(crate) mod missing_pythondontwritebytecode;
pub(crate) mod missing_pythonunbuffered;
pub(crate) mod pdm_deps_not_layered;
pub(crate) mod pdm_install_not_frozen;
pub(crate) mod pip_cache_in_layer;
pub(crate) mod pip_cache_mount_with_no_cache_dir;
pub(crate) mod pip_unpinned_package;
pub(crate) mod pip_user_install;
pub(crate) mod pipenv_deps_not_layered;
pub(crate) mod pipenv_install_without_deploy;
pub(crate) mod poetry_cache_in_layer;
pub(crate) mod poetry_deps_not_layered;
pub(crate) mod project_deps_not_layered;
pub(crate) mod python_base_image_floating_tag;
pub(crate) mod python_base_image_not_slim;
pub(crate) mod python_env_flag_misuse;
pub(crate) mod python_stage_base_mismatch;
pub(crate) mod requirements_installed_after_source_copy;
pub(crate) mod runs_as_root;
pub(crate) mod secret_in_arg_or_env;
pub(crate) mod server_binds_localhost;
pub(crate) mod shell_form_process;
pub(crate) mod uv_binary_unpinned;
pub(crate) mod uv_cache_in_layer;
pub(crate) mod uv_deps_not_layered;
pub(crate) mod uv_sync_not_locked;
pub(crate) mod venv_activate_in_run;
pub(crate) mod venv_not_on_path;
pub(crate) mod venv_path_changed_between_stages;
