//! Switchyard's wire schema: the control API (`switchyard/v1/control.proto`) and its
//! generated message types, client and server; and a client subset of Spark Connect.

/// The encoded `FileDescriptorSet` of every message and service in `switchyard/v1/`, for
/// gRPC server reflection (so tools such as `grpcurl` can call the control API without the
/// `.proto` files).
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("switchyard_descriptor");

/// Version 1 of the control API.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod v1 {
    tonic::include_proto!("switchyard.v1");
}

/// The part of Apache Spark's Spark Connect protocol the Spark engine uses (a client).
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod spark_connect {
    tonic::include_proto!("spark.connect");
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::v1::{QuerySource, SqlQuery, SubmitHints, SubmitRequest, query_source};

    #[test]
    fn submit_request_round_trips() {
        let request = SubmitRequest {
            source: Some(QuerySource {
                source: Some(query_source::Source::Sql(SqlQuery {
                    sql: "select 1".into(),
                    dialect: "generic".into(),
                })),
            }),
            hints: Some(SubmitHints {
                engine: Some("datafusion".into()),
                strict: true,
                timeout_ms: 5_000,
            }),
        };
        let decoded = SubmitRequest::decode(request.encode_to_vec().as_slice()).expect("decodes");
        assert_eq!(decoded, request);
    }
}
