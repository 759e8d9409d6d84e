using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Experiments;
using Discernus.Tests.Faults;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Provenance;

/// <summary>Run setup against a real S3 server (s3rver): what it asks of the store per document.</summary>
public sealed class RunSetupOnS3Tests(S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task RunSetup_GetsEachPlainTextDocumentOnce_AndWritesOneAssetForIt()
    {
        const int documents = 40;
        using var root = new TempFolder();
        var experiment = SyntheticExperiment.Create(root.Path, "s3_setup", documents);
        var report = ExperimentValidator.Validate(experiment, new ExperimentLimits(), readDocuments: false);
        var s3 = await ArtifactStoreFactory.CreateAsync(new ArtifactStoreOptions { Backend = "s3", FolderPath = "unused", S3 = server.Options(S3ServerFixture.NewBucketName("setup")) });
        var store = new CountingArtifactStore(s3);
        var (findings, readings) = await DocumentIntake.ReadAsync(report.Experiment!, store, null);
        Assert.Empty(findings);
        store.Reset();

        var (folder, _) = await new RunSetup(store, TimeProvider.System).SetUpAsync(new RunSetupRequest
        {
            Validation = report,
            Prompts = PromptLibrary.All(),
            Models = new ManifestModels { Names = ["lexicon"], Source = "default" },
            SoftwareVersion = "test",
            Documents = readings,
        });

        // One GET per document: a .txt document is its own text, fetched once and written once.
        Assert.Equal(documents, store.Gets);
        var manifest = folder.ReadManifest();
        Assert.All(manifest.Documents, d => Assert.Equal(d.Asset, d.TextAsset));
        Assert.Equal(documents, manifest.Files.Count(f => f.Role == "document"));
        Assert.DoesNotContain(manifest.Files, f => f.Role == "document_text");
        Assert.True((await RunVerifier.VerifyAsync(folder.Path)).Succeeded);
    }

    /// <summary>A real store that counts what it is asked.</summary>
    private sealed class CountingArtifactStore(IArtifactStore inner) : IArtifactStore
    {
        private int _gets;

        public int Gets => Volatile.Read(ref _gets);

        public void Reset() => Interlocked.Exchange(ref _gets, 0);

        public string Description => inner.Description;

        public string Identity => inner.Identity;

        public Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutAsync(content, cancellationToken);

        public Task<string> PutFileAsync(string path, CancellationToken cancellationToken = default) => inner.PutFileAsync(path, cancellationToken);

        public Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _gets);
            return inner.GetAsync(hash, cancellationToken);
        }

        public Task<bool> GetFileAsync(string hash, string path, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _gets);
            return inner.GetFileAsync(hash, path, cancellationToken);
        }

        public Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken = default) => inner.ExistsAsync(hash, cancellationToken);

        public Task SetRefAsync(string name, string hash, CancellationToken cancellationToken = default) => inner.SetRefAsync(name, hash, cancellationToken);

        public Task<string?> GetRefAsync(string name, CancellationToken cancellationToken = default) => inner.GetRefAsync(name, cancellationToken);
    }
}
