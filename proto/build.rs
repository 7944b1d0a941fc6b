//! Generates the control API's Rust code from `switchyard/v1/*.proto` (needs `protoc`), and
//! the encoded file descriptor set the service's gRPC reflection serves.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=switchyard");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .file_descriptor_set_path(out_dir.join("switchyard_descriptor.bin"))
        .compile_protos(&["switchyard/v1/control.proto"], &["."])?;
    Ok(())
}
