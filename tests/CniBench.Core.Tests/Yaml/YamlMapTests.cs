using CniBench.Core.Yaml;

namespace CniBench.Core.Tests.Yaml;

public sealed class YamlMapTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData("\"true\"", true)]
    public void Bool_CoreSchemaSpelling_IsRead(string text, bool expected)
    {
        var (map, errors) = Read($"flag: {text}\n");

        Assert.Equal(expected, map.Bool("flag", required: true));
        map.Finish();
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("on")]
    [InlineData("off")]
    [InlineData("tRuE")]
    [InlineData("1")]
    public void Bool_OtherSpelling_IsAnErrorNamingTheField(string text)
    {
        var (map, errors) = Read($"lab:\n  flag: {text}\n");

        Assert.Null(map.Map("lab", required: true)!.Bool("flag", required: true));
        var error = Assert.Single(errors);
        Assert.Equal($"f.yaml:2:9: lab.flag: expected true or false, found '{text}'", error.ToString());
    }

    [Fact]
    public void Finish_UnknownKey_NamesItsPathAndTheNearestKnownKey()
    {
        var (map, errors) = Read("tests:\n  - test: tcp\n    duraton: 2s\n");

        var test = Assert.Single(map.MapList("tests", required: true)!);
        Assert.Equal("tcp", test.String("test", required: true));
        test.As("tcp").Value("duration");
        test.Finish();

        var error = Assert.Single(errors);
        Assert.Equal("tests[0].duraton", error.Field);
        Assert.Equal((3, 5), (error.Line, error.Column));
        Assert.Equal("unknown key 'duraton' (did you mean 'duration'?); expected one of: test, duration", error.Message);
    }

    [Fact]
    public void Value_NullValue_CountsAsAbsent()
    {
        var (map, errors) = Read("a: ~\nb:\nc: null\nd: \"null\"\n");

        Assert.Null(map.Value("a"));
        Assert.Null(map.Value("b"));
        Assert.Null(map.String("c", required: true));
        Assert.Equal("null", map.String("d", required: true));
        map.Finish();

        var error = Assert.Single(errors);
        Assert.Equal("missing required key 'c'", error.Message);
        Assert.Equal("c", error.Field);
    }

    [Fact]
    public void Items_OneScalar_IsAListOfItself()
    {
        var (map, errors) = Read("one: 4\nmany: [1, x]\n");

        Assert.Equal([4], map.Value("one")!.Items().Select(i => i.Int(1, 10)));
        Assert.Equal([1, null], map.Value("many")!.Items().Select(i => i.Int(1, 10)));
        Assert.Equal("many[1]", Assert.Single(errors).Field);
    }

    [Fact]
    public void Entries_NullValue_IsAnEmptyMapping()
    {
        var (map, errors) = Read("pods:\n  x/a:\n  x/b: {ip: 1}\n");

        var entries = map.Entries("pods", required: true)!;

        Assert.Equal(["x/a", "x/b"], entries.Select(e => e.Name));
        var empty = entries[0].Value.Map()!;
        Assert.Null(empty.String("ip", required: false));
        empty.Finish();
        Assert.Empty(errors);
        Assert.Equal("pods.x/b", entries[1].Value.Path);
    }

    [Theory]
    [InlineData("a: [1\n")]
    [InlineData("a: \"open\n")]
    [InlineData("a: b\n  c: d\n")]
    [InlineData("a: 1\na: 2\n")]
    public void Document_BrokenYaml_IsOneLocatedError(string yaml)
    {
        var errors = new List<InputError>();

        Assert.Null(YamlMap.Document(yaml, "f.yaml", errors));

        var error = Assert.Single(errors);
        Assert.StartsWith("not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 0, error.ToString());
    }

    [Theory]
    [InlineData("", "expected exactly one YAML document, found 0")]
    [InlineData("a: 1\n---\nb: 2\n", "expected exactly one YAML document, found 2")]
    [InlineData("- a\n- b\n", "expected a mapping, found a list")]
    public void Document_NotOneMapping_SaysWhatItFound(string yaml, string message)
    {
        var errors = new List<InputError>();

        Assert.Null(YamlMap.Document(yaml, "f.yaml", errors));

        Assert.Equal(message, Assert.Single(errors).Message);
    }

    [Fact]
    public void ToString_WithAndWithoutPlaceAndField_ReadsAsFileLineColumnFieldMessage()
    {
        Assert.Equal("f.yaml:3:5: lab.mtu: too big", (new InputError("f.yaml", 3, 5, "too big") { Field = "lab.mtu" }).ToString());
        Assert.Equal("f.yaml:3:5: too big", new InputError("f.yaml", 3, 5, "too big").ToString());
        Assert.Equal("--cni: unknown CNI 'x'", new InputError("--cni", 0, 0, "unknown CNI 'x'").ToString());
    }

    private static (YamlMap Map, List<InputError> Errors) Read(string yaml)
    {
        var errors = new List<InputError>();
        var map = YamlMap.Document(yaml, "f.yaml", errors);
        Assert.NotNull(map);
        return (map, errors);
    }
}
