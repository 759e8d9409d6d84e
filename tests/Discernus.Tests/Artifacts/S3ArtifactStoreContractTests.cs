using Amazon.S3.Model;
using Discernus.Artifacts;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Artifacts;

/// <summary>The store contract against the S3 store on a real s3rver, one fresh bucket per test.</summary>
public sealed class S3ArtifactStoreContractTests(S3ServerFixture server) : ArtifactStoreContractTests, IClassFixture<S3ServerFixture>
{
    private readonly string _bucket = S3ServerFixture.NewBucketName("contract");

    protected override string ExpectedIdentity => $"s3:{server.Endpoint}/{_bucket}";

    protected override Task<IArtifactStore> CreateStoreAsync() =>
        ArtifactStoreFactory.CreateAsync(new ArtifactStoreOptions { Backend = "s3", FolderPath = "unused", S3 = server.Options(_bucket) });

    protected override async Task DamageAsync(string hash, byte[] bytes)
    {
        using var client = server.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = S3ArtifactStore.ObjectKey(hash),
            InputStream = new MemoryStream(bytes),
            UseChunkEncoding = false,
        });
    }

    protected override async Task<int> CountObjectsAsync()
    {
        using var client = server.CreateClient();
        var listing = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = S3ArtifactStore.ObjectPrefix });
        return listing.S3Objects?.Count ?? 0;
    }
}
