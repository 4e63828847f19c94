using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace DbAgent.Server.Cli;

/// <summary>A file `dbagent check` was asked to check, or a path it could not check and why.</summary>
public sealed record CheckInput(string Path, string? CannotCheck);

/// <summary>
/// The files `dbagent check` reads: the paths given, and the .sql files under the folders given. Nothing here can
/// block or pass over a file in silence: a FIFO, a device or a socket is refused without being opened for a blocking
/// read (opening a FIFO for reading waits for a writer forever), a dangling symbolic link and an unreadable file or
/// folder are named with the reason. The command reports each such path and ends with a non-zero exit code.
/// </summary>
public static class CheckInputs
{
    /// <summary>Larger files are not read: nobody reviews a 100 MB dump as SQL source.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>The inputs under the given paths in a stable order; null (with <paramref name="missing"/>) when a path does not exist at all.</summary>
    public static List<CheckInput>? Enumerate(IEnumerable<string> paths, out string? missing)
    {
        missing = null;
        var inputs = new List<CheckInput>();
        foreach (var path in paths)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: false })
                inputs.Add(new CheckInput(path, $"dangling symbolic link (to {info.LinkTarget})"));
            else if (Directory.Exists(path)) inputs.AddRange(Under(path));
            else if (File.Exists(path)) inputs.Add(new CheckInput(path, null));
            else
            {
                missing = path;
                return null;
            }
        }
        return inputs;
    }

    private static IEnumerable<CheckInput> Under(string directory)
    {
        var found = new List<CheckInput>();
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(current).EnumerateFileSystemInfos().ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                found.Add(new CheckInput(current, $"folder could not be listed: {e.Message}"));
                continue;
            }
            foreach (var entry in entries)
            {
                if (entry.Name is "node_modules" or ".git") continue;
                if (entry is DirectoryInfo sub)
                {
                    // Linked folders are not followed: a link back up would never end.
                    if (sub.LinkTarget is null) pending.Push(sub.FullName);
                    continue;
                }
                if (!entry.Name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)) continue;
                var path = System.IO.Path.Combine(current, entry.Name);
                if (entry.LinkTarget is not null && entry.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true })
                    found.Add(new CheckInput(path, $"dangling symbolic link (to {entry.LinkTarget})"));
                else
                    found.Add(new CheckInput(path, null));
            }
        }
        return found.OrderBy(f => f.Path, StringComparer.Ordinal);
    }

    /// <summary>The text of a file, or why it could not be checked (not a regular file, too large, unreadable), or why it is not SQL text (binary).</summary>
    public static (string? Text, string? CannotCheck, string? NotSql) Read(string file)
    {
        try
        {
            using var stream = OpenWithoutBlocking(file);
            if (!stream.CanSeek) return (null, "not a regular file (a FIFO, a device or a socket): not read", null);
            if (stream.Length > MaxFileBytes) return (null, $"{stream.Length / (1024 * 1024)} MB is larger than the {MaxFileBytes / (1024 * 1024)} MB limit", null);
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            // NUL bytes do not occur in SQL text (UTF-16 files carry a BOM and are decoded below).
            var utf16 = bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF));
            if (!utf16 && Array.IndexOf(bytes, (byte)0) >= 0) return (null, null, "binary content, not SQL text");
            using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true);
            return (reader.ReadToEnd(), null, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"could not be read: {e.Message}", null);
        }
    }

    /// <summary>
    /// On Unix the file is opened with O_NONBLOCK, so that a FIFO without a writer does not hold the open; the handle
    /// then tells whether it is seekable, which only a regular file is.
    /// </summary>
    private static FileStream OpenWithoutBlocking(string file)
    {
        if (OperatingSystem.IsWindows()) return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var nonBlock = OperatingSystem.IsLinux() ? 0x800 : 0x4; // O_NONBLOCK: Linux (x64, arm64) and the BSDs/macOS
        var fd = Open(file, nonBlock); // O_RDONLY is 0
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno is 13 or 1 ? new UnauthorizedAccessException($"permission denied ({file})") : new IOException($"{Marshal.GetPInvokeErrorMessage(errno)} ({file})");
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
