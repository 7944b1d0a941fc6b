//! Generates the control API's Rust code from `switchyard/v1/*.proto` (needs `protoc`), and
//! the encoded file descriptor set the service's gRPC reflection serves; and the client for
//! the part of Spark Connect the Spark engine speaks (`spark/connect/spark_connect.proto`).

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=switchyard");
    println!("cargo:rerun-if-changed=spark");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .file_descriptor_set_path(out_dir.join("switchyard_descriptor.bin"))
        .compile_protos(&["switchyard/v1/control.proto"], &["."])?;
    // Another service's protocol: a client only, and kept out of our reflection descriptors.
    tonic_prost_build::configure()
        .build_server(false)
        .build_client(true)
        .compile_protos(&["spark/connect/spark_connect.proto"], &["."])?;
    Ok(())
}
