//! `plan FILE`: read and check the state file, read the instance, and print
//! what `apply` would change. Exit 0 when nothing would, 9 when changes are
//! pending, 10 when apply would refuse them. The reading and planning that
//! `apply` shares are here too.

use users_domain::{
    CheckedPlan, DesiredState, InstanceSnapshot, Plan, PlanOptions, Refusal, SafetyLimits,
    TeamRepository, UserAdmin, UserRepository, ValidatedState, check_safety, plan,
};

use super::require_admin;
use crate::cli::{DesiredArgs, PlanArgs};
use crate::failure::Failure;
use crate::input::Input;
use crate::output::Output;
use crate::redact;
use crate::state_file::{self, FileError, FileErrorKind};
use crate::views::plan::{PlanView, Source, plan_text};

/// A state file read and checked, the instance read, and the plan between.
#[derive(Debug)]
pub(super) struct Planned {
    /// How messages name the file (`people.toml`, `-`).
    file: String,
    /// The file as read, for planning again ([`Planned::replan`]).
    declared: DesiredState,
    /// Checked against `instance`.
    desired: ValidatedState,
    instance: InstanceSnapshot,
    options: PlanOptions,
    pub(super) plan: Plan,
}

impl Planned {
    /// Where the plan's changes come from, for showing them.
    pub(super) fn source(&self) -> Source<'_> {
        Source {
            file: &self.file,
            desired: &self.desired,
        }
    }

    /// The plan, if the safety rails let it through within `limits`.
    pub(super) fn checked(&self, limits: &SafetyLimits) -> Result<CheckedPlan<'_>, Vec<Refusal>> {
        check_safety(&self.plan, &self.instance, limits)
    }

    /// Plans the same file again, against the instance as it is now (the
    /// file is `input`, for its problems against it), and returns the plan
    /// this one replaces.
    ///
    /// # Errors
    ///
    /// As [`prepare`], but for reading the file and the admin check; the
    /// plan is left as it was then.
    pub(super) async fn replan<R: UserRepository + TeamRepository>(
        &mut self,
        admin: &UserAdmin<R>,
        input: &Input,
    ) -> Result<Plan, Failure> {
        let (desired, instance, plan) =
            against_instance(admin, input, &self.file, &self.declared, self.options).await?;
        self.desired = desired;
        self.instance = instance;
        Ok(std::mem::replace(&mut self.plan, plan))
    }
}

/// What `args` allow the plan to deactivate.
pub(super) fn limits(args: &DesiredArgs) -> SafetyLimits {
    SafetyLimits {
        max_deactivate: args.max_deactivate,
    }
}

/// Reads the state file of `args`, wholly checked before anything is sent;
/// then, as an instance admin (which `what` needs), reads the instance,
/// checks the file against it, and plans.
///
/// # Errors
///
/// Every problem of the file, or with it against the instance, each with
/// its line; a caller who is not an instance admin; and as
/// [`UserAdmin::snapshot_for`].
pub(super) async fn prepare<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    args: &DesiredArgs,
    what: &str,
) -> Result<Planned, Failure> {
    let file = file_name(&args.file);
    let declared = read(&args.file, &file)?;
    require_admin(admin, what).await?;
    let options = PlanOptions { prune: args.prune };
    let (desired, instance, plan) =
        against_instance(admin, &args.file, &file, &declared, options).await?;
    Ok(Planned {
        file,
        declared,
        desired,
        instance,
        options,
        plan,
    })
}

/// Reads the instance, checks `declared` (the file `input`, which messages
/// name `file`) against it, and plans.
async fn against_instance<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    input: &Input,
    file: &str,
    declared: &DesiredState,
    options: PlanOptions,
) -> Result<(ValidatedState, InstanceSnapshot, Plan), Failure> {
    let instance = admin.snapshot_for(declared).await?;
    let desired = declared.validate(instance.state()).map_err(|errors| {
        let problems = errors
            .into_iter()
            .map(|error| FileError::invalid(file, error))
            .collect();
        Failure::state_file(input, problems)
    })?;
    let plan = plan(&desired, &instance, &options);
    Ok((desired, instance, plan))
}

pub(super) async fn run<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    args: &PlanArgs,
    out: Output,
) -> Result<(), Failure> {
    let planned = prepare(admin, &args.desired, "plan").await?;
    let refusals = planned
        .checked(&limits(&args.desired))
        .err()
        .unwrap_or_default();
    let source = planned.source();
    out.result(
        &PlanView::new(&planned.plan, source, &refusals),
        &plan_text(&planned.plan, source),
    )?;
    if !refusals.is_empty() {
        return Err(Failure::refused(refusals, false));
    }
    if planned.plan.is_empty() {
        Ok(())
    } else {
        Err(Failure::changes_pending())
    }
}

/// The state file `input`, which messages name `file`.
fn read(input: &Input, file: &str) -> Result<DesiredState, Failure> {
    let reader = input.open().map_err(|error| {
        let problem = FileError::new(file, None, FileErrorKind::Read(error));
        Failure::state_file(input, vec![problem])
    })?;
    state_file::read(reader, file, input.path())
        .map_err(|problems| Failure::state_file(input, problems))
}

/// How messages name a state file: `FILE:LINE: ...` with the path as given
/// (any key-shaped part masked), or `-` for standard input.
fn file_name(input: &Input) -> String {
    match input {
        Input::Stdin => "-".to_owned(),
        Input::File(path) => redact::path(path),
    }
}
