//! Router and engine types → the control API's messages.

use switchyard_consumer::{EngineRef, Health};
use switchyard_proto::v1;
use switchyard_router::{Candidate, EngineProfile, RouteDecision, Verdict};

/// A decision as the control API carries it, with its printed form.
pub fn decision(decision: &RouteDecision) -> v1::RouteDecision {
    v1::RouteDecision {
        chosen: decision.chosen.clone().unwrap_or_default(),
        candidates: decision.candidates.iter().map(candidate).collect(),
        reason: decision.reason.clone(),
        strict: decision.strict,
        writes: decision.writes,
        fingerprint: decision.fingerprint.clone(),
        estimated_result_rows: decision.estimate.result_rows,
        estimated_scan_bytes: decision.estimate.scan_bytes,
        attempts: decision
            .attempts
            .iter()
            .map(|attempt| v1::Attempt {
                engine: attempt.engine.clone(),
                error: attempt.error.clone().unwrap_or_default(),
            })
            .collect(),
        text: decision.to_string(),
        warnings: decision
            .warnings
            .iter()
            .map(|warning| v1::PlanWarning {
                class: warning.class.name().to_string(),
                path: warning.path.clone(),
                message: warning.message.clone(),
            })
            .collect(),
    }
}

fn candidate(candidate: &Candidate) -> v1::Candidate {
    let (capable, missing, excluded) = match &candidate.verdict {
        Verdict::Capable => (true, Vec::new(), String::new()),
        Verdict::Missing { features } => (
            false,
            features
                .iter()
                .map(|missing| format!("{} at {}", missing.feature, missing.path))
                .collect(),
            String::new(),
        ),
        Verdict::Excluded { reason } => (false, Vec::new(), reason.clone()),
        Verdict::Suspect { reason } => (false, Vec::new(), format!("suspect: {reason}")),
        Verdict::Down { error } => (false, Vec::new(), format!("down: {error}")),
    };
    v1::Candidate {
        engine: candidate.engine.clone(),
        capable,
        missing,
        estimated_cost_ms: candidate.cost.as_ref().map_or(0.0, |cost| cost.total_ms),
        kind: candidate.kind.clone(),
        excluded,
    }
}

/// An engine with its health and cost profile.
pub fn engine(
    engine: &EngineRef,
    health: Health,
    profile: Option<&EngineProfile>,
) -> v1::EngineInfo {
    let (healthy, health_error) = match health {
        Health::Healthy => (true, String::new()),
        Health::Unreachable(reason) => (false, reason),
    };
    let manifest = engine.manifest();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    v1::EngineInfo {
        name: engine.name().to_string(),
        kind: engine.kind().to_string(),
        healthy,
        health_error,
        capabilities: manifest.summary(),
        profile: profile.map(|p| v1::EngineProfile {
            startup_ms: p.startup_ms,
            scan_mb_per_s: p.scan_mb_per_s,
            row_ns: p.row_ns,
            result_row_ns: p.result_row_ns,
            transfer_mb_per_s: p.transfer_mb_per_s,
            memory_mb: p.memory_mb,
        }),
        resident_tables: engine.resident_tables(),
        scalar_functions: count(manifest.supported_scalar_functions.len()),
        aggregate_functions: count(manifest.supported_aggregate_functions.len()),
        window_functions: count(manifest.supported_window_functions.len()),
    }
}

/// A suspect mark on the wire.
pub(super) fn suspect(mark: &switchyard_router::SuspectMark) -> v1::Suspect {
    v1::Suspect {
        engine: mark.engine.clone(),
        feature_set: mark.feature_set.clone(),
        plan: mark.plan.clone(),
        verifier: mark.verifier.clone(),
        difference: mark.difference.clone(),
        since: mark.since.clone(),
    }
}

/// Shadow run counts on the wire.
pub(super) fn verify_counts(counts: crate::shadow::ShadowCounts) -> v1::VerifyCounts {
    v1::VerifyCounts {
        sampled: counts.sampled,
        agreed: counts.agreed,
        disagreed: counts.disagreed,
        dropped_busy: counts.dropped_busy,
        dropped_large: counts.dropped_large,
        unverified: counts.unverified,
    }
}
