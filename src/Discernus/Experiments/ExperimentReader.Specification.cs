using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Discernus.Experiments;

/// <summary>The specification files (framework, experiment, gold) and the YAML appendix each carries.</summary>
internal sealed partial class ExperimentReader
{
    /// <summary>
    /// The specification files the current <see cref="Read"/> parsed, by absolute path (a file read twice counts once);
    /// shared with the <see cref="CorpusReader"/>, which reads the corpus manifest.
    /// </summary>
    private Dictionary<string, SpecificationFile> _specificationFiles = new(StringComparer.Ordinal);

    private string? ReadSpecificationFile(string path, FindingCollector findings, bool gold = false)
    {
        if (!MayRead(path, findings))
        {
            return null;
        }

        try
        {
            var info = new FileInfo(path);
            if (gold && info.Length > limits.MaxGoldFileBytes)
            {
                findings.Blocking(FindingCodes.GoldFileTooLarge, path, null,
                    $"the gold file is {info.Length:N0} bytes, over the {limits.MaxGoldFileBytes:N0}-byte limit for gold files",
                    "keep one short row per coder, document and dimension (document_id,dimension,score,coder): drop other columns and long notes, or code a sample of the corpus");
                return null;
            }

            if (!gold && info.Length > limits.MaxSpecificationFileBytes)
            {
                findings.Blocking(FindingCodes.FileUnreadable, path, null,
                    $"the file is {info.Length:N0} bytes, over the {limits.MaxSpecificationFileBytes:N0}-byte limit for specification files",
                    "keep only prose and the YAML appendix in it");
                return null;
            }

            var bytes = File.ReadAllBytes(path);
            var fullPath = Path.GetFullPath(path);
            _specificationFiles[fullPath] = new SpecificationFile(fullPath, Content.Hashing.Sha256Hex(bytes));
            var text = new UTF8Encoding(false, true).GetString(bytes).TrimStart('\uFEFF');
            if (text.Contains('\r') && !text.Contains('\n'))
            {
                // Every line would run into one: the appendix (or the header) could not be found, for a reason no other message names.
                findings.Blocking(FindingCodes.OldMacLineEndings, path, null,
                    "the file's lines end in a carriage return alone (classic Mac OS line endings), so it reads as one line",
                    "save it with LF (or CRLF) line endings, e.g. `tr '\\r' '\\n' < file > file.new`, then replace the file");
                return null;
            }

            return text.Replace("\r\n", "\n", StringComparison.Ordinal);
        }
        catch (DecoderFallbackException)
        {
            findings.Blocking(FindingCodes.FileUnreadable, path, null, "the file is not valid UTF-8", "save it as UTF-8");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            findings.Blocking(FindingCodes.FileUnreadable, path, null, $"the file cannot be read: {ex.Message}", "check that it exists and is readable");
        }

        return null;
    }

    /// <summary>SPEC §1: the appendix is the last YAML block that parses and has the expected keys.</summary>
    private YamlParseResult? ChooseAppendix(IReadOnlyList<YamlBlock> blocks, string file, FindingCollector findings,
        Func<YamlMappingNode, bool> hasExpectedKeys, string expected, bool reportMissing = true)
    {
        var parsed = blocks.Select(b => SafeYaml.Parse(b, limits)).ToList();
        var chosen = parsed.LastOrDefault(p => p.Succeeded && hasExpectedKeys(p.Root!));
        var bomb = parsed.FirstOrDefault(p => p.ExceedsLimit);
        if (bomb is not null)
        {
            ReportParseFailure(bomb, file, findings);
            return null;
        }

        if (chosen is not null)
        {
            var laterFailure = parsed.LastOrDefault(p => !p.Succeeded && p.Block.FirstLine > chosen.Block.FirstLine);
            if (laterFailure is not null && LooksLikeAppendix(laterFailure.Block, expected))
            {
                // The broken block is most likely the real appendix: running on an earlier example would be a silent error.
                ReportParseFailure(laterFailure, file, findings);
                return null;
            }

            if (laterFailure is not null)
            {
                findings.Warning(FindingCodes.IgnoredYamlBlock, file, null,
                    $"a later YAML block does not parse ({laterFailure.Error}); the appendix at line {chosen.Block.FirstLine} is used instead",
                    "fix or remove the later block so there is no doubt which appendix counts", laterFailure.ErrorLine, laterFailure.ErrorColumn);
            }

            return chosen;
        }

        if (!reportMissing)
        {
            return null;
        }

        var failure = parsed.LastOrDefault(p => !p.Succeeded);
        if (failure is not null)
        {
            ReportParseFailure(failure, file, findings);
        }
        else
        {
            findings.Blocking(FindingCodes.NoAppendix, file, null,
                $"no YAML appendix with {expected} was found",
                $"end the file with a ```yaml block that holds {expected} (see docs/formats.md)");
        }

        return null;
    }

    /// <summary>Whether a block that does not parse still declares the keys an appendix has (e.g. a top-level `metadata:`).</summary>
    private static bool LooksLikeAppendix(YamlBlock block, string expected) =>
        System.Text.RegularExpressions.Regex.Matches(expected, "`([a-z_]+)`")
            .Select(m => m.Groups[1].Value)
            .Any(key => block.Text.Split('\n').Any(line => line.StartsWith(key + ":", StringComparison.Ordinal)));

    private static void ReportParseFailure(YamlParseResult failure, string file, FindingCollector findings)
    {
        if (failure.LimitCode == FindingCodes.YamlAliasBomb)
        {
            findings.Blocking(FindingCodes.YamlAliasBomb, file, null, failure.Error!,
                "remove the recursive or exponentially nested anchors/aliases (&name / *name)", failure.ErrorLine, failure.ErrorColumn);
            return;
        }

        if (failure.LimitCode == FindingCodes.YamlTooDeep)
        {
            findings.Blocking(FindingCodes.YamlTooDeep, file, null, failure.Error!,
                "flatten the nesting at that position: Discernus files need only a few levels", failure.ErrorLine, failure.ErrorColumn);
            return;
        }

        findings.Blocking(FindingCodes.MalformedYaml, file, null, $"malformed YAML: {failure.Error}",
            "fix the YAML at that line (indentation, a missing ':' or an unclosed quote are the usual causes)", failure.ErrorLine, failure.ErrorColumn);
    }
}
