using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using DbAgent.Server.Host;

namespace DbAgent.Server.Tests.Product;

/// <summary>
/// One analysis pipeline, below the LSP layer: `dbagent check` and `dbagent advise` reach findings (plan findings
/// among them) through the Analysis and Databases layers and the settings, never through the language server's
/// feature handlers, host, documents or protocol. Checked on the compiled `dbagent.dll`: every type, member and field
/// that an instruction of the command-line code names (its async state machines and lambdas included). `LspCommand`
/// is the one command-line class whose job is to start the LSP host. The same scan over the host must find its
/// feature references (that is what shows the scan can fail), and the editor's plan runners and the CLI must call
/// the same plan-findings code.
/// </summary>
[TestFixture]
public sealed class LayeringTests
{
    private static readonly string[] LspNamespaces = ["DbAgent.Server.Features", "DbAgent.Server.Host", "DbAgent.Server.Documents", "DbAgent.Server.Protocol"];

    private static string ServerAssembly => Path.Combine(Path.GetDirectoryName(typeof(LanguageServerHost).Assembly.Location)!, "dbagent.dll");

    /// <summary>`dbagent check` lives in DbAgent.Check, which the native checker compiles without the server.</summary>
    private static string CheckAssembly => typeof(DbAgent.Server.Cli.CheckCommand).Assembly.Location;

    private static bool IsLsp(string ns) => LspNamespaces.Any(l => ns == l || ns.StartsWith(l + ".", StringComparison.Ordinal));

    [Test]
    public void The_command_line_reaches_no_LSP_feature_host_document_or_protocol_type()
    {
        var references = References(ServerAssembly, type => type.Namespace == "DbAgent.Server.Cli" && type.Name != "LspCommand")
            .Concat(References(CheckAssembly, _ => true)).ToList();
        Assert.That(references.Select(r => r.From), Has.Some.EqualTo("CheckCommand"), "the scan saw the check command");
        Assert.That(references.Select(r => r.From), Has.Some.EqualTo("AdviseCommand"), "the scan saw the advise command");
        var lsp = references.Where(r => IsLsp(r.Namespace)).Select(r => $"{r.From} -> {r.Namespace}.{r.Type}").Distinct().ToList();
        Assert.That(lsp, Is.Empty);
    }

    [Test]
    public void The_same_scan_finds_the_feature_references_of_the_LSP_host()
    {
        var references = References(ServerAssembly, type => type.Namespace == "DbAgent.Server.Host");
        Assert.That(references.Where(r => r.Namespace.StartsWith("DbAgent.Server.Features", StringComparison.Ordinal)), Is.Not.Empty);
    }

    [Test]
    public void The_editor_and_the_check_command_take_plan_findings_from_the_same_code_in_the_databases_layer()
    {
        const string planner = "DbAgent.Databases.Plans.StatementPlanner";
        var cli = References(CheckAssembly, type => type.Name == "CheckCommand");
        var editor = References(ServerAssembly, type => type.Name is "ConnectionPlanRunner" or "SessionPlanRunner" or "PlanDiagnostics");
        Assert.Multiple(() =>
        {
            Assert.That(cli.Select(r => $"{r.Namespace}.{r.Type}"), Has.Some.EqualTo(planner));
            Assert.That(editor.Select(r => $"{r.Namespace}.{r.Type}"), Has.Some.EqualTo(planner));
            Assert.That(typeof(DbAgent.Databases.Plans.StatementPlanner).Assembly.GetName().Name, Is.EqualTo("DbAgent.Databases"));
        });
    }

    [Test]
    public void The_check_assembly_does_not_reference_the_server()
    {
        var referenced = typeof(DbAgent.Server.Cli.CheckCommand).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.That(referenced, Has.Some.EqualTo("DbAgent.Databases"), "the scan read the references");
        Assert.That(referenced, Has.None.EqualTo("dbagent").And.None.EqualTo("StreamJsonRpc").And.None.EqualTo("DbAgent.Agent"));
    }

    private sealed record Reference(string From, string Namespace, string Type);

    private sealed record TypeName(string Namespace, string Name);

    /// <summary>What the IL of the selected types (and the types nested in them) names, by the namespace of the named type.</summary>
    private static List<Reference> References(string path, Func<TypeName, bool> select)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var results = new List<Reference>();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var outer = Outermost(md, typeHandle);
            var from = new TypeName(md.GetString(outer.Namespace), md.GetString(outer.Name));
            if (!select(from)) continue;
            foreach (var methodHandle in md.GetTypeDefinition(typeHandle).GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes();
                if (il is null) continue;
                foreach (var token in Tokens(il))
                    if (Owner(md, MetadataTokens.EntityHandle(token)) is { } owner)
                        results.Add(new Reference(from.Name, owner.Namespace, owner.Name));
            }
        }
        return results;
    }

    private static TypeDefinition Outermost(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        while (type.GetDeclaringType() is { IsNil: false } parent) type = md.GetTypeDefinition(parent);
        return type;
    }

    /// <summary>The type a token names, or whose member it names.</summary>
    private static TypeName? Owner(MetadataReader md, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                var def = Outermost(md, (TypeDefinitionHandle)handle);
                return new TypeName(md.GetString(def.Namespace), md.GetString(def.Name));
            case HandleKind.TypeReference:
                var reference = md.GetTypeReference((TypeReferenceHandle)handle);
                while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
                    reference = md.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
                return new TypeName(md.GetString(reference.Namespace), md.GetString(reference.Name));
            case HandleKind.TypeSpecification:
                var blob = md.GetBlobReader(md.GetTypeSpecification((TypeSpecificationHandle)handle).Signature);
                if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return null;
                blob.ReadSignatureTypeCode();
                return Owner(md, blob.ReadTypeHandle());
            case HandleKind.MethodDefinition:
                return Owner(md, md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
            case HandleKind.FieldDefinition:
                return Owner(md, md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
            case HandleKind.MemberReference:
                return Owner(md, md.GetMemberReference((MemberReferenceHandle)handle).Parent);
            case HandleKind.MethodSpecification:
                return Owner(md, md.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            default:
                return null;
        }
    }

    /// <summary>The metadata tokens a method body's instructions name (methods, fields, types; not strings).</summary>
    private static IEnumerable<int> Tokens(byte[] il) =>
        DatabaseWritesTests.Instructions(il)
            .Where(i => i.OpCode.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            .Select(i => i.Token);
}
