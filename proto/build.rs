//! Generates the control API's Rust code from `switchyard/v1/*.proto` (needs `protoc`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=switchyard");
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_protos(&["switchyard/v1/control.proto"], &["."])?;
    Ok(())
}
