//! Receipts in S3-compatible object storage (AWS, MinIO, Ceph…), for deployments where several
//! instances share files. Built with the `s3` cargo feature.
use futures::future::BoxFuture;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStoreExt as _, PutPayload};

use crate::store::{FileStore, Result, StoreError, is_valid_key};

/// Where and how to reach the bucket.
#[derive(Clone, Debug, Default)]
pub struct S3Config {
    pub bucket: String,
    pub region: String,
    /// For non-AWS services (`http://127.0.0.1:9000`); empty for AWS itself.
    pub endpoint: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Plain HTTP to the endpoint (a local MinIO); never for a remote one.
    pub allow_http: bool,
}

pub struct S3Storage {
    store: AmazonS3,
}

impl S3Storage {
    pub fn new(config: &S3Config) -> Result<Self> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_allow_http(config.allow_http);
        if !config.endpoint.is_empty() {
            builder = builder
                .with_endpoint(&config.endpoint)
                .with_virtual_hosted_style_request(false);
        }
        let store = builder
            .build()
            .map_err(|e| StoreError::Backend(format!("S3 configuration: {e}")))?;
        Ok(Self { store })
    }
}

fn path(key: &str) -> Result<Path> {
    if is_valid_key(key) {
        Ok(Path::from(key))
    } else {
        Err(StoreError::Invalid {
            field: "storage_key",
        })
    }
}

fn failed(e: object_store::Error) -> StoreError {
    StoreError::Backend(format!("receipt storage (S3): {e}"))
}

impl FileStore for S3Storage {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let path = path(key)?;
            // Content-addressed: a key that exists already holds these very bytes.
            if self.exists(key).await? {
                return Ok(());
            }
            self.store
                .put(&path, PutPayload::from(bytes))
                .await
                .map_err(failed)?;
            Ok(())
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            let path = path(key)?;
            match self.store.get(&path).await {
                Ok(found) => Ok(Some(found.bytes().await.map_err(failed)?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(failed(e)),
            }
        })
    }

    fn exists<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            let path = path(key)?;
            match self.store.head(&path).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(failed(e)),
            }
        })
    }
}
