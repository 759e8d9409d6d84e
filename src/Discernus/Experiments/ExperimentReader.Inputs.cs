namespace Discernus.Experiments;

internal sealed partial class ExperimentReader
{
    /// <summary>
    /// The gate every file passes before it is opened: it must be a regular file (a FIFO would block the read, a
    /// device would never end), and its real location must be inside the experiment folder, the same rule for the
    /// experiment file, the framework, the corpus manifest and the documents. False, with a finding, when it is not.
    /// </summary>
    private static bool MayRead(string path, FindingCollector findings, bool checkContainment = true)
    {
        if (checkContainment && !SafePaths.ResolvesInside(findings.ExperimentDirectory, path))
        {
            findings.Blocking(FindingCodes.PathEscapes, path, null,
                "the file is (or passes through) a symbolic link that leads outside the experiment folder",
                "replace the link with a copy of the file");
            return false;
        }

        var kind = FileKinds.Of(path);
        switch (kind)
        {
            case FileKind.Regular:
                return true;
            case FileKind.Missing when Path.GetFileName(path).Contains('\uFFFD', StringComparison.Ordinal):
                // Linux hands back names as bytes; bytes that are not UTF-8 come to us as U+FFFD, a name that opens nothing.
                findings.Blocking(FindingCodes.InvalidFileName, path, null,
                    "the file name is not valid UTF-8 text, so the file cannot be opened by its name",
                    "rename the file, e.g. `convmv -f latin1 -t utf8 --notest <file>`, or give it a plain ASCII name");
                return false;
            case FileKind.Missing:
                findings.Blocking(FindingCodes.FileMissing, path, null,
                    "the file disappeared while the experiment was being read (removed or renamed)",
                    "check that nothing else changes the experiment folder, then validate again");
                return false;
            case FileKind.Directory:
                findings.Blocking(FindingCodes.FileUnreadable, path, null, "this is a folder, where a file is expected",
                    "put a file there, or correct the name that points to it");
                return false;
            case FileKind.Inaccessible:
                findings.Blocking(FindingCodes.FileUnreadable, path, null, "a folder on the way to this file may not be searched (permission denied)",
                    "give yourself search (x) permission on the folders of the experiment, e.g. `chmod -R u+rX <experiment>`");
                return false;
            default:
                findings.Blocking(FindingCodes.NotRegularFile, path, null,
                    $"this is {FileKinds.Describe(kind)}, not a regular file; only regular files are read, since reading a pipe or a device can block or never end",
                    "replace it with a regular file holding the content");
                return false;
        }
    }
}
