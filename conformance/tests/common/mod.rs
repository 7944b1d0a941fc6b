//! What the conformance tests share: TPC-H at scale 0.01, generated once per build folder.

use std::path::PathBuf;

use switchyard_conformance::open_tpch;
use switchyard_router::Switchyard;

/// Opens TPC-H at scale 0.01 (generated on first use under the test build folder).
pub async fn tpch_sf001() -> Switchyard {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch-sf0.01");
    open_tpch(0.01, &dir).await.expect("TPC-H at scale 0.01")
}
