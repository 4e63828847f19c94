using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using DbAgent.Server.Host;

namespace DbAgent.Server.Tests.Product;

/// <summary>
/// The product's promise, "analysis never changes a database", checked on the compiled code the .vsix carries:
/// `dbagent` and every DbAgent assembly it references. Each method that sends SQL to a database (calls a driver's
/// command, or the engines. AdoCommands helpers) must not hold a statement that writes (INSERT, UPDATE, DELETE, COPY, CREATE
/// TABLE, DROP, TRUNCATE, ALTER, GRANT...), and no shipped code may use a driver's bulk-write API. Text that writes but
/// is never sent (DDL rendered into a migration file, rule docs, keyword tables) lives in other methods and passes.
/// The reviewed writes: SQLite's what-if index is tried on SqliteWhatIfCopy, an in-memory copy of the schema and
/// statistics that the copy itself fills (its INSERT/DELETE into sqlite_stat1/4 reach only that private database; the
/// user's file is only read, which SqliteProviderTests checks byte for byte); the index DDL comes from IndexDdl. The same check run on the sample-data
/// tool, which does write, must find its writes: that is what shows the check can fail.
/// </summary>
[TestFixture]
public sealed class DatabaseWritesTests
{
    private static readonly Regex WriteStatement = new(
        @"^\s*(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|COPY\s|CREATE\s+(TABLE|DATABASE|SCHEMA|VIEW|EXTENSION|TRIGGER|FUNCTION|(UNIQUE\s+)?INDEX)|DROP\s|TRUNCATE|ALTER\s|GRANT\s|REVOKE\s|MERGE\s|REPLACE\s+INTO|VACUUM|REINDEX|CLUSTER\s)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly string[] SendMembers =
        ["ExecuteNonQuery", "ExecuteNonQueryAsync", "ExecuteReader", "ExecuteReaderAsync", "ExecuteScalar", "ExecuteScalarAsync", "set_CommandText"];

    private static readonly string[] BulkWriteMembers =
        ["BeginBinaryImport", "BeginBinaryImportAsync", "BeginTextImport", "BeginTextImportAsync", "BeginRawBinaryCopy", "BeginRawBinaryCopyAsync", "BackupDatabase"];

    private static readonly string[] BulkWriteTypes = ["MySqlBulkCopy", "MySqlBulkLoader", "SqlBulkCopy"];

    private static string Directory => Path.GetDirectoryName(typeof(LanguageServerHost).Assembly.Location)!;

    /// <summary>dbagent.dll and the DbAgent assemblies it references, transitively: what `dotnet publish` of the server ships.</summary>
    private static List<string> ShippedAssemblies()
    {
        var seen = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([Path.Combine(Directory, "dbagent.dll")]);
        while (pending.TryPop(out var path))
        {
            if (!seen.Add(path)) continue;
            using var pe = new PEReader(File.OpenRead(path));
            var md = pe.GetMetadataReader();
            foreach (var handle in md.AssemblyReferences)
            {
                var name = md.GetString(md.GetAssemblyReference(handle).Name);
                if (name.StartsWith("DbAgent", StringComparison.OrdinalIgnoreCase) || name.StartsWith("dbagent", StringComparison.OrdinalIgnoreCase))
                    pending.Push(Path.Combine(Directory, name + ".dll"));
            }
        }
        return seen.ToList();
    }

    [Test]
    public void The_shipped_server_does_not_contain_the_sample_data_tool()
    {
        var shipped = ShippedAssemblies().Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.That(shipped, Does.Contain("dbagent").And.Contain("DbAgent.Databases").And.Contain("DbAgent.Agent"));
        Assert.That(shipped, Has.None.EqualTo("dbagent-sample").IgnoreCase.And.None.Contains("SampleData"));
    }

    [Test]
    public void No_shipped_method_sends_a_statement_that_writes_or_uses_a_bulk_write_api()
    {
        var findings = ShippedAssemblies().SelectMany(Scan).ToList();
        Assert.That(findings, Is.Empty);
    }

    [Test]
    public void The_same_check_finds_the_writes_of_the_sample_data_tool()
    {
        var findings = Scan(Path.Combine(Directory, "dbagent-sample.dll")).ToList();
        Assert.That(findings, Has.Some.Contains("INSERT INTO"), string.Join("\n", findings));
        Assert.That(findings, Has.Some.Contains("BeginBinaryImport"), string.Join("\n", findings));
    }

    /// <summary>Types whose writes go to a private database of their own, never the user's (see the summary).</summary>
    private static readonly string[] PrivateCopies = ["SqliteWhatIfCopy"];

    private static IEnumerable<string> Scan(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var results = new List<string>();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            var outer = type;
            while (outer.GetDeclaringType() is { IsNil: false } parent) outer = md.GetTypeDefinition(parent);
            if (PrivateCopies.Contains(md.GetString(outer.Name))) continue;
            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes();
                if (il is null) continue;
                var literals = new List<string>();
                var sends = false;
                foreach (var (opcode, token) in Instructions(il))
                {
                    if (opcode == OpCodes.Ldstr)
                    {
                        literals.Add(md.GetUserString(MetadataTokens.UserStringHandle(token & 0xFFFFFF)));
                        continue;
                    }
                    if (opcode != OpCodes.Call && opcode != OpCodes.Callvirt && opcode != OpCodes.Newobj) continue;
                    var (declaring, member) = MemberName(md, MetadataTokens.EntityHandle(token));
                    var where = $"{Path.GetFileName(path)}: {md.GetString(type.Name)}.{md.GetString(method.Name)}";
                    if (BulkWriteMembers.Contains(member) || BulkWriteTypes.Contains(declaring))
                        results.Add($"{where} uses {declaring}.{member}");
                    if (SendMembers.Contains(member) && declaring.EndsWith("Command", StringComparison.Ordinal)
                        || declaring == "AdoCommands" && member is "ExecuteAsync" or "QueryAsync" or "ScalarAsync"
                        || opcode == OpCodes.Newobj && declaring.EndsWith("Command", StringComparison.Ordinal))
                        sends = true;
                }
                if (!sends) continue;
                foreach (var literal in literals.Where(l => WriteStatement.IsMatch(l)))
                    results.Add($"{Path.GetFileName(path)}: {md.GetString(type.Name)}.{md.GetString(method.Name)} sends \"{literal.Trim()}\"");
            }
        }
        return results;
    }

    private static (string Type, string Member) MemberName(MetadataReader md, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                var def = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                return (md.GetString(md.GetTypeDefinition(def.GetDeclaringType()).Name), md.GetString(def.Name));
            case HandleKind.MemberReference:
                var reference = md.GetMemberReference((MemberReferenceHandle)handle);
                return (TypeName(md, reference.Parent), md.GetString(reference.Name));
            case HandleKind.MethodSpecification:
                return MemberName(md, md.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            default:
                return ("", "");
        }
    }

    private static string TypeName(MetadataReader md, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeReference => md.GetString(md.GetTypeReference((TypeReferenceHandle)handle).Name),
        HandleKind.TypeDefinition => md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)handle).Name),
        // A generic instantiation (List<T>): its generic type's name, with the arity.
        HandleKind.TypeSpecification => GenericName(md, md.GetTypeSpecification((TypeSpecificationHandle)handle)),
        _ => "",
    };

    private static string GenericName(MetadataReader md, TypeSpecification spec)
    {
        var blob = md.GetBlobReader(spec.Signature);
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return "";
        blob.ReadSignatureTypeCode();
        return TypeName(md, blob.ReadTypeHandle());
    }

    private static readonly Dictionary<short, OpCode> ByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The instructions of a method body, with the operand as a token where it is one (else 0).</summary>
    internal static IEnumerable<(OpCode OpCode, int Token)> Instructions(byte[] il)
    {
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE) value = (short)(0xFE00 | il[i++]);
            var opcode = ByValue[value];
            var token = 0;
            switch (opcode.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: i += 8; break;
                case OperandType.InlineSwitch: i += 4 + 4 * BitConverter.ToInt32(il, i); break;
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok
                    or OperandType.InlineString or OperandType.InlineSig:
                    token = BitConverter.ToInt32(il, i);
                    i += 4;
                    break;
                default: i += 4; break;
            }
            yield return (opcode, token);
        }
    }
}
