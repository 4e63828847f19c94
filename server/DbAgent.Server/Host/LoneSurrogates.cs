namespace DbAgent.Server.Host;

/// <summary>
/// JSON text may escape a lone UTF-16 surrogate (<c>"\ud800"</c>): JavaScript strings hold them and VS Code sends
/// them as they are. System.Text.Json refuses to read such a string, which would lose the whole message. Each
/// escape of a surrogate that is not half of a pair is rewritten to <c>\ufffd</c> (six bytes for six), so the
/// document keeps its length in UTF-16 units and every position the client sends still points where it did.
/// </summary>
internal static class LoneSurrogates
{
    public static byte[] Replace(byte[] json)
    {
        if (json.AsSpan().IndexOf("\\u"u8) < 0) return json;
        byte[]? copy = null;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (!inString)
            {
                if (b == (byte)'"') inString = true;
                continue;
            }
            if (b == (byte)'"') { inString = false; continue; }
            if (b != (byte)'\\' || i + 1 >= json.Length) continue;
            if (json[i + 1] != (byte)'u') { i++; continue; } // \" \\ \n ...: skip the escaped byte
            if (!TryHex(json, i + 2, out var unit)) { i++; continue; }
            if (char.IsHighSurrogate(unit))
            {
                if (i + 11 < json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u' && TryHex(json, i + 8, out var low) && char.IsLowSurrogate(low))
                {
                    i += 11; // a proper pair
                    continue;
                }
            }
            else if (!char.IsLowSurrogate(unit))
            {
                i += 5;
                continue;
            }
            copy ??= (byte[])json.Clone();
            "\\ufffd"u8.CopyTo(copy.AsSpan(i));
            i += 5;
        }
        return copy ?? json;
    }

    private static bool TryHex(byte[] json, int start, out char unit)
    {
        unit = '\0';
        if (start + 4 > json.Length) return false;
        var value = 0;
        for (var k = 0; k < 4; k++)
        {
            var c = json[start + k];
            var digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0) return false;
            value = value * 16 + digit;
        }
        unit = (char)value;
        return true;
    }
}
