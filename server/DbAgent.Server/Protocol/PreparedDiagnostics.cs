using System.Text.Json;

namespace DbAgent.Server.Protocol;

/// <summary>
/// The diagnostics of one publishDiagnostics as objects (for whoever reads them in process) and as the JSON array the
/// host's serializer would write for them, made ahead by the diagnostics publisher. The notification's serializer
/// copies that JSON as it is (<see cref="DiagnosticListConverter"/>) instead of walking thousands of objects on every
/// keystroke.
/// </summary>
public sealed class PreparedDiagnostics(Diagnostic[] diagnostics, ReadOnlyMemory<byte> json) : IReadOnlyList<Diagnostic>
{
    /// <summary>The JSON array, byte for byte what the host's serializer writes for <see cref="Diagnostic"/>s.</summary>
    public ReadOnlyMemory<byte> Json { get; } = json;

    public Diagnostic this[int index] => diagnostics[index];
    public int Count => diagnostics.Length;
    public IEnumerator<Diagnostic> GetEnumerator() => ((IEnumerable<Diagnostic>)diagnostics).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => diagnostics.GetEnumerator();
}

/// <summary>
/// Writes <see cref="PublishDiagnosticsParams.Diagnostics"/>: a <see cref="PreparedDiagnostics"/> as its JSON, any other
/// list as the serializer would. Reads a plain list.
/// </summary>
public sealed class DiagnosticListConverter : System.Text.Json.Serialization.JsonConverter<IReadOnlyList<Diagnostic>>
{
    public override IReadOnlyList<Diagnostic>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<List<Diagnostic>>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<Diagnostic> value, JsonSerializerOptions options)
    {
        if (value is PreparedDiagnostics { Json.IsEmpty: false } prepared)
            writer.WriteRawValue(prepared.Json.Span, skipInputValidation: true);
        else
            JsonSerializer.Serialize(writer, value.ToArray(), options);
    }
}
