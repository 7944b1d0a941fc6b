//! `Router`: holds each plan against every engine's capabilities, the policy and the cost
//! model, and decides where it runs.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use switchyard_consumer::{DEFAULT_ENGINE, EngineKind, EngineRef, EngineRegistry, Manifest};
use switchyard_producer::{Catalog, ValidatedPlan};

use crate::capabilities::{Capabilities, MissingFeature};
use crate::cost::{CostBreakdown, PlanEstimate, TableRead};
use crate::decision::{Candidate, RouteDecision, Verdict, bytes};
use crate::features::PlanFeatures;
use crate::health::{EngineHealth, HealthBook};
use crate::learning::{Learned, RecordedRun, RuntimeMemory};
use crate::policy::{Policy, RuleAction};
use crate::profile::EngineProfile;
use crate::routing_config::RoutingConfig;
use crate::statistics::Statistics;
use crate::suspects::SuspectBook;

/// The value of `routing.tables.NAME.home` that means the catalog's files.
pub const FILES_HOME: &str = "files";

/// An engine as the router sees it.
#[derive(Debug)]
struct RoutedEngine {
    engine: EngineRef,
    capabilities: Capabilities,
    profile: EngineProfile,
    /// Whether it reads the catalog's files in place.
    reads_files: bool,
    /// Whether it runs inside this process (subject to `embedded_max_bytes`).
    embedded: bool,
}

/// Decides where plans run.
#[derive(Debug)]
pub struct Router {
    engines: Vec<RoutedEngine>,
    statistics: Statistics,
    policy: Policy,
    /// Configured homes: table → index of the engine holding its live copy, `None` for
    /// the catalog's files. Tables not listed live in the one PostgreSQL engine holding
    /// them, else in their files; engines report what they hold when asked, so a load
    /// counts at once.
    homes: HashMap<String, Option<usize>>,
    memory: RuntimeMemory,
    health: HealthBook,
    suspects: SuspectBook,
}

impl Router {
    /// Builds the router for a registry of engines; errors name the setting at fault.
    pub fn new(
        registry: &EngineRegistry,
        catalog: &Catalog,
        config: &RoutingConfig,
        base_dir: &Path,
        statistics: Statistics,
    ) -> Result<Self, String> {
        let mut refs: Vec<EngineRef> = registry.iter().cloned().collect();
        // The embedded default first: it wins ties.
        refs.sort_by_key(|e| (e.name() != DEFAULT_ENGINE, e.name().to_string()));
        if let Some(unknown) = config
            .engines
            .keys()
            .find(|n| refs.iter().all(|e| e.name() != n.as_str()))
        {
            return Err(format!(
                "routing.engines.{unknown}: no engine {unknown:?} is configured"
            ));
        }
        let mut engines = Vec::new();
        for engine in refs {
            let overrides = config.engines.get(engine.name());
            let (manifest, source) = match overrides.and_then(|o| o.manifest.as_ref()) {
                Some(path) => {
                    let path = base_dir.join(path);
                    let source = format!(
                        "routing.engines.{}.manifest {}",
                        engine.name(),
                        path.display()
                    );
                    let manifest = read_manifest(&path).map_err(|e| format!("{source}: {e}"))?;
                    (manifest, source)
                }
                None => (
                    engine.manifest().clone(),
                    format!("the built-in manifest of engine {}", engine.name()),
                ),
            };
            let capabilities =
                Capabilities::from_manifest(&manifest).map_err(|e| format!("{source}: {e}"))?;
            let profile = overrides
                .and_then(|o| o.profile)
                .unwrap_or_else(|| EngineProfile::default_for(engine.kind()));
            profile
                .validate()
                .map_err(|e| format!("routing.engines.{}: {e}", engine.name()))?;
            engines.push(RoutedEngine {
                reads_files: matches!(
                    engine.kind(),
                    EngineKind::DataFusion
                        | EngineKind::DuckDb
                        | EngineKind::Ballista
                        | EngineKind::Spark
                ),
                embedded: matches!(engine.kind(), EngineKind::DataFusion | EngineKind::DuckDb),
                capabilities,
                profile,
                engine,
            });
        }
        let index_of = |name: &str| engines.iter().position(|e| e.engine.name() == name);
        let policy = Policy::new(
            config,
            |e| index_of(e).is_some(),
            |t| catalog.table(t).is_some(),
        )?;
        let homes = table_homes(&engines, config, catalog)?;
        if let Some(verify) = &config.verify {
            verify.validate()?;
            if let Some(unknown) = verify.engines.iter().find(|n| index_of(n).is_none()) {
                return Err(format!(
                    "routing.verify.engines: no engine {unknown:?} is configured"
                ));
            }
        }
        let memory = RuntimeMemory::open(
            config
                .learned_file
                .as_ref()
                .map(|f| base_dir.join(f))
                .as_deref(),
        )
        .map_err(|e| format!("routing.learned_file: {e}"))?;
        Ok(Self {
            engines,
            statistics,
            policy,
            homes,
            memory,
            health: HealthBook::default(),
            suspects: SuspectBook::default(),
        })
    }

    /// Each engine's last known health; engines found down are not routed to.
    pub fn health(&self) -> &HealthBook {
        &self.health
    }

    /// The engines a verified run disputed, by plan feature set; routing avoids them.
    pub fn suspects(&self) -> &SuspectBook {
        &self.suspects
    }

    /// The statistics the cost model uses.
    pub fn statistics(&self) -> &Statistics {
        &self.statistics
    }

    /// The profile of engine `name`.
    pub fn profile(&self, name: &str) -> Option<&EngineProfile> {
        self.engines
            .iter()
            .find(|e| e.engine.name() == name)
            .map(|e| &e.profile)
    }

    /// Routes a plan; the decision carries the plan's warnings.
    pub fn route(&self, plan: &ValidatedPlan) -> RouteDecision {
        let mut decision = self.route_features(&PlanFeatures::of(plan));
        decision.warnings = plan.warnings().to_vec();
        decision
    }

    /// Whether plans with warnings are refused (`routing.strict_plans`).
    pub fn strict_plans(&self) -> bool {
        self.policy.strict_plans
    }

    /// Routes a plan whose features are known.
    pub fn route_features(&self, features: &PlanFeatures) -> RouteDecision {
        let estimate = PlanEstimate::of(features, &self.statistics);
        let mut forbidden: HashMap<&str, String> = HashMap::new();
        let mut pin = None;
        for rule in self.policy.rules.iter().filter(|r| r.matches(features)) {
            match &rule.action {
                RuleAction::Forbid(engines) => {
                    for engine in engines {
                        forbidden
                            .entry(engine.as_str())
                            .or_insert_with(|| format!("forbidden by {}", rule.describe()));
                    }
                }
                RuleAction::Pin(engine) => {
                    pin.get_or_insert((engine.as_str(), rule));
                }
            }
        }
        let resident: Vec<HashSet<String>> = self
            .engines
            .iter()
            .map(|e| e.engine.resident_tables().into_iter().collect())
            .collect();
        let homes = self.homes_of(&estimate, &resident);
        let any_down = self.health.any_down();
        let mut capable = Vec::new();
        let mut others = Vec::new();
        for (index, routed) in self.engines.iter().enumerate() {
            let name = routed.engine.name();
            let health = if any_down {
                self.health.of(name)
            } else {
                EngineHealth::Up
            };
            let verdict = if let Some(reason) = forbidden.get(name) {
                Verdict::Excluded {
                    reason: reason.clone(),
                }
            } else if let EngineHealth::Down { error, for_ms } = health {
                Verdict::Down {
                    error: format!("{error} (down for {:.1} s)", for_ms as f64 / 1000.0),
                }
            } else {
                let missing = missing_features(routed, &resident[index], features);
                if !missing.is_empty() {
                    Verdict::Missing { features: missing }
                } else if let Some(reason) = self.over_ceiling(routed, &estimate) {
                    Verdict::Excluded { reason }
                } else {
                    Verdict::Capable
                }
            };
            let candidate = Candidate {
                engine: name.to_string(),
                kind: routed.engine.kind().to_string(),
                cost: (verdict == Verdict::Capable)
                    .then(|| self.cost(index, routed, &estimate, &homes, &features.fingerprint)),
                verdict,
            };
            if candidate.verdict == Verdict::Capable {
                capable.push(candidate);
            } else {
                others.push(candidate);
            }
        }
        capable.sort_by(|a, b| total(a).total_cmp(&total(b)));
        let (mut capable, suspect) = self.set_suspects_aside(capable, features);
        let mut reason = cost_reason(&capable);
        if let Some((engine, rule)) = pin {
            match capable.iter().position(|c| c.engine == engine) {
                Some(position) => {
                    let pinned = capable.remove(position);
                    capable.insert(0, pinned);
                    reason = format!("pinned by {}", rule.describe());
                }
                None => {
                    reason = format!(
                        "{}; {} pins to {engine}, which cannot run it",
                        reason,
                        rule.describe()
                    );
                }
            }
        }
        let chosen = capable.first().map(|c| c.engine.clone());
        if chosen.is_none() {
            reason =
                "no configured engine can run this plan (see each engine's verdict)".to_string();
        }
        capable.extend(suspect);
        capable.extend(others);
        RouteDecision {
            chosen,
            reason,
            candidates: capable,
            attempts: Vec::new(),
            strict: self.policy.strict,
            writes: features
                .relations
                .iter()
                .any(|r| matches!(r.relation, "WRITE" | "DDL" | "UPDATE")),
            fingerprint: features.fingerprint.clone(),
            estimate,
            warnings: Vec::new(),
        }
    }

    /// Splits the capable engines (sorted by cost) into those routing may use and those
    /// suspect for the plan's feature set, which are used only when no other engine can run
    /// the plan.
    fn set_suspects_aside(
        &self,
        capable: Vec<Candidate>,
        features: &PlanFeatures,
    ) -> (Vec<Candidate>, Vec<Candidate>) {
        if self.suspects.is_empty() {
            return (capable, Vec::new());
        }
        let feature_set = features.feature_set();
        let (suspect, trusted): (Vec<Candidate>, Vec<Candidate>) = capable
            .into_iter()
            .partition(|c| self.suspects.of(&c.engine, &feature_set).is_some());
        if trusted.is_empty() {
            return (suspect, Vec::new());
        }
        let suspect = suspect
            .into_iter()
            .map(|mut candidate| {
                if let Some(mark) = self.suspects.of(&candidate.engine, &feature_set) {
                    candidate.verdict = Verdict::Suspect {
                        reason: format!(
                            "plan {} with these features answered differently on {} ({}) at {}; \
                             `switchyard history --clear {}` clears it",
                            mark.plan, mark.verifier, mark.difference, mark.since, mark.engine
                        ),
                    };
                }
                candidate
            })
            .collect();
        (trusted, suspect)
    }

    /// A decision that sends the plan to `engine` whatever the costs (`--engine NAME`): the
    /// other engines are still listed, none is a fallback.
    pub fn route_to(&self, plan: &ValidatedPlan, engine: &str) -> RouteDecision {
        let mut decision = self.route(plan);
        if let Some(position) = decision.candidates.iter().position(|c| c.engine == engine) {
            let named = decision.candidates.remove(position);
            decision.candidates.insert(0, named);
        }
        decision.chosen = Some(engine.to_string());
        decision.reason = "named with --engine".to_string();
        decision.strict = true;
        decision
    }

    /// Remembers how long a routed plan took on `engine`, so later estimates learn.
    pub fn record_run(&self, decision: &RouteDecision, engine: &str, elapsed: Duration) {
        if let Some(cost) = decision.candidate(engine).and_then(|c| c.cost.as_ref()) {
            self.memory.record(
                engine,
                &decision.fingerprint,
                &RecordedRun {
                    model_ms: cost.model_ms,
                    move_ms: cost.move_ms,
                    measured_ms: elapsed.as_secs_f64() * 1e3,
                    work: cost.work,
                },
            );
        }
    }

    /// Forgets what measured runs have taught the router, for experiments that control what
    /// it learns from (`switchyard bench routing`'s leave-one-out figure).
    pub fn forget_runs(&self) {
        self.memory.clear();
    }

    fn over_ceiling(&self, routed: &RoutedEngine, estimate: &PlanEstimate) -> Option<String> {
        if let Some(ceiling) = self.policy.embedded_max_bytes.filter(|_| routed.embedded)
            && estimate.scan_bytes > ceiling as f64
        {
            return Some(format!(
                "scans about {}, over the embedded ceiling of {} (routing.embedded_max_bytes)",
                bytes(estimate.scan_bytes),
                bytes(ceiling as f64)
            ));
        }
        if let Some(memory_mb) = routed.profile.memory_mb
            && estimate.peak_bytes > memory_mb * 1e6
        {
            return Some(format!(
                "needs about {} of working memory, over its {} (profile memory_mb)",
                bytes(estimate.peak_bytes),
                bytes(memory_mb * 1e6)
            ));
        }
        None
    }

    /// Where each table the plan reads lives (absent: the catalog's files).
    fn homes_of(
        &self,
        estimate: &PlanEstimate,
        resident: &[HashSet<String>],
    ) -> HashMap<String, usize> {
        let mut homes = HashMap::new();
        for read in &estimate.reads {
            let home = match self.homes.get(&read.table) {
                Some(configured) => *configured,
                None => {
                    let mut holders = self.engines.iter().enumerate().filter(|(i, e)| {
                        e.engine.kind() == EngineKind::Postgres
                            && resident[*i].contains(&read.table)
                    });
                    match (holders.next(), holders.next()) {
                        (Some((only, _)), None) => Some(only),
                        _ => None,
                    }
                }
            };
            if let Some(home) = home {
                homes.insert(read.table.clone(), home);
            }
        }
        homes
    }

    fn cost(
        &self,
        index: usize,
        routed: &RoutedEngine,
        estimate: &PlanEstimate,
        homes: &HashMap<String, usize>,
        fingerprint: &str,
    ) -> CostBreakdown {
        let moved: Vec<(TableRead, &EngineProfile)> = estimate
            .reads
            .iter()
            .filter_map(|read| {
                let home = *homes.get(&read.table)?;
                (home != index).then(|| (read.clone(), &self.engines[home].profile))
            })
            .collect();
        // An engine holding a copy scans its own bytes (PostgreSQL's heap, say).
        let name = routed.engine.name();
        let scan_bytes: f64 = 0.0
            + estimate
                .reads
                .iter()
                .map(|read| {
                    self.statistics
                        .held_bytes(name, &read.table)
                        .map_or(read.bytes, |bytes| bytes as f64 * read.column_share)
                })
                .sum::<f64>();
        let mut cost = CostBreakdown::price(&routed.profile, estimate, scan_bytes, moved);
        let prior = routed.profile.coefficients();
        match self
            .memory
            .recall(routed.engine.name(), fingerprint, &prior)
        {
            Learned::Measured(ms) => {
                cost.total_ms = ms;
                cost.learned = Some(format!("this plan measured {ms:.1} ms here before"));
            }
            Learned::Fitted { coefficients, runs } => {
                cost.total_ms = cost.work.cost(&coefficients) + cost.move_ms;
                cost.learned = Some(format!(
                    "costs fitted to {runs:.0} measured runs on this engine"
                ));
            }
            Learned::Correction(factor) => {
                cost.total_ms = cost.model_ms * factor;
                cost.learned = Some(format!("×{factor:.2} from measured runs on this engine"));
            }
            Learned::Nothing => {}
        }
        cost
    }
}

/// Features the engine lacks, including tables it cannot read.
fn missing_features(
    routed: &RoutedEngine,
    resident: &HashSet<String>,
    features: &PlanFeatures,
) -> Vec<MissingFeature> {
    let mut missing = routed.capabilities.missing(features);
    if !routed.reads_files {
        for (node, relation) in features.shape.nodes.iter().zip(&features.relations) {
            if let Some(table) = &node.table
                && !resident.contains(table)
            {
                missing.push(MissingFeature {
                    feature: format!(
                        "table {table} (not loaded: switchyard load --engine {} --tables {table})",
                        routed.engine.name()
                    ),
                    path: relation.path.clone(),
                });
            }
        }
    }
    missing
}

fn total(candidate: &Candidate) -> f64 {
    candidate
        .cost
        .as_ref()
        .map_or(f64::INFINITY, |c| c.total_ms)
}

/// Why the cheapest capable engine won: its estimate against the runner-up's, and the part
/// of the cost where they differ most.
fn cost_reason(capable: &[Candidate]) -> String {
    let (Some(best), second) = (capable.first(), capable.get(1)) else {
        return String::new();
    };
    let Some(best_cost) = &best.cost else {
        return String::new();
    };
    let Some((runner_up, runner_cost)) = second.and_then(|c| c.cost.as_ref().map(|cost| (c, cost)))
    else {
        return format!(
            "the only capable engine ({:.1} ms estimated)",
            best_cost.total_ms
        );
    };
    let parts = [
        ("start-up", best_cost.startup_ms, runner_cost.startup_ms),
        ("scan", best_cost.scan_ms, runner_cost.scan_ms),
        ("compute", best_cost.compute_ms, runner_cost.compute_ms),
        (
            "result transfer",
            best_cost.result_ms,
            runner_cost.result_ms,
        ),
        ("moving tables", best_cost.move_ms, runner_cost.move_ms),
    ];
    let (part, ours, theirs) = parts
        .into_iter()
        .max_by(|a, b| (a.2 - a.1).total_cmp(&(b.2 - b.1)))
        .unwrap_or(("start-up", 0.0, 0.0));
    let learned = if best_cost.learned.is_some() || runner_cost.learned.is_some() {
        " (estimates include measured runs)"
    } else {
        ""
    };
    format!(
        "lowest estimated cost: {:.1} ms against {:.1} ms on {}{learned}; the largest difference is {part}: {ours:.1} against {theirs:.1} ms",
        best_cost.total_ms, runner_cost.total_ms, runner_up.engine
    )
}

fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The configured homes, checked: each names a catalog table and an engine (or `files`).
fn table_homes(
    engines: &[RoutedEngine],
    config: &RoutingConfig,
    catalog: &Catalog,
) -> Result<HashMap<String, Option<usize>>, String> {
    let mut homes = HashMap::new();
    for (table, routing) in &config.tables {
        if catalog.table(table).is_none() {
            return Err(format!(
                "routing.tables.{table}: no table {table:?} in the catalog"
            ));
        }
        if routing.home == FILES_HOME {
            homes.insert(table.clone(), None);
            continue;
        }
        let Some(index) = engines.iter().position(|e| e.engine.name() == routing.home) else {
            return Err(format!(
                "routing.tables.{table}.home: no engine {:?} (name an engine, or `{FILES_HOME}`)",
                routing.home
            ));
        };
        homes.insert(table.clone(), Some(index));
    }
    Ok(homes)
}
