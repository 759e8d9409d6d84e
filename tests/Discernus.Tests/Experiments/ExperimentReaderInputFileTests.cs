using Discernus.Experiments;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

/// <summary>
/// Odd files where an experiment expects plain ones, found in review: pipes that hang the reader, names the OS
/// refuses or hands back undecodable, a zip bomb, links out of the folder. Each is a finding, never a hang or an exception.
/// </summary>
public sealed class ExperimentReaderInputFileTests
{
    /// <summary>A hang is the failure under test: wait with a bound so a regression fails instead of stalling the suite.</summary>
    private static async Task<ValidationReport> ReadAsync(string path, ExperimentLimits? limits = null) =>
        await Task.Run(() => new ExperimentReader(limits ?? new ExperimentLimits()).Read(path)).WaitAsync(TimeSpan.FromSeconds(60));

    [Theory]
    [InlineData("corpus/mill_road_complaint.txt", "corpus/mill_road_complaint.txt")]
    [InlineData("experiment.md", "experiment.md")]
    // The framework and the corpus manifest are named by the experiment: the finding points at that field.
    [InlineData("corpus.md", "experiment.md:")]
    [InlineData("framework.md", "experiment.md:")]
    public async Task Fifo_IsABlockingFinding_NamingIt_NotAHang(string file, string location)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        UnixFiles.MakeFifo(temp.File(file));

        var report = await ReadAsync(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.NotRegularFile);
        Assert.StartsWith(location, finding.Location);
        Assert.Contains("named pipe (FIFO)", finding.Message);
        Assert.Contains(Path.GetFileName(file), finding.Location + finding.Message);
        Assert.Equal(5, report.ExitCode);
    }

    [Fact]
    public async Task FifoNamedAsTheFrameworkComponent_IsAFindingAtTheComponentField()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "framework: framework.md", "framework: framework");
        UnixFiles.MakeFifo(temp.File("framework"));

        var report = await ReadAsync(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.NotRegularFile);
        Assert.Equal("experiment.md", finding.File);
        Assert.Equal("components.framework", finding.Field);
        Assert.Contains("'framework' is a named pipe (FIFO)", finding.Message);
    }

    [Fact]
    public async Task SocketInACorpusWithoutDocumentsList_IsABlockingFinding()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Valid("corpus_without_documents"));
        // Kept open: .NET removes the socket file when the socket closes.
        using var socket = UnixFiles.MakeSocket(temp.File("corpus/listening.txt"));

        var report = await ReadAsync(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.NotRegularFile);
        Assert.Equal("corpus/listening.txt", finding.File);
        Assert.Contains("a socket", finding.Message);
    }

    [Fact]
    public async Task FolderWhereTheFrameworkFileShouldBe_IsAFinding_NotMissing()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Delete(temp.File("framework.md"));
        Directory.CreateDirectory(temp.File("framework.md"));

        var report = await ReadAsync(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.FileUnreadable);
        Assert.Equal("components.framework", finding.Field);
        Assert.Contains("'framework.md' is a folder, where a regular file is expected", finding.Message);
    }

    [Fact]
    public async Task FolderNamedExperimentMd_IsAFinding()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Delete(temp.File("experiment.md"));
        Directory.CreateDirectory(temp.File("experiment.md"));

        var report = await ReadAsync(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.FileUnreadable);
        Assert.Equal("experiment.md", finding.File);
        Assert.Contains("folder, where a file is expected", finding.Message);
    }

    [Theory]
    [InlineData("\"mill\\0road.txt\"", "mill\\0road.txt")]
    [InlineData("\"\\x00.txt\"", "\\0.txt")]
    public async Task ManifestFileNameTheOsCannotTake_IsAFindingAtTheEntry_NotAnException(string yaml, string shown)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("corpus.md", "filename: mill_road_complaint.txt", $"filename: {yaml}");

        var report = await ReadAsync(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.InvalidFileName);
        Assert.Equal("corpus.md", finding.File);
        Assert.Equal("documents.filename", finding.Field);
        Assert.Equal(LineNumberOf(temp.File("corpus.md"), $"  - filename: {yaml}"), finding.Line);
        Assert.Contains($"'{shown}'", finding.Message);
    }

    [Fact]
    public async Task ComponentPathWithANul_IsAFindingAtTheField()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "corpus: corpus.md", "corpus: \"corpus\\0.md\"");

        var report = await ReadAsync(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.InvalidFileName);
        Assert.Equal("components.corpus", finding.Field);
        Assert.Contains("'corpus\\0.md'", finding.Message);
    }

    [Fact]
    public async Task ExperimentPathWithANul_IsAFinding_NotAnException()
    {
        var report = await ReadAsync(TestPaths.Project("nano") + "\0/x");

        var finding = SingleBlocking(report, FindingCodes.ExperimentNotFound);
        Assert.Contains("no file system allows", finding.Message);
        Assert.Contains("\\0", finding.File);
        Assert.Equal(3, report.ExitCode);
    }

    [Fact]
    public async Task CorpusFileWhoseNameIsNotUtf8_IsAFinding_NotAnException()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Valid("corpus_without_documents"));
        // Latin-1 "café.txt": Linux keeps the bytes, .NET can only show them as U+FFFD, a name that opens nothing.
        byte[] latin1Name = [0x63, 0x61, 0x66, 0xE9, 0x2E, 0x74, 0x78, 0x74];
        UnixFiles.CreateWithRawName(temp.File("corpus"), latin1Name, "A wonderful text.\n");

        ValidationReport report;
        try
        {
            report = await ReadAsync(temp.Path);
        }
        finally
        {
            // Directory.Delete cannot remove it either: it too knows the name only as U+FFFD.
            UnixFiles.DeleteWithRawName(temp.File("corpus"), latin1Name);
        }

        var finding = SingleBlocking(report, FindingCodes.InvalidFileName);
        Assert.Equal("corpus/caf\uFFFD.txt", finding.File);
        Assert.Contains("rename", finding.Fix);
    }

    [Theory]
    [InlineData("experiment.md")]
    [InlineData("framework.md")]
    [InlineData("corpus.md")]
    public async Task SpecificationFileLinkedFromOutside_IsRefused_TheSameWayForEveryFile(string file)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Move(temp.File(file), temp.Outside(file));
        File.CreateSymbolicLink(temp.File(file), temp.Outside(file));

        var report = await ReadAsync(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.PathEscapes);
        Assert.Contains(file, finding.Location + finding.Message);
        Assert.Contains("symbolic link that leads outside the experiment folder", finding.Message);
        Assert.Equal(5, report.ExitCode);
    }

    [Fact]
    public async Task ExperimentYamlLinkedFromOutside_IsRefused()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("academic_discourse"));
        File.Move(temp.File("experiment.yaml"), temp.Outside("experiment.yaml"));
        File.CreateSymbolicLink(temp.File("experiment.yaml"), temp.Outside("experiment.yaml"));

        var report = await ReadAsync(temp.Path);

        Assert.Equal("experiment.yaml", SingleBlocking(report, FindingCodes.PathEscapes).File);
    }

    [Fact]
    public async Task AlphaCorpusManifestLinkedFromOutside_IsRefused()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("academic_discourse"));
        File.Move(temp.File("corpus/corpus.md"), temp.Outside("corpus.md"));
        File.CreateSymbolicLink(temp.File("corpus/corpus.md"), temp.Outside("corpus.md"));

        var report = await ReadAsync(temp.Path);

        Assert.Equal("corpus/corpus.md", SingleBlocking(report, FindingCodes.PathEscapes).File);
    }

    [Fact]
    public async Task ExperimentMdLinkedWithinTheFolder_IsStillAccepted()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        Directory.CreateDirectory(temp.File("drafts"));
        File.Move(temp.File("experiment.md"), temp.File("drafts/experiment.md"));
        File.CreateSymbolicLink(temp.File("experiment.md"), "drafts/experiment.md");

        Valid(await ReadAsync(temp.Path));
    }

    [Fact]
    public async Task DocxZipBombInTheCorpus_IsABlockingFinding_NamingTheFileAndTheSetting()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Delete(temp.File("corpus/mill_road_complaint.txt"));
        // The review's 320 MB bomb against the default limits is in DocumentTextExtractorTests; here a smaller one and limit.
        File.WriteAllBytes(temp.File("corpus/mill_road_complaint.docx"), DocxBuilder.TextBomb(megabytes: 20));
        temp.Replace("corpus.md", "filename: mill_road_complaint.txt", "filename: mill_road_complaint.docx");

        var report = await ReadAsync(temp.Path, new ExperimentLimits { MaxExtractedChars = 1_000_000 });

        var finding = SingleBlocking(report, FindingCodes.ExtractedTextTooLarge);
        Assert.Equal("corpus/mill_road_complaint.docx", finding.File);
        Assert.Contains("unzips to more than 10,000,000 bytes", finding.Message);
        Assert.Contains("DISCERNUS_MAX_EXTRACTED_CHARS", finding.Fix);
        Assert.Equal(5, report.ExitCode);
    }

    [Fact]
    public async Task ValidExperiment_CarriesTheLimitsItWasReadUnder_ForRunSetup()
    {
        var limits = new ExperimentLimits { MaxExtractedChars = 12_345 };

        var report = await ReadAsync(TestPaths.Project("nano"), limits);

        Valid(report);
        Assert.Equal(12_345, report.Experiment!.Limits.MaxExtractedChars);
    }
    public static TheoryData<string, string> OddFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "experiment.md", "framework.md", "corpus.md", "corpus/library_reading_room_praise.txt" })
        {
            foreach (var kind in new[] { "fifo", "socket", "folder", "dangling link", "link loop", "link to a device", "empty" })
            {
                // An empty corpus manifest is allowed: every file under corpus/ is then a document (with a warning).
                if (!(file == "corpus.md" && kind == "empty"))
                {
                    data.Add(file, kind);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OddFiles))]
    public async Task AnyOddFileInPlaceOfAnInput_GivesABlockingFinding_NeverAnExceptionOrAHang(string file, string kind)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var path = temp.File(file);
        File.Delete(path);
        using var socket = kind == "socket" ? UnixFiles.MakeSocket(path) : null;
        switch (kind)
        {
            case "fifo":
                UnixFiles.MakeFifo(path);
                break;
            case "folder":
                Directory.CreateDirectory(path);
                break;
            case "dangling link":
                File.CreateSymbolicLink(path, "nothing-here.md");
                break;
            case "link loop":
                File.CreateSymbolicLink(path, Path.GetFileName(path));
                break;
            case "link to a device":
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
        }

        var report = await ReadAsync(temp.Path);

        Assert.True(report.Blocking.Any(), $"{kind} as {file}: no blocking finding\n{Describe(report)}");
        Assert.All(report.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Fix)));
    }
}
