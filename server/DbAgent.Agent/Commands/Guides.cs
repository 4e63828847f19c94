using DbAgent.Sql;

namespace DbAgent.Agent.Commands;

/// <summary>
/// The canned guides of the slash commands (/backup, /scaling) per engine: markdown files in Commands/Guides,
/// embedded in the assembly as the rule docs are, so the prose is edited as prose.
/// </summary>
internal static class Guides
{
    private const string Prefix = "DbAgent.Agent.Commands.Guides.";

    /// <summary>`Guides/&lt;command&gt;-&lt;dialect&gt;.md`, without the file's final line break.</summary>
    public static string Read(string command, SqlDialect dialect)
    {
        var name = $"{Prefix}{command}-{dialect.ToName()}.md";
        using var stream = typeof(Guides).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The guide {name} is not embedded in {typeof(Guides).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().ReplaceLineEndings("\n");
        return text.EndsWith('\n') ? text[..^1] : text;
    }
}
