//! `IfThen` and `SwitchExpression`: the type of their first result.

use datafusion_substrait::substrait::proto::Type;
use datafusion_substrait::substrait::proto::expression::{IfThen, SwitchExpression};

use super::types;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn if_then(
    w: &mut Walker<'_>,
    if_then: &IfThen,
    input: &RelSchema,
    path: &str,
    rel: usize,
) -> Option<Type> {
    let mut result = None;
    // datafusion-substrait writes `CASE x WHEN v THEN r` as an IfThen whose first clause holds
    // only `x` (no result), and reads it back so: the match value, not a clause.
    let datafusion_simple_case = if_then.ifs.len() > 1
        && if_then.ifs[0].then.is_none()
        && if_then.ifs[1..].iter().all(|clause| clause.then.is_some());
    for (i, clause) in if_then.ifs.iter().enumerate() {
        if i == 0 && datafusion_simple_case {
            if let Some(value) = clause.r#if.as_ref() {
                w.expression(value, input, &format!("{path}/ifs[0]/if"), rel);
            }
            continue;
        }
        match clause.r#if.as_ref() {
            Some(condition) => {
                w.expression(condition, input, &format!("{path}/ifs[{i}]/if"), rel);
            }
            None => w.problem(&format!("{path}/ifs[{i}]"), "the clause has no condition"),
        }
        match clause.then.as_ref() {
            Some(then) => {
                let ty = w.expression(then, input, &format!("{path}/ifs[{i}]/then"), rel);
                result = result.or(ty);
            }
            None => w.problem(&format!("{path}/ifs[{i}]"), "the clause has no result"),
        }
    }
    match if_then.r#else.as_deref() {
        Some(otherwise) => {
            let ty = w.expression(otherwise, input, &format!("{path}/else"), rel);
            result.or(ty)
        }
        // Without an else, rows no clause matches are null.
        None => result.map(types::nullable),
    }
}

pub(super) fn switch(
    w: &mut Walker<'_>,
    switch: &SwitchExpression,
    input: &RelSchema,
    path: &str,
    rel: usize,
) -> Option<Type> {
    match switch.r#match.as_deref() {
        Some(value) => {
            w.expression(value, input, &format!("{path}/match"), rel);
        }
        None => w.problem(path, "the switch has no value to match"),
    }
    let mut result = None;
    for (i, clause) in switch.ifs.iter().enumerate() {
        if let Some(literal) = clause.r#if.as_ref() {
            w.visitor.literal(literal, &format!("{path}/ifs[{i}]/if"));
        }
        if let Some(then) = clause.then.as_ref() {
            let ty = w.expression(then, input, &format!("{path}/ifs[{i}]/then"), rel);
            result = result.or(ty);
        }
    }
    match switch.r#else.as_deref() {
        Some(otherwise) => {
            let ty = w.expression(otherwise, input, &format!("{path}/else"), rel);
            result.or(ty)
        }
        None => result.map(types::nullable),
    }
}
