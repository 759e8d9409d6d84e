using Discernus.Coordination;

namespace Discernus.Tests.Coordination;

public sealed class TaskIdsTests
{
    [Fact]
    public void Build_JoinsRunTypeAndNumber()
    {
        Assert.Equal("20261124T101500Z:analyse_document:3", TaskIds.Build("20261124T101500Z", TaskTypes.AnalyseDocument, 3));
    }

    [Fact]
    public void TryParse_ReadsWhatBuildWrote()
    {
        var id = TaskIds.Build("20261124T101500Z-a1", TaskTypes.SynthesizeResults, 12);

        Assert.True(TaskIds.TryParse(id, out var parts));
        Assert.Equal(new TaskIdParts("20261124T101500Z-a1", TaskTypes.SynthesizeResults, 12), parts);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("20261124T101500Z")]
    [InlineData("run:analyse_document")]
    [InlineData("run:analyse_document:x")]
    [InlineData("run:analyse_document:-1")]
    [InlineData("run::1")]
    [InlineData("a:b:c:1")]
    public void TryParse_RejectsAnythingElse(string? text)
    {
        Assert.False(TaskIds.TryParse(text, out _));
    }

    [Theory]
    [InlineData("run:1", "analyse_document")]
    [InlineData("run", "analyse:document")]
    [InlineData(" ", "analyse_document")]
    public void Build_RejectsPartsThatWouldNotParseBack(string runId, string taskType)
    {
        Assert.ThrowsAny<ArgumentException>(() => TaskIds.Build(runId, taskType, 1));
    }
}
