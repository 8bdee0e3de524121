using System.Globalization;
using System.Text;

namespace WxLogin.Web.Telemetry;

/// <summary>Text from outside (WeChat's errmsg, ...) made safe for one log line.</summary>
public static class LogText
{
    /// <summary>The most of a foreign text a log line keeps.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// Control characters, line and paragraph separators and bidi controls become \uXXXX, so a value cannot
    /// forge a log line or reorder one; text longer than <see cref="MaxLength"/> is cut and marked with "…".
    /// </summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        var text = new StringBuilder(Math.Min(value.Length, MaxLength) + 16);
        foreach (var c in value.Length > MaxLength ? value[..MaxLength] : value)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069')
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                text.Append(c);
            }
        }
        return value.Length > MaxLength ? text.Append('…').ToString() : text.ToString();
    }
}
