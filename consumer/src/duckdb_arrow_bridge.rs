//! DuckDB's record batches (the `duckdb` crate's arrow major version) as DataFusion's, moved
//! through the Arrow C data interface: buffers change hands, no value is copied.
#![allow(unsafe_code)]

use arrow::array::StructArray;
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use duckdb::arrow as duck_arrow;
use duckdb::arrow::array::Array as _;

/// Re-homes one batch from DuckDB's arrow version into DataFusion's.
pub fn into_datafusion_batch(
    batch: duck_arrow::record_batch::RecordBatch,
) -> Result<RecordBatch, ArrowError> {
    let rows = batch.num_rows();
    let data = duck_arrow::array::StructArray::from(batch).into_data();
    let (ffi_array, ffi_schema) =
        duck_arrow::ffi::to_ffi(&data).map_err(|e| ArrowError::CDataInterface(e.to_string()))?;
    // SAFETY: `FFI_ArrowArray` and `FFI_ArrowSchema` are `#[repr(C)]` definitions of the
    // Arrow C data interface's `ArrowArray` and `ArrowSchema` in both arrow versions, so the
    // layouts are the same by specification (and `transmute` checks the sizes). Moving the
    // values moves ownership: the release callback frees the buffers exactly once.
    let (ffi_array, ffi_schema): (arrow::ffi::FFI_ArrowArray, arrow::ffi::FFI_ArrowSchema) = unsafe {
        (
            std::mem::transmute::<duck_arrow::ffi::FFI_ArrowArray, arrow::ffi::FFI_ArrowArray>(
                ffi_array,
            ),
            std::mem::transmute::<duck_arrow::ffi::FFI_ArrowSchema, arrow::ffi::FFI_ArrowSchema>(
                ffi_schema,
            ),
        )
    };
    // SAFETY: the pair was produced by arrow's own `to_ffi` just above, so it is valid.
    let data = unsafe { arrow::ffi::from_ffi(ffi_array, &ffi_schema) }?;
    let struct_array = StructArray::from(data);
    if struct_array.num_columns() == 0 {
        return RecordBatch::try_new_with_options(
            std::sync::Arc::new(arrow::datatypes::Schema::empty()),
            vec![],
            &arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(rows)),
        );
    }
    Ok(RecordBatch::from(struct_array))
}
