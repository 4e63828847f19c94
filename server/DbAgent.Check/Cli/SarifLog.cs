using System.Text.Json;
using System.Text.Json.Nodes;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;

namespace DbAgent.Server.Cli;

/// <summary>
/// `dbagent check --format sarif`: a SARIF 2.1.0 log as GitHub code scanning reads it: one run, the driver's rules
/// (every rule, with its help text and help URI), and one result per finding with a region and a fingerprint.
/// Written with System.Text.Json because the SARIF SDK does not restore from our registry.
/// </summary>
public static class SarifLog
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static string Write(IReadOnlyList<CheckCommand.Reported> findings, Uri? docsBaseUri)
    {
        var rules = RuleCatalog.All;
        var index = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.OrdinalIgnoreCase);
        var ruleNodes = new JsonArray();
        foreach (var rule in rules)
        {
            var node = new JsonObject
            {
                ["id"] = rule.Id,
                ["name"] = string.Concat(rule.Id.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..])),
                ["shortDescription"] = new JsonObject { ["text"] = rule.Title },
                ["fullDescription"] = new JsonObject { ["text"] = rule.Message },
                ["defaultConfiguration"] = new JsonObject { ["level"] = Level(rule.DefaultSeverity), ["enabled"] = rule.EnabledByDefault },
                ["properties"] = new JsonObject
                {
                    ["tags"] = new JsonArray(rule.Category.ToString().ToLowerInvariant()),
                    ["engines"] = new JsonArray(rule.Engines.Count == 0 ? ["all"] : rule.Engines.Select(e => (JsonNode)JsonValue.Create(e.ToString().ToLowerInvariant())!).ToArray()),
                },
            };
            if (RuleDocumentation.UriFor(rule.Id, docsBaseUri) is { } help) node["helpUri"] = help.AbsoluteUri;
            if (rule.Documentation is { Length: > 0 } doc) node["help"] = new JsonObject { ["text"] = rule.Message, ["markdown"] = doc };
            ruleNodes.Add((JsonNode)node); // the JsonNode overload: the generic one serialises by reflection
        }

        var results = new JsonArray();
        foreach (var f in findings)
        {
            var result = new JsonObject
            {
                ["ruleId"] = f.Rule,
                ["level"] = Level(Enum.Parse<FindingSeverity>(f.Severity, ignoreCase: true)),
                ["message"] = new JsonObject { ["text"] = f.Message },
                ["locations"] = new JsonArray(new JsonObject
                {
                    ["physicalLocation"] = new JsonObject
                    {
                        ["artifactLocation"] = new JsonObject { ["uri"] = ArtifactUri(f.File), ["uriBaseId"] = "%SRCROOT%" },
                        ["region"] = new JsonObject
                        {
                            ["startLine"] = f.Line, ["startColumn"] = f.Column, ["endLine"] = f.EndLine, ["endColumn"] = Math.Max(f.EndColumn, f.Line == f.EndLine ? f.Column : 1),
                        },
                    },
                }),
                // v2: XxHash128 (v1 was SHA-256); the key names the algorithm so that code scanning never compares across them.
                ["partialFingerprints"] = new JsonObject { ["dbagentFindingHash/v2"] = f.Fingerprint },
            };
            if (index.TryGetValue(f.Rule, out var i)) result["ruleIndex"] = i;
            results.Add((JsonNode)result);
        }

        var log = new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "dbagent",
                        ["semanticVersion"] = ProductVersion.Current,
                        ["informationUri"] = RuleDocumentation.DefaultBaseUri?.AbsoluteUri is { } local && docsBaseUri is null ? local : (docsBaseUri ?? new Uri("urn:dbagent")).AbsoluteUri,
                        ["rules"] = ruleNodes,
                    },
                },
                ["originalUriBaseIds"] = new JsonObject { ["%SRCROOT%"] = new JsonObject { ["uri"] = new Uri(Environment.CurrentDirectory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).AbsoluteUri } },
                ["columnKind"] = "utf16CodeUnits",
                ["results"] = results,
            }),
        };
        return log.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Level(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Error => "error",
        FindingSeverity.Warning => "warning",
        _ => "note",
    };

    /// <summary>A relative path as a URI reference (forward slashes, escaped); an absolute one as a file: URI.</summary>
    private static string ArtifactUri(string file) =>
        Path.IsPathRooted(file)
            ? new Uri(file).AbsoluteUri
            : string.Join('/', file.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));
}
