using System.Globalization;
using System.Text;

namespace Hearth.Inference.Templates.Jinja.Runtime;

/// <summary>
/// Global functions every chat template sees: <c>range</c>, <c>namespace</c>, <c>dict</c>, and the two Hugging Face adds,
/// <c>raise_exception(msg)</c> and <c>strftime_now(fmt)</c>.
/// </summary>
internal static class Globals
{
    public static void AddTo(Scope scope)
    {
        scope.Set("range", new BuiltinFunction("range", Range));
        scope.Set("namespace", new BuiltinFunction("namespace", Namespace));
        scope.Set("dict", new BuiltinFunction("dict", (_, args) =>
        {
            var dict = new PyDict();
            if (args.Positional.Length > 0 && args.Positional[0] is PyDict source)
            {
                foreach (var pair in source)
                {
                    dict[pair.Key] = pair.Value;
                }
            }
            foreach (var pair in args.Named)
            {
                dict[pair.Key] = pair.Value;
            }
            return dict;
        }));
        scope.Set("raise_exception", new BuiltinFunction("raise_exception", (ev, args) =>
            throw new TemplateRaisedException(PyText.Str(args.Get(0, "message", "")), ev.CurrentLine)));
        scope.Set("strftime_now", new BuiltinFunction("strftime_now", (ev, args) =>
            Strftime(ev.Options.Clock.GetLocalNow(), args.Get(0, "format") as string ?? throw new TemplateTypeError("strftime_now needs a format string"))));
    }

    private static object? Range(Evaluator ev, CallArguments args)
    {
        long[] numbers = args.Positional.Select(a => a switch
        {
            long l => l,
            bool b => b ? 1L : 0L,
            _ => throw new TemplateTypeError($"'{PyOps.TypeName(a)}' object cannot be interpreted as an integer"),
        }).ToArray();
        (long start, long stop, long step) = numbers.Length switch
        {
            1 => (0L, numbers[0], 1L),
            2 => (numbers[0], numbers[1], 1L),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw new TemplateTypeError($"range expected 1 to 3 arguments, got {numbers.Length}"),
        };
        if (step == 0)
        {
            throw new TemplateTypeError("range() arg 3 must not be zero");
        }
        long count = step > 0 ? (stop > start ? ((stop - start - 1) / step) + 1 : 0) : (start > stop ? ((start - stop - 1) / -step) + 1 : 0);
        int max = ev.Options.Limits.MaxRange;
        if (count > max)
        {
            throw new TemplateLimitExceededException($"range() of {count} items exceeds the limit of {max} ({nameof(TemplateLimits.MaxRange)})", ev.CurrentLine, 0, nameof(TemplateLimits.MaxRange));
        }
        var list = new List<object?>((int)count);
        for (long i = 0, v = start; i < count; i++, v += step)
        {
            list.Add(v);
        }
        return list;
    }

    private static object? Namespace(Evaluator ev, CallArguments args)
    {
        var ns = new JinjaNamespace();
        foreach (object? positional in args.Positional)
        {
            if (positional is not PyDict initial)
            {
                throw new TemplateTypeError("namespace() takes a mapping or keyword arguments");
            }
            foreach (var pair in initial)
            {
                ns.Attributes[PyText.Str(pair.Key)] = pair.Value;
            }
        }
        foreach (var pair in args.Named)
        {
            ns.Attributes[pair.Key] = pair.Value;
        }
        return ns;
    }

    private static readonly string[] s_days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private static readonly string[] s_months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>Python/C <c>strftime</c> in the C locale, including glibc's <c>%-d</c> (no padding).</summary>
    public static string Strftime(DateTimeOffset time, string format)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            char c = format[++i];
            bool noPad = false;
            if (c == '-' && i + 1 < format.Length)
            {
                noPad = true;
                c = format[++i];
            }
            string Two(int n) => noPad ? n.ToString(CultureInfo.InvariantCulture) : n.ToString("00", CultureInfo.InvariantCulture);
            int hour12 = time.Hour % 12 == 0 ? 12 : time.Hour % 12;
            sb.Append(c switch
            {
                'a' => s_days[(int)time.DayOfWeek][..3],
                'A' => s_days[(int)time.DayOfWeek],
                'b' or 'h' => s_months[time.Month - 1][..3],
                'B' => s_months[time.Month - 1],
                'd' => Two(time.Day),
                'e' => time.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                'H' => Two(time.Hour),
                'I' => Two(hour12),
                'j' => noPad ? time.DayOfYear.ToString(CultureInfo.InvariantCulture) : time.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
                'm' => Two(time.Month),
                'M' => Two(time.Minute),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'S' => Two(time.Second),
                'y' => Two(time.Year % 100),
                'Y' => time.Year.ToString(CultureInfo.InvariantCulture),
                'F' => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                'T' => time.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                'z' => (time.Offset < TimeSpan.Zero ? "-" : "+") + time.Offset.ToString("hhmm", CultureInfo.InvariantCulture),
                'w' => ((int)time.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                '%' => "%",
                _ => "%" + c,
            });
        }
        return sb.ToString();
    }
}
