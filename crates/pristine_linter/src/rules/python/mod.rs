//! Python packaging rules (`PY…`): layering, package-manager caches and locks, base images,
//! multi-stage environments, runtime environment and process. Rules about the final image look
//! at the final stage and the stages it is built `FROM`, not at builder stages.

pub(crate) mod helpers;

pub(crate) mod add_for_local_files;
pub(crate) mod credentials_in_url;
pub(crate) mod deprecated_fastapi_base_image;
pub(crate) mod dev_server_in_cmd;
pub(crate) mod exec_form_variable;
pub(crate) mod missing_pythondontwritebytecode;
pub(crate) mod missing_pythonunbuffered;
pub(crate) mod python_base_image_floating_tag;
pub(crate) mod python_base_image_not_slim;
pub(crate) mod python_env_flag_misuse;
pub(crate) mod python_stage_base_mismatch;
pub(crate) mod runs_as_root;
pub(crate) mod secret_in_arg_or_env;
pub(crate) mod server_binds_localhost;
pub(crate) mod shell_form_process;
pub(crate) mod uv_binary_unpinned;
pub(crate) mod venv_not_on_path;
pub(crate) mod venv_path_changed_between_stages;
