using System.Text.Json.Nodes;
using Discernus.Coordination;

namespace Discernus.Tests.Coordination;

public sealed class TaskContractReaderTests
{
    private static readonly AnalyseDocumentTask Analyse = new()
    {
        RunId = "run1",
        TaskId = "run1:analyse_document:1",
        FrameworkHash = "f1",
        DocumentHash = "d1",
        DocumentName = "speech.txt",
        PromptHash = "p1",
        Model = "openai/gpt-4o-mini",
        Params = new AnalysisParams { Run = 2, Temperature = 0.2, AnalysisVariant = "default", CorpusDocumentId = "doc1" },
    };

    [Fact]
    public void Serialize_WritesTheSnakeCaseContractOfTheArchitecture()
    {
        var json = JsonNode.Parse(CoordinationJson.Serialize(Analyse))!.AsObject();

        string[] expected = ["task_type", "run_id", "task_id", "framework_hash", "document_hash", "document_name", "prompt_hash", "model", "params"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), json.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("analyse_document", (string?)json["task_type"]);
        Assert.Equal(2, (int?)json["params"]!["run"]);
        Assert.Equal("doc1", (string?)json["params"]!["corpus_document_id"]);
    }

    [Fact]
    public void Read_ReturnsTheContract_WhenEveryFieldIsThere()
    {
        var result = TaskContractReader.Read<AnalyseDocumentTask>(CoordinationJson.Serialize(Analyse));

        Assert.True(result.IsValid);
        Assert.Equal(Analyse with { Params = result.Contract!.Params }, result.Contract);
        Assert.Equal(0.2, result.Contract.Params.Temperature);
    }

    [Fact]
    public void Read_NamesTheMissingField()
    {
        var json = Without(CoordinationJson.Serialize(Analyse), "document_hash");

        var result = TaskContractReader.Read<AnalyseDocumentTask>(json);

        Assert.False(result.IsValid);
        Assert.Equal("task contract analyse_document is missing field 'document_hash'", result.Error);
        Assert.Equal("document_hash", result.Field);
    }

    [Fact]
    public void Read_NamesAnEmptyField()
    {
        var result = TaskContractReader.Read<AnalyseDocumentTask>(CoordinationJson.Serialize(Analyse with { PromptHash = " " }));

        Assert.Equal("task contract analyse_document has an empty field 'prompt_hash'", result.Error);
    }

    [Fact]
    public void Read_NamesAMissingObjectField()
    {
        var result = TaskContractReader.Read<AnalyseDocumentTask>(Without(CoordinationJson.Serialize(Analyse), "params"));

        Assert.Equal("task contract analyse_document is missing field 'params'", result.Error);
    }

    [Fact]
    public void Read_RejectsATaskTypeMismatch()
    {
        var result = TaskContractReader.Read<GenerateReportTask>(CoordinationJson.Serialize(Analyse));

        Assert.False(result.IsValid);
        Assert.Equal("task_type", result.Field);
        Assert.Contains("\"analyse_document\"", result.Error, StringComparison.Ordinal);
        Assert.Contains("expected 'generate_report'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsAMissingTaskType()
    {
        var result = TaskContractReader.Read<AnalyseDocumentTask>(Without(CoordinationJson.Serialize(Analyse), "task_type"));

        Assert.Equal("task contract analyse_document is missing field 'task_type'", result.Error);
    }

    [Fact]
    public void Read_NamesAFieldOfTheWrongType()
    {
        var node = JsonNode.Parse(CoordinationJson.Serialize(Analyse))!;
        node["params"]!["run"] = "first";

        var result = TaskContractReader.Read<AnalyseDocumentTask>(node.ToJsonString());

        Assert.False(result.IsValid);
        Assert.Equal("params.run", result.Field);
    }

    [Fact]
    public void Read_RejectsAnEmptyReferenceToTheAnalysisResults()
    {
        var synthesis = new SynthesizeResultsTask
        {
            RunId = "run1",
            TaskId = "run1:synthesize_results:1",
            AnalysisResultsIndex = "",
            AnalysisResultCount = 0,
            FrameworkHash = "f",
            PromptHash = "p",
            Model = "lexicon",
        };

        var result = TaskContractReader.Read<SynthesizeResultsTask>(CoordinationJson.Serialize(synthesis));

        Assert.Equal("task contract synthesize_results has an empty field 'analysis_results_index'", result.Error);
    }

    [Theory]
    [InlineData("", "task contract generate_report is empty")]
    [InlineData("{not json", "task contract generate_report is not valid JSON")]
    [InlineData("[1]", "task contract generate_report is not a JSON object")]
    public void Read_ExplainsUnreadableInput(string json, string expectedStart)
    {
        var result = TaskContractReader.Read<GenerateReportTask>(json);

        Assert.StartsWith(expectedStart, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GetOrThrow_ThrowsWithTheFieldNamed()
    {
        var result = TaskContractReader.Read<AnalyseDocumentTask>(Without(CoordinationJson.Serialize(Analyse), "model"));

        var error = Assert.Throws<TaskContractException>(() => result.GetOrThrow());
        Assert.Equal("model", error.Field);
        Assert.Contains("'model'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCompletionSignal_RejectsAnUnknownStatus()
    {
        var result = TaskContractReader.ReadCompletionSignal("{\"task_id\":\"r:analyse_document:1\",\"status\":\"done\"}");

        Assert.Equal("status", result.Field);
        Assert.Contains("'succeeded' or 'failed'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRunRequest_NamesTheMissingField()
    {
        var result = TaskContractReader.ReadRunRequest("{\"run_id\":\"20261124T101500Z\",\"experiment_path\":\"/p\"}");

        Assert.Equal("run request is missing field 'run_folder'", result.Error);
    }

    [Fact]
    public void AnalysisParams_KeepsFieldsItDoesNotKnow()
    {
        var node = JsonNode.Parse(CoordinationJson.Serialize(Analyse))!;
        node["params"]!["seed"] = 42;

        var contract = TaskContractReader.Read<AnalyseDocumentTask>(node.ToJsonString()).GetOrThrow();
        var written = JsonNode.Parse(CoordinationJson.Serialize(contract))!;

        Assert.Equal(42, (int?)written["params"]!["seed"]);
    }

    [Fact]
    public void PeekTaskType_ReadsTheTaskTypeForDispatch()
    {
        Assert.Equal(TaskTypes.AnalyseDocument, TaskContractReader.PeekTaskType(CoordinationJson.Serialize(Analyse)));
        Assert.Null(TaskContractReader.PeekTaskType("{oops"));
    }

    private static string Without(string json, string field)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove(field);
        return node.ToJsonString();
    }
}
