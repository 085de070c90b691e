using System.Text.Json.Nodes;
using Hearth.Inference.Templates;

namespace Hearth.Inference.Tests.Templates;

/// <summary>
/// One small template per construct (loops, macros, filters, tests, methods, whitespace control...). Each expected string
/// is what Jinja2 3.1.6 renders for the same source and variables with trim_blocks, lstrip_blocks and loopcontrols on.
/// </summary>
public sealed class ConstructTests
{
    public static TheoryData<string, string, string> Cases { get; } = new()
    {
        { "{{ 'a' ~ 1 ~ none ~ true }}", "{}", "a1NoneTrue" },
        { "{% for x in [1,2,3] %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }};{% endfor %}", "{}", "1/0/3/2/True/False/3;2/1/2/1/False/False/3;3/2/1/0/False/True/3;" },
        { "{% for x in ['a','b','c'] %}{{ loop.previtem | default('-') }}{{ x }}{{ loop.nextitem | default('-') }} {% endfor %}", "{}", "-ab abc bc- " },
        { "{% for x in [] %}x{% else %}empty{% endfor %}", "{}", "empty" },
        { "{% for k, v in {'b': 1, 'a': 2}.items() %}{{ k }}={{ v }},{% endfor %}", "{}", "b=1,a=2," },
        { "{% for x in range(10) if x is odd %}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}", "{}", "1,3,5,7,9" },
        { "{% for x in range(10) %}{% if x == 5 %}{% break %}{% endif %}{% if x is even %}{% continue %}{% endif %}{{ x }}{% endfor %}", "{}", "13" },
        { "{% if 0 %}a{% elif '' %}b{% elif [1] %}c{% else %}d{% endif %}", "{}", "c" },
        { "{% set ns = namespace(n=0) %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}", "{}", "6" },
        { "{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}", "{}", "1" },
        { "{% macro greet(name, greeting='Hello') %}{{ greeting }}, {{ name }}!{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', greeting='Hi') }}", "{}", "Hello, Ann! Hi, Bob!" },
        { "{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}inside{% endcall %}", "{}", "[inside]" },
        { "{{ '  padded  ' | trim }}|{{ 'abc' | upper }}|{{ 'ABC' | lower }}|{{ 'hello world' | capitalize }}|{{ 'hello wORLD' | title }}", "{}", "padded|ABC|abc|Hello world|Hello World" },
        { "{{ [3, 1, 2] | length }} {{ [3, 1, 2] | first }} {{ [3, 1, 2] | last }} {{ [3, 1, 2] | join('-') }} {{ [3, 1, 2] | sort | list }}", "{}", "3 3 2 3-1-2 [1, 2, 3]" },
        { "{{ 'a-b-c' | replace('-', '+') }} {{ undefined_thing | default('dflt') }} {{ '' | default('e', true) }} {{ none | d('n') }}", "{}", "a+b+c dflt e None" },
        { "{{ {'b': [1, 2.5, none, true], 'a': \"it's <x> & é\"} | tojson }}", "{}", "{\"a\": \"it\\u0027s \\u003cx\\u003e \\u0026 \\u00e9\", \"b\": [1, 2.5, null, true]}" },
        { "{{ {'b': 1, 'a': {'c': []}} | tojson(indent=2) }}", "{}", "{\n  \"a\": {\n    \"c\": []\n  },\n  \"b\": 1\n}" },
        { "{{ users | selectattr('active') | map(attribute='name') | join(',') }}|{{ users | rejectattr('active') | map(attribute='name') | list }}|{{ users | selectattr('name', 'equalto', 'b') | list | length }}", "{\"users\": [{\"name\": \"a\", \"active\": true}, {\"name\": \"b\", \"active\": false}, {\"name\": \"c\", \"active\": true}]}", "a,c|['b']|1" },
        { "{{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 2, 3, 4] | reject('odd') | list }} {{ ['A', 'a', 'b'] | unique | list }}", "{}", "[1, 3] [2, 4] ['A', 'b']" },
        { "{{ -3 | abs }} {{ '42' | int + 1 }} {{ '2.5' | float }} {{ 2.567 | round(2) }} {{ 7 | string ~ 'x' }} {{ 3.0 }} {{ 1e20 }} {{ 10 / 4 }} {{ 7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }}", "{}", "3 43 2.5 2.57 7x 3.0 1e+20 2.5 3 2 1024" },
        { "{{ 'ab\\ncd\\n\\nef' | indent(2) }}|{{ 'x\\ny' | indent(4, first=true) }}", "{}", "ab\n  cd\n\n  ef|    x\n    y" },
        { "{{ x is defined }} {{ y is undefined }} {{ none is none }} {{ 'a' is string }} {{ {} is mapping }} {{ [] is iterable }} {{ 1 is number }} {{ [] is sequence }} {{ true is true }} {{ false is false }} {{ 3 is divisibleby 3 }}", "{\"x\": 1}", "True True True True True True True True True True True" },
        { "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ x is not none }}", "{\"x\": 0}", "True True True True True" },
        { "{{ '  x  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '\\n\\nhi'.lstrip('\\n') }}|{{ 'hi  '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'abc'.startswith('ab') }}|{{ 'abc'.endswith('bc') }}", "{}", "x|hi|hi|hi|['a', 'b', '', 'c']|['a', 'b']|True|True" },
        { "{{ 'Hello'.upper() }} {{ 'Hello'.lower() }} {{ 'a-b'.replace('-', '_') }} {{ 'hello world'.title() }} {{ '{} and {}'.format(1, 'two') }} {{ '{name}!'.format(name='x') }}", "{}", "HELLO hello a_b Hello World 1 and two x!" },
        { "{{ d.get('a') }} {{ d.get('z', 'none') }} {{ d.keys() | list }} {{ d.values() | list }} {{ d['a'] }} {{ d.a }}", "{\"d\": {\"a\": 1, \"b\": 2}}", "1 none ['a', 'b'] [1, 2] 1 1" },
        { "{{ xs[1:] }} {{ xs[:-1] }} {{ xs[::-1] }} {{ xs[-1] }} {{ 'hello'[1:3] }} {{ 'hello'[::-1] }} {{ xs[::2] }}", "{\"xs\": [1, 2, 3, 4]}", "[2, 3, 4] [1, 2, 3] [4, 3, 2, 1] 4 el olleh [1, 3]" },
        { "{{ 'yes' if x else 'no' }} {{ 'shown' if not x }}|{{ 'a' if x }}", "{\"x\": false}", "no shown|" },
        { "{{ '%s is %d years' % ('Ann', 30) }} {{ '%.2f' % 3.14159 }} {{ '%05d|%-4s|' % (42, 'ab') }}", "{}", "Ann is 30 years 3.14 00042|ab  |" },
        { "{{ [1, 'a', none, true, 1.5] }} {{ {'k': 'v'} }} {{ (1, 2) }} {{ none }} {{ true }}", "{}", "[1, 'a', None, True, 1.5] {'k': 'v'} (1, 2) None True" },
        { "{% set greeting | upper %}hello {{ name }}{% endset %}{{ greeting }}", "{\"name\": \"bob\"}", "HELLO BOB" },
        { "{% filter upper %}shout{% endfilter %}", "{}", "SHOUT" },
        { "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a is defined }}", "{}", "3False" },
        { "{{ [1, 2] + [3] }} {{ 'ab' * 3 }} {{ '-' * 0 }} {{ 1 < 2 < 3 }} {{ 2 > 3 }} {{ 'a' < 'b' }} {{ [1, 2] == [1, 2] }} {{ 1 == 1.0 }}", "{}", "[1, 2, 3] ababab  True False True True True" },
        { "{{ items | map('upper') | list }} {{ items | map('replace', 'a', 'o') | join }} {{ [{'n': 1}, {'n': 2}] | map(attribute='n') | sum }}", "{\"items\": [\"ab\", \"ca\"]}", "['AB', 'CA'] obco 3" },
        { "  {% if true %}\n  line\n  {% endif %}\n{# note #}\n  {{ 'v' }}\nz  {% if true %}w{% endif %}\n", "{}", "  line\n  v\nz  w" },
        { "a  {%- if true -%}  b  {%- endif -%}  c\n{{- ' d ' -}}\n e", "{}", "abc d e" },
        { "{%+ if true %}x{% endif +%}\ny", "{}", "x\ny" },
        { "{% for a in [[1, 2], [3]] %}{% for b in a %}{{ loop.depth }}{{ b }}{% endfor %}{% endfor %}", "{}", "111213" },
        { "{{ 'x' ~ ('a', 'b') | join }} {{ (1, 2)[0] }} {{ [1, [2, 3]][1][0] }}", "{}", "xab 1 2" },
        { "{{ 'abc' | list }} {{ {'a': 1} | list }} {{ 'a b c' | wordcount }} {{ [3, 1] | max }} {{ [3, 1] | min }} {{ [1, 2] | reverse | list }}", "{}", "['a', 'b', 'c'] ['a'] 3 3 1 [2, 1]" },
        { "{% macro f(a, b=2) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ f(1) }} {{ f(1, 3, 4, k=5) }}", "{}", "12(){} 13(4,){'k': 5}" },
        { "{{ 'ünïcödé 🌍' | length }} {{ '🌍x'[1] }} {{ 'é' | tojson }} {{ '🌍' | tojson }} {{ 'Ünï' | upper }}", "{}", "9 x \"\\u00e9\" \"\\ud83c\\udf0d\" ÜNÏ" },
        // Jinja2 quirks: tojson/safe/escape give Markup, and + or % with Markup HTML-escapes the plain string;
        // map/select/reject/unique/items give single-pass generators; select on a false value is empty.
        { "{{ '\"' + key + '\": ' + val | tojson }}", "{\"key\": \"k<\", \"val\": {\"a\": \"b&\"}}", "&#34;k&lt;&#34;: {\"a\": \"b\\u0026\"}" },
        { "{{ 'Use ' | safe + name + ' now' | safe }}", "{\"name\": \"A & B <c>\"}", "Use A &amp; B &lt;c&gt; now" },
        { "{% set out = {'n': 1} | tojson %}{{ out[:-1] }}, \"id\": 1}", "{}", "{\"n\": 1, \"id\": 1}" },
        { "{{ ('<' | safe).strip() + '<' }} {{ ({'a': '&'} | tojson | trim) + '<' }} {{ ({'a': 1} | tojson | replace('a', 'b')) + '<' }}", "{}", "<&lt; {\"a\": \"\\u0026\"}&lt; {\"b\": 1}<" },
        { "{{ '<b>' | e }} {{ ('<' | e) + '<' }} {{ '%s!' | safe % '<' }}", "{}", "&lt;b&gt; &lt;&lt; &lt;!" },
        { "{% set g = [1, 2, 3] | select('odd') %}{{ g | list }}{{ g | list }}", "{}", "[1, 3][]" },
        { "{{ [1, 2] | map('string') | join('+') }} {{ none | selectattr('x') | list }} {{ [] | map(attribute='x') | list }}", "{}", "1+2 [] []" },
        { "{{ {'b': 1, 'a': 2} | items | list }} {{ [3, 1, 2] | reverse | list }} {{ [1, 2] | select | first }}", "{}", "[('b', 1), ('a', 2)] [2, 1, 3] 1" },
        { "{{ 2.675 | round(2) }} {{ 2.5 | round }} {{ 0.125 | round(2) }} {{ 'x' | center(4) }}|", "{}", "2.67 2.0 0.12  x  |" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_Construct_MatchesJinja2(string source, string variablesJson, string expected)
    {
        var variables = JsonNode.Parse(variablesJson)!.AsObject().ToDictionary(p => p.Key, p => (object?)p.Value);
        string actual = ChatTemplate.Parse(source).Render(variables);
        Assert.True(expected == actual, $"{source}\n{TextDiff.Describe(expected, actual)}");
    }

    [Fact]
    public void Render_StrftimeNow_UsesInjectedClock()
    {
        var options = new ChatTemplateOptions { Clock = FixedClock.ExpectedCasesDate };
        string actual = ChatTemplate.Parse("{{ strftime_now('%Y-%m-%d %d %b %Y %A %B %H:%M %-d') }}", options).Render(new Dictionary<string, object?>());
        Assert.Equal("2026-01-15 15 Jan 2026 Thursday January 10:30 15", actual);
    }
}
