using DbAgent.Sql.Schema;

namespace DbAgent.Sql.Tests.Schema;

public class TypeNamesTests
{
    [Test]
    public void A_spelling_seen_before_gives_the_same_answer_and_the_same_string_per_dialect()
    {
        var first = TypeNames.NormalizeWithIdentity("character varying(123)", SqlDialect.Postgres);
        var again = TypeNames.NormalizeWithIdentity("character varying(123)", SqlDialect.Postgres);
        Assert.That(again, Is.EqualTo(new NormalizedType("varchar(123)", false)));
        Assert.That(ReferenceEquals(first.Name, again.Name), Is.True, "one string shared by every column of that type");
        // The memo is per dialect: MySQL's serial is not PostgreSQL's.
        Assert.That(TypeNames.NormalizeWithIdentity("serial", SqlDialect.Postgres), Is.EqualTo(new NormalizedType("integer", true)));
        Assert.That(TypeNames.NormalizeWithIdentity("serial", SqlDialect.MySql), Is.EqualTo(new NormalizedType("bigint unsigned", true)));
        Assert.That(TypeNames.NormalizeWithIdentity("serial", SqlDialect.Postgres), Is.EqualTo(new NormalizedType("integer", true)));
    }

    [TestCase("int4", SqlDialect.Postgres, "integer")]
    [TestCase("INTEGER", SqlDialect.Postgres, "integer")]
    [TestCase("int", SqlDialect.TSql, "integer")]
    [TestCase("int8", SqlDialect.Postgres, "bigint")]
    [TestCase("BIGINT", SqlDialect.MySql, "bigint")]
    [TestCase("int2", SqlDialect.Postgres, "smallint")]
    [TestCase("character varying(255)", SqlDialect.Postgres, "varchar(255)")]
    [TestCase("VARCHAR( 40 )", SqlDialect.MySql, "varchar(40)")]
    [TestCase("character varying", SqlDialect.Postgres, "varchar")]
    [TestCase("bool", SqlDialect.Postgres, "boolean")]
    [TestCase("timestamp with time zone", SqlDialect.Postgres, "timestamptz")]
    [TestCase("TIMESTAMP(3) WITH TIME ZONE", SqlDialect.Postgres, "timestamptz(3)")]
    [TestCase("timestamp without time zone", SqlDialect.Postgres, "timestamp")]
    [TestCase("datetime2(7)", SqlDialect.TSql, "datetime2(7)")]
    [TestCase("NVARCHAR(MAX)", SqlDialect.TSql, "nvarchar(max)")]
    [TestCase("[nvarchar](50)", SqlDialect.TSql, "nvarchar(50)")]
    [TestCase("tinyint(1)", SqlDialect.MySql, "boolean")]
    [TestCase("tinyint", SqlDialect.TSql, "tinyint")]
    [TestCase("int(11)", SqlDialect.MySql, "integer")]
    [TestCase("int(10) unsigned", SqlDialect.MySql, "integer unsigned")]
    [TestCase("SMALLINT UNSIGNED", SqlDialect.MySql, "smallint unsigned")]
    [TestCase("decimal(10, 2)", SqlDialect.MySql, "numeric(10,2)")]
    [TestCase("NUMERIC(10,2)", SqlDialect.Sqlite, "numeric(10,2)")]
    [TestCase("float8", SqlDialect.Postgres, "double precision")]
    [TestCase("double", SqlDialect.MySql, "double precision")]
    [TestCase("float", SqlDialect.TSql, "double precision")]
    [TestCase("float", SqlDialect.MySql, "real")]
    [TestCase("float(24)", SqlDialect.Postgres, "real")]
    [TestCase("text[]", SqlDialect.Postgres, "text[]")]
    [TestCase("integer ARRAY", SqlDialect.Postgres, "integer[]")]
    [TestCase("varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", SqlDialect.MySql, "varchar(20)")]
    [TestCase("ENUM('G','PG','PG-13')", SqlDialect.MySql, "enum('G','PG','PG-13')")]
    [TestCase("pg_catalog.int4", SqlDialect.Postgres, "integer")]
    [TestCase("bpchar(3)", SqlDialect.Postgres, "char(3)")]
    [TestCase("character(3)", SqlDialect.Postgres, "char(3)")]
    [TestCase("\"MyType\"", SqlDialect.Postgres, "MyType")]
    public void Normalises_type_spellings(string raw, SqlDialect dialect, string expected)
    {
        Assert.That(TypeNames.Normalize(raw, dialect), Is.EqualTo(expected));
    }

    [TestCase("serial", SqlDialect.Postgres, "integer")]
    [TestCase("BIGSERIAL", SqlDialect.Postgres, "bigint")]
    [TestCase("smallserial", SqlDialect.Postgres, "smallint")]
    [TestCase("serial", SqlDialect.MySql, "bigint unsigned")]
    [TestCase("int IDENTITY(1,1)", SqlDialect.TSql, "integer")]
    [TestCase("INT AUTO_INCREMENT", SqlDialect.MySql, "integer")]
    public void Serial_and_identity_spellings_imply_identity(string raw, SqlDialect dialect, string expected)
    {
        var type = TypeNames.NormalizeWithIdentity(raw, dialect);
        Assert.That(type.Name, Is.EqualTo(expected));
        Assert.That(type.ImpliesIdentity, Is.True);
    }

    [TestCase("integer")]
    [TestCase("varchar(3)")]
    [TestCase("numeric(10,2)")]
    public void Plain_types_imply_no_identity(string raw)
    {
        Assert.That(TypeNames.NormalizeWithIdentity(raw, SqlDialect.Postgres).ImpliesIdentity, Is.False);
    }

    [TestCase("INTEGER", "integer")]
    [TestCase("BIGINT", "integer")]
    [TestCase("NVARCHAR(120)", "text")]
    [TestCase("CLOB", "text")]
    [TestCase("BLOB", "blob")]
    [TestCase("", "blob")]
    [TestCase("DOUBLE", "real")]
    [TestCase("FLOATING POINT", "integer")] // "INT" wins: SQLite's rule 1 applies first
    [TestCase("NUMERIC(10,2)", "numeric")]
    [TestCase("DATETIME", "numeric")]
    public void Sqlite_affinity_follows_sqlite_rules(string declared, string affinity)
    {
        Assert.That(TypeNames.SqliteAffinity(declared), Is.EqualTo(affinity));
    }

    [TestCase("integer")]
    [TestCase("varchar(255)")]
    [TestCase("timestamptz(3)")]
    [TestCase("numeric(10,2)")]
    [TestCase("nvarchar(max)")]
    public void Normalising_is_idempotent(string normalised)
    {
        Assert.That(TypeNames.Normalize(TypeNames.Normalize(normalised, SqlDialect.Postgres), SqlDialect.Postgres), Is.EqualTo(TypeNames.Normalize(normalised, SqlDialect.Postgres)));
    }
}
