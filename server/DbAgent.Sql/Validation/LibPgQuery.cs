using System.Runtime.InteropServices;
using System.Text;

namespace DbAgent.Sql.Validation;

/// <summary>An error as libpg_query reports it. <see cref="CursorPosition"/> is 1-based, in characters (code points) of the input (0: no position).</summary>
public sealed record PgQueryError(string Message, int CursorPosition);

/// <summary>The result of <c>pg_query_parse</c>: the parse tree as JSON, or the error.</summary>
public sealed record PgQueryParseResult(string? ParseTreeJson, PgQueryError? Error);

/// <summary>One statement found by <c>pg_query_split_with_parser</c>, in bytes of the UTF-8 input.</summary>
public readonly record struct PgQuerySplitStatement(int ByteOffset, int ByteLength);

/// <summary>
/// PostgreSQL's own parser, through libpg_query (Debian package libpg-query1504.0), loaded at run time and optional:
/// when the library is not there, <see cref="IsAvailable"/> is false and <see cref="UnavailableReason"/> says why.
/// Bound with delegates over <see cref="NativeLibrary.GetExport"/> so that nothing is resolved before it is asked for.
/// </summary>
public static class LibPgQuery
{
    private static readonly string[] Candidates =
    [
        "libpg_query.so.1504.0", "/usr/lib/x86_64-linux-gnu/libpg_query.so.1504.0", "/usr/lib/aarch64-linux-gnu/libpg_query.so.1504.0",
        "libpg_query.so", "libpg_query", "pg_query", "libpg_query.dylib",
    ];

    private static readonly Lazy<Binding?> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string _unavailableReason = "";

    public static bool IsAvailable => Loaded.Value is not null;

    /// <summary>Why libpg_query could not be loaded (empty when it was).</summary>
    public static string UnavailableReason => IsAvailable ? "" : _unavailableReason;

    /// <summary>Parses SQL text with PostgreSQL's grammar. Throws <see cref="InvalidOperationException"/> when the library is absent.</summary>
    public static PgQueryParseResult Parse(string sql) => Parse(ToNullTerminatedUtf8(sql));

    /// <summary>Parses null-terminated UTF-8 bytes (the caller converts once, e.g. in a benchmark).</summary>
    public static PgQueryParseResult Parse(byte[] nullTerminatedUtf8)
    {
        var binding = Loaded.Value ?? throw new InvalidOperationException("libpg_query not available: " + _unavailableReason);
        var native = NativeParserThread.Run(nullTerminatedUtf8.Length, () => binding.Parse(nullTerminatedUtf8));
        try
        {
            return new PgQueryParseResult(PtrToString(native.ParseTree), ReadError(native.Error));
        }
        finally
        {
            binding.FreeParse(native);
        }
    }

    /// <summary>The error PostgreSQL's grammar finds in the text, or null.</summary>
    /// <remarks>
    /// Through <c>pg_query_split_with_parser</c>: it runs the same raw parser as <c>pg_query_parse</c> and reports the
    /// same error, but returns only statement boundaries, where <c>pg_query_parse</c> also writes the whole tree out
    /// as JSON, which was most of its cost on a clean file.
    /// </remarks>
    public static PgQueryError? FindError(string sql)
    {
        var binding = Loaded.Value ?? throw new InvalidOperationException("libpg_query not available: " + _unavailableReason);
        var input = ToNullTerminatedUtf8(sql);
        var native = NativeParserThread.Run(input.Length, () => binding.Split(input));
        try
        {
            return ReadError(native.Error);
        }
        finally
        {
            binding.FreeSplit(native);
        }
    }

    /// <summary>True when PostgreSQL's grammar accepts the text; skips building the managed JSON string.</summary>
    public static bool Accepts(byte[] nullTerminatedUtf8)
    {
        var binding = Loaded.Value ?? throw new InvalidOperationException("libpg_query not available: " + _unavailableReason);
        var native = NativeParserThread.Run(nullTerminatedUtf8.Length, () => binding.Parse(nullTerminatedUtf8));
        var ok = native.Error == IntPtr.Zero;
        binding.FreeParse(native);
        return ok;
    }

    /// <summary>Splits with the parser's statement boundaries; null when the text does not parse.</summary>
    public static IReadOnlyList<PgQuerySplitStatement>? Split(string sql)
    {
        var binding = Loaded.Value ?? throw new InvalidOperationException("libpg_query not available: " + _unavailableReason);
        var input = ToNullTerminatedUtf8(sql);
        var native = NativeParserThread.Run(input.Length, () => binding.Split(input));
        try
        {
            if (native.Error != IntPtr.Zero) return null;
            var result = new List<PgQuerySplitStatement>(native.StatementCount);
            for (var i = 0; i < native.StatementCount; i++)
            {
                var item = Marshal.PtrToStructure<NativeSplitStatement>(Marshal.ReadIntPtr(native.Statements, i * IntPtr.Size));
                result.Add(new PgQuerySplitStatement(item.Location, item.Length));
            }
            return result;
        }
        finally
        {
            binding.FreeSplit(native);
        }
    }

    public static byte[] ToNullTerminatedUtf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, 0);
        return bytes;
    }

    /// <summary>
    /// Converts libpg_query's cursor position to a 0-based UTF-16 offset into <paramref name="text"/>, clamped to it.
    /// The position is 1-based and counts characters (code points), not bytes: PostgreSQL converts the byte offset
    /// with pg_mbstrlen_with_len before reporting it (checked: 'ééé' and '😀' before an error move it by 3 and 1).
    /// </summary>
    public static int CursorToUtf16Offset(string text, int cursorPosition)
    {
        var codePoints = Math.Max(0, cursorPosition - 1);
        var offset = 0;
        while (offset < text.Length && codePoints > 0)
        {
            offset += char.IsHighSurrogate(text[offset]) && offset + 1 < text.Length && char.IsLowSurrogate(text[offset + 1]) ? 2 : 1;
            codePoints--;
        }
        return offset;
    }

    /// <summary>Converts a byte offset into the UTF-8 form of <paramref name="text"/> (as parse-tree locations are) to a UTF-16 offset.</summary>
    public static int Utf8ByteToUtf16Offset(string text, int byteOffset)
    {
        var bytes = Math.Max(0, byteOffset);
        var offset = 0;
        while (offset < text.Length && bytes > 0)
        {
            var c = text[offset];
            if (char.IsHighSurrogate(c) && offset + 1 < text.Length && char.IsLowSurrogate(text[offset + 1])) { bytes -= 4; offset += 2; }
            else { bytes -= c < 0x80 ? 1 : c < 0x800 ? 2 : 3; offset++; }
        }
        return offset;
    }

    private static PgQueryError? ReadError(IntPtr error)
    {
        if (error == IntPtr.Zero) return null;
        var e = Marshal.PtrToStructure<NativeError>(error);
        return new PgQueryError(PtrToString(e.Message) ?? "syntax error", e.CursorPosition);
    }

    private static string? PtrToString(IntPtr p) => p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);

    private static Binding? Load()
    {
        foreach (var name in Candidates)
        {
            if (!NativeLibrary.TryLoad(name, typeof(LibPgQuery).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out var handle)
                && !NativeLibrary.TryLoad(name, out handle))
                continue;
            try
            {
                return new Binding(
                    NativeLibrary.GetExport(handle, "pg_query_parse"),
                    NativeLibrary.GetExport(handle, "pg_query_free_parse_result"),
                    NativeLibrary.GetExport(handle, "pg_query_split_with_parser"),
                    NativeLibrary.GetExport(handle, "pg_query_free_split_result"));
            }
            catch (EntryPointNotFoundException e)
            {
                _unavailableReason = $"{name} lacks {e.Message}";
            }
        }
        if (_unavailableReason.Length == 0)
            _unavailableReason = "libpg_query not found (install the libpg-query1504.0 package for exact PostgreSQL syntax errors).";
        return null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeParseResult
    {
        public IntPtr ParseTree;
        public IntPtr StderrBuffer;
        public IntPtr Error;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeError
    {
        public IntPtr Message;
        public IntPtr FunctionName;
        public IntPtr FileName;
        public int LineNumber;
        public int CursorPosition;
        public IntPtr Context;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeSplitStatement
    {
        public int Location;
        public int Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeSplitResult
    {
        public IntPtr Statements;
        public int StatementCount;
        public IntPtr StderrBuffer;
        public IntPtr Error;
    }

    /// <summary>
    /// The four entry points, called through unmanaged function pointers: no marshalling stub between us and the
    /// library (the arguments and results are blittable), so that timing it measures libpg_query, not the call.
    /// </summary>
    private sealed unsafe class Binding(IntPtr parse, IntPtr freeParse, IntPtr split, IntPtr freeSplit)
    {
        public NativeParseResult Parse(byte[] nullTerminatedUtf8)
        {
            fixed (byte* input = nullTerminatedUtf8)
                return ((delegate* unmanaged[Cdecl]<byte*, NativeParseResult>)parse)(input);
        }

        public void FreeParse(NativeParseResult result) => ((delegate* unmanaged[Cdecl]<NativeParseResult, void>)freeParse)(result);

        public NativeSplitResult Split(byte[] nullTerminatedUtf8)
        {
            fixed (byte* input = nullTerminatedUtf8)
                return ((delegate* unmanaged[Cdecl]<byte*, NativeSplitResult>)split)(input);
        }

        public void FreeSplit(NativeSplitResult result) => ((delegate* unmanaged[Cdecl]<NativeSplitResult, void>)freeSplit)(result);
    }

}
