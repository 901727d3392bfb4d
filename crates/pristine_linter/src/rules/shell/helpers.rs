//! Shared by the shell rules: walking every recognised command of every `RUN`, cache mounts,
//! and the stages that end up in the final image.

use pristine_diagnostics::TextRange;
use pristine_dockerfile::Command as Instruction;
use pristine_dockerfile::mount::MountType;
use pristine_shell::{Invocation, RunScript};

use crate::Rule;
use crate::checkers::dockerfile::Checker;

/// Calls `f` for every recognised command of every `RUN`; reports what it returns.
pub(crate) fn report_invocations(
    checker: &mut Checker,
    rule: Rule,
    mut f: impl FnMut(&Checker, &RunScript, &Invocation) -> Option<(String, TextRange)>,
) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for (run, model) in scripts.iter().zip(checker.script_models()) {
        for inv in &model.invocations {
            if let Some(hit) = f(checker, run, inv) {
                found.push(hit);
            }
        }
    }
    for (message, range) in found {
        let d = checker.diagnostic(rule, message, range);
        checker.report(d);
    }
}

/// Does the `RUN` have a `cache` or `tmpfs` mount whose target is one of `targets` (or below
/// one of them)?
pub(crate) fn has_cache_mount(checker: &Checker, run: &RunScript, targets: &[&str]) -> bool {
    let Some(inst) = checker.dockerfile.instructions.get(run.instruction) else {
        return false;
    };
    let mounts = match &inst.command {
        Some(Instruction::Run(r)) => &r.mounts,
        _ => return false,
    };
    mounts.iter().any(|m| {
        m.mount.as_ref().is_ok_and(|m| {
            matches!(m.ty, MountType::Cache | MountType::Tmpfs) && {
                let t = m.target.trim_end_matches('/');
                targets.iter().any(|want| {
                    let want = want.trim_end_matches('/');
                    t == want || want.starts_with(&format!("{t}/"))
                })
            }
        })
    })
}

/// Is the stage part of the final image (the last stage or one it is built `FROM`)?
pub(crate) fn in_final_image(checker: &Checker, stage: Option<usize>) -> bool {
    let Some(stage) = stage else { return false };
    let mut current = checker.stages.stages.len().checked_sub(1);
    let mut guard = 0;
    while let Some(i) = current {
        if i == stage {
            return true;
        }
        guard += 1;
        if guard > checker.stages.stages.len() {
            break;
        }
        current = match checker.stages.stages.get(i).map(|s| &s.base) {
            Some(pristine_dockerfile::Base::Stage(parent)) => Some(*parent),
            _ => None,
        };
    }
    false
}

/// The range of a recognised command: the whole simple command.
pub(crate) fn range_of(inv: &Invocation) -> TextRange {
    inv.command.range
}

/// Does `path` end in `.ext` (any case)?
pub(crate) fn has_ext(path: &str, ext: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, e)| e.eq_ignore_ascii_case(ext))
}
