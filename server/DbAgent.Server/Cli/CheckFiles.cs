using System.Text;

namespace DbAgent.Server.Cli;

/// <summary>
/// Which files `dbagent check` reads and how: the one place that enumerates folders and reads file text, so that
/// the rules about special files (too large, binary, unreadable) live together.
/// </summary>
public static class CheckFiles
{
    /// <summary>Larger files are reported and skipped: nobody reviews a 100 MB dump as SQL source.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>The .sql files under a folder, in ordinal order, leaving out node_modules and .git.</summary>
    public static IEnumerable<string> SqlFilesUnder(string directory, TextWriter error)
    {
        var enumeration = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MatchCasing = MatchCasing.CaseInsensitive, AttributesToSkip = FileAttributes.ReparsePoint };
        List<string> files;
        try
        {
            files = Directory.EnumerateFiles(directory, "*.sql", enumeration)
                .Where(f => !f.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part is "node_modules" or ".git"))
                .Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{directory}: could not be listed: {e.Message}");
            return [];
        }
        return files;
    }

    /// <summary>The text of a file, or why it is not SQL text we can read (too large, binary, unreadable).</summary>
    public static (string? Text, string? WhyNot) Read(string file)
    {
        try
        {
            var length = new FileInfo(file).Length;
            if (length > MaxFileBytes) return (null, $"{length / (1024 * 1024)} MB is larger than the {MaxFileBytes / (1024 * 1024)} MB limit");
            var bytes = File.ReadAllBytes(file);
            // NUL bytes do not occur in SQL text (UTF-16 files carry a BOM and are decoded below).
            var utf16 = bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF));
            if (!utf16 && Array.IndexOf(bytes, (byte)0) >= 0) return (null, "binary content, not SQL text");
            using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true);
            return (reader.ReadToEnd(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, e.Message);
        }
    }
}
